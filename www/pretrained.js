// The pretrained network for embedded panels. A panel shown alone in someone's docs must not
// prune or classify with an untrained net (it read 10.65% at 80% pruning), so embed.html starts
// from a LeNet-300-100 that the command line trains from a fixed seed (the recipe below; `cargo
// xtask build` makes the file when it is absent) and says so in the data strip, with the accuracy
// the session measures on this page's test digits.
//
// Default: embedded panels start from it unless the Train panel is among them (that panel is
// about watching a network learn); `pretrained=yes|no` in the address decides otherwise.

export const PRETRAINED = Object.freeze({
  url: 'models/lenet-300-100.safetensors',
  hidden: Object.freeze([300, 100]),
  act: 'relu',
  recipe: 'shrink train --hidden 300,100 --epochs 3 --seed 1',
});

/** Whether this page starts from the pretrained network (see the header). */
export function wantsPretrained(state, embed, panels) {
  const asked = state.get('pretrained');
  if (asked === 'yes') return true;
  if (asked === 'no') return false;
  return embed && !panels.includes('train');
}

/**
 * Loads the pretrained network into the worker's session, if the settings have its shape.
 * Resolves to `{ accuracy, sizes, bytes, recipe }`, or null after a notice that says why not.
 */
export async function loadPretrained(client, state, notice) {
  const s = state.settings();
  if (s.hidden.join(',') !== PRETRAINED.hidden.join(',') || s.act !== PRETRAINED.act) {
    notice(`The pretrained network is 784-${PRETRAINED.hidden.join('-')}-10 with ${PRETRAINED.act}; these settings ask for 784-${s.hidden.join('-')}-10 with ${s.act}, so the panel starts from an untrained network. Train it first.`, 'warn');
    return null;
  }
  let bytes;
  try {
    const res = await fetch(new URL(PRETRAINED.url, document.baseURI));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    notice(`This copy of Shrink has no pretrained network (${PRETRAINED.url}: ${e.message}), so the panel starts untrained. Train it first.`, 'warn');
    return null;
  }
  try {
    const info = await client.call('session', 'loadModel', bytes);
    const ev = await client.call('session', 'evaluate', 0);
    return { accuracy: ev.accuracy, tested: ev.count, sizes: info.sizes, bytes: bytes.length, recipe: PRETRAINED.recipe };
  } catch (e) {
    notice(`The pretrained network could not be loaded (${e.message || e}); the panel starts untrained.`, 'warn');
    return null;
  }
}
