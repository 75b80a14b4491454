// Small DOM helpers shared by the panels (www/view/*.js), so each lab does not re-invent them.

/** `el('div', {className: 'x'}, child, 'text')`: an element with properties and children. */
export function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/**
 * Draws an RGBA image from Rust (`{width, height, rgba: Uint8Array}`, e.g. a heatmap) onto
 * `canvas` at one canvas pixel per image pixel; CSS scales it up (`image-rendering: pixelated`).
 */
export function blit(canvas, img) {
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
  }
  const data = new Uint8ClampedArray(img.rgba.buffer, img.rgba.byteOffset, img.width * img.height * 4);
  canvas.getContext('2d').putImageData(new ImageData(data, img.width, img.height), 0, 0);
}

/** 0.9731 -> "97.31%". */
export const pct = (v, digits = 2) => `${(100 * v).toFixed(digits)}%`;

/** 266610 -> "266,610"; bytes -> "1.07 MB" / "12.3 kB" / "512 B". */
export const count = (n) => Number(n).toLocaleString('en-US');
export function bytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}
