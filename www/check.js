// Checks for the numbers a panel reads from its inputs or from the address, with messages in
// words: each names the setting as the page labels it and gives its valid range ("Retrain
// steps must be a whole number from 0 to 20,000 (got -5)"), so nothing reaches Rust that its
// deserialiser would reject in jargon, and nothing is clamped silently. The words come from the
// catalogues (www/i18n/): errors are TextErrors (English `message`, translated in notices), and
// a label is a catalogue key (the page's own label for the setting) or, failing that, text.

import { t, msg, TextError, CATALOGUES } from './i18n.js';

const label = (l) => (Object.prototype.hasOwnProperty.call(CATALOGUES.en, l) ? msg(l) : String(l));

/** "got -5", "the field is empty" (as messages). */
function got(raw) {
  const s = String(raw ?? '').trim();
  return s === '' ? msg('check.empty') : msg('check.got', { v: s.length > 40 ? `${s.slice(0, 40)}…` : s });
}

/** The range as a message: "a whole number from 1 to 8", "a number from 0 to below 1". */
export function rangeMsg({ min, max, integer = false, maxOpen = false }) {
  const key = `check.range.${integer ? 'int' : 'num'}${maxOpen ? 'Open' : ''}`;
  return msg(key, { min, max });
}

/** The range in words, in the page's language. */
export const rangeText = (opts) => t(rangeMsg(opts).$t, rangeMsg(opts).params);

/**
 * `raw` as a number in [min, max] (or [min, max) with `maxOpen`), whole if `integer`.
 * @throws TextError naming `lbl` and the range.
 */
export function checkNumber(raw, lbl, opts) {
  const s = String(raw ?? '').trim();
  const v = Number(s);
  const { min, max, integer = false, maxOpen = false } = opts;
  const bad =
    s === '' ||
    !Number.isFinite(v) ||
    (integer && !Number.isInteger(v)) ||
    v < min ||
    (maxOpen ? v >= max : v > max);
  if (bad) throw new TextError('check.number', { label: label(lbl), range: rangeMsg(opts), got: got(raw) });
  return v;
}

/**
 * A comma-separated list of `count` numbers, each checked as in `checkNumber`; `what` says
 * what the count is (a message: "one per layer of this 784-100-10 model").
 * @throws TextError naming `lbl`, the count and the range.
 */
export function checkList(raw, lbl, count, what, opts) {
  const parts = String(raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length !== count) {
    const g = parts.length ? msg('check.gotList', { n: parts.length, list: parts.join(', ') }) : msg('check.empty');
    throw new TextError(count === 1 ? 'check.list1' : 'check.list', { label: label(lbl), count, what, range: rangeMsg(opts), got: g });
  }
  return parts.map((p) => checkNumber(p, lbl, opts));
}

/**
 * A panel key from the address (`quantize.bits`), checked: `{ value }` when valid or absent
 * (then `fallback`), or `{ value: fallback, warning }`, `warning` a message (i18n `msg`) saying
 * in words what was rejected.
 */
export function addressNumber(state, key, lbl, fallback, opts) {
  const raw = state.get(key);
  if (raw === undefined) return { value: fallback };
  try {
    return { value: checkNumber(raw, lbl, opts) };
  } catch (e) {
    const { params } = e.i18n;
    return { value: fallback, warning: msg('check.address', { label: params.label, key, range: params.range, got: params.got, fallback }) };
  }
}
