// Checks for the numbers a panel reads from its inputs or from the address, with messages in
// words: each names the setting as the page labels it and gives its valid range ("Retrain
// steps must be a whole number from 0 to 20,000 (got -5)"), so nothing reaches Rust that its
// deserialiser would reject in jargon, and nothing is clamped silently.

const fmt = (n) => (Number.isInteger(n) ? n.toLocaleString('en-US') : String(n));

/** "got -5", "the field is empty". */
function got(raw) {
  const s = String(raw ?? '').trim();
  return s === '' ? 'the field is empty' : `got ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

/** The range in words: "a whole number from 1 to 8", "a number from 0 to below 1". */
export function rangeText({ min, max, integer = false, maxOpen = false }) {
  const kind = integer ? 'a whole number' : 'a number';
  return `${kind} from ${fmt(min)} to ${maxOpen ? `below ${fmt(max)}` : fmt(max)}`;
}

/**
 * `raw` as a number in [min, max] (or [min, max) with `maxOpen`), whole if `integer`.
 * @throws Error naming `label` and the range.
 */
export function checkNumber(raw, label, opts) {
  const s = String(raw ?? '').trim();
  const v = Number(s);
  const { min, max, integer = false, maxOpen = false } = opts;
  const bad =
    s === '' ||
    !Number.isFinite(v) ||
    (integer && !Number.isInteger(v)) ||
    v < min ||
    (maxOpen ? v >= max : v > max);
  if (bad) throw new Error(`${label} must be ${rangeText(opts)} (${got(raw)})`);
  return v;
}

/**
 * A comma-separated list of `count` numbers, each checked as in `checkNumber`; `what` says
 * what the count is ("one per layer of this 784-100-10 model").
 * @throws Error naming `label`, the count and the range.
 */
export function checkList(raw, label, count, what, opts) {
  const parts = String(raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length !== count) {
    throw new Error(`${label} needs ${count} value${count === 1 ? '' : 's'}, ${what}, each ${rangeText(opts)} (${parts.length ? `got ${parts.length}: ${parts.join(', ')}` : 'the field is empty'})`);
  }
  return parts.map((p) => checkNumber(p, label, opts));
}

/**
 * A panel key from the address (`quantize.bits`), checked: `{ value }` when valid or absent
 * (then `fallback`), or `{ value: fallback, warning }` saying in words what was rejected.
 */
export function addressNumber(state, key, label, fallback, opts) {
  const raw = state.get(key);
  if (raw === undefined) return { value: fallback };
  try {
    return { value: checkNumber(raw, label, opts) };
  } catch (e) {
    return { value: fallback, warning: `${e.message.replace(label, `${label} in the address (${key})`)}; ${fallback} is used and the other settings are kept.` };
  }
}
