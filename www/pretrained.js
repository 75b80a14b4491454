// The pretrained network for embedded panels. A panel shown alone in someone's docs must not
// prune or classify with an untrained net (it read 10.65% at 80% pruning), so embed.html starts
// from a LeNet-300-100 that the command line trains from a fixed seed (the recipe below; `cargo
// xtask build` makes the file when it is absent, xtask/src/models.rs) and says so in the data strip, with the accuracy
// the session measures on this page's test digits.
//
// Default: embedded panels start from it unless the Train panel is among them (that panel is
// about watching a network learn); `pretrained=yes|no` in the address decides otherwise.

export const PRETRAINED = Object.freeze({
  url: 'models/lenet-300-100.safetensors',
  hidden: Object.freeze([300, 100]),
  act: 'relu',
  recipe: 'shrink train --epochs 10 --seed 1',
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
    notice('embed.preShape', 'warn', { want: `784-${PRETRAINED.hidden.join('-')}-10`, wantAct: PRETRAINED.act, got: `784-${s.hidden.join('-')}-10`, gotAct: s.act });
    return null;
  }
  let bytes;
  try {
    const res = await fetch(new URL(PRETRAINED.url, document.baseURI));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    notice('embed.preMissing', 'warn', { url: PRETRAINED.url, reason: e.message });
    return null;
  }
  try {
    const info = await client.call('session', 'loadModel', bytes);
    const ev = await client.call('session', 'evaluate', 0);
    return { accuracy: ev.accuracy, tested: ev.count, sizes: info.sizes, bytes: bytes.length, recipe: PRETRAINED.recipe };
  } catch (e) {
    notice('embed.preFailed', 'warn', { reason: String(e.message || e) });
    return null;
  }
}
