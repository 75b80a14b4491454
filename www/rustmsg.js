// The core's (Rust's) messages that reach the learner often, said again from the catalogues
// (www/i18n/): crate/error.rs writes them in English, and a notice in another language shows the
// catalogue's sentence with the numbers taken from the Rust text. A message not listed here is
// shown as Rust wrote it, inside the catalogue's `main.error` sentence.

import { msg } from './i18n.js';

const WHY = {
  'the loss became not a number': 'rust.why.nan',
  'the weights grew too large to represent': 'rust.why.large',
  'the loss became infinite': 'rust.why.inf',
};

const PATTERNS = [
  // Error::Diverged
  [/^training diverged at step (\d+): (.+?), so training stopped and the last good weights were restored — try a smaller learning rate$/,
    (m) => (WHY[m[2]] ? msg('rust.diverged', { step: Number(m[1]), why: msg(WHY[m[2]]) }) : null)],
  // Error::NoLayer
  [/^there is no layer (\d+): this model has (\d+) layers? \(numbered 1 to \d+\)$/,
    (m) => msg(m[2] === '1' ? 'rust.noLayer1' : 'rust.noLayer', { n: Number(m[1]), count: Number(m[2]) })],
];

/** The catalogue's message for a known Rust message (`msg`), or null. */
export function fromRust(text) {
  const s = String(text ?? '');
  for (const [re, make] of PATTERNS) {
    const m = re.exec(s);
    if (m) return make(m);
  }
  return null;
}
