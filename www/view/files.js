// Model files in and out of the versions list: "Download" (the Shrink model file: safetensors
// holding the true packed representation + JSON metadata), "Download ONNX" (opset 13), and an
// Upload button with a drag-and-drop zone that adds a Shrink file, a PyTorch state_dict
// (safetensors) or an ONNX MLP as a new version. The worker checks every file (crate::io); a
// bad file is an error in words and nothing is lost.

import { el, versionLabel } from '../ui.js';

function fileName(v, ext) {
  const base = v.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${v.id}-${base}.${ext}`;
}

function save(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The two download buttons of version `v`. */
export function downloadButtons(ctx, v) {
  const st = el('button', { type: 'button', className: 'button small', textContent: 'Download', title: `Download ${versionLabel(v)} as a Shrink model file (safetensors)` });
  st.dataset.download = 'safetensors';
  st.onclick = async () => {
    try {
      save(await ctx.call('versions', 'exportVersion', v.id), fileName(v, 'safetensors'), 'application/octet-stream');
    } catch (e) {
      ctx.showError(`${versionLabel(v)} was not downloaded: ${e.message}`);
    }
  };
  const onnx = el('button', { type: 'button', className: 'button small', textContent: 'Download ONNX', title: `Download ${versionLabel(v)} as ONNX (opset 13)` });
  onnx.dataset.download = 'onnx';
  onnx.onclick = async () => {
    try {
      save(await ctx.call('versions', 'exportOnnx', v.id), fileName(v, 'onnx'), 'application/octet-stream');
    } catch (e) {
      ctx.showError(`${versionLabel(v)} was not exported to ONNX: ${e.message}`);
    }
  };
  return [st, onnx];
}

/** Upload button, input-scaling choice and drop zone; `added(version)` runs after an import. */
export function uploadControls(ctx, added) {
  const input = el('input', { type: 'file', id: 'files-upload', accept: '.safetensors,.onnx', ariaLabel: 'Model file to add as a version' });
  const scaling = el('select', { id: 'files-scaling', ariaLabel: 'How the model file expects its pixels' },
    el('option', { value: 'auto', textContent: 'as the file says (else the page’s mean/std)' }),
    el('option', { value: 'unit', textContent: 'pixels / 255' }),
    el('option', { value: 'mean-std', textContent: 'mean/std standardised (0.1307, 0.3081)' }));
  const status = el('span', { className: 'caption', id: 'files-status' });
  const zone = el('div', { className: 'drop-zone', id: 'files-drop', tabIndex: 0, textContent: 'Drop a model file here (Shrink .safetensors, PyTorch state_dict .safetensors, or ONNX)' });

  async function load(file) {
    status.textContent = `Checking ${file.name}…`;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const v = await ctx.call('versions', 'importFile', bytes, scaling.value, '');
      status.textContent = `${file.name} → ${versionLabel(v)}: ${v.note}`;
      status.dataset.version = String(v.id);
      await added(v);
    } catch (e) {
      status.textContent = '';
      ctx.showError(`${file.name} was not added: ${e.message}`);
    }
  }
  input.onchange = () => {
    if (input.files && input.files[0]) load(input.files[0]);
    input.value = '';
  };
  zone.ondragover = (e) => {
    e.preventDefault();
    zone.classList.add('over');
  };
  zone.ondragleave = () => zone.classList.remove('over');
  zone.ondrop = (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) load(f);
  };
  return el('div', { className: 'files-upload' },
    el('label', {}, 'Add a model file ', input), el('label', {}, ' pixels: ', scaling), zone, status);
}
