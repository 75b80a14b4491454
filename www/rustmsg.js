// The core's (Rust's) errors said again from the catalogues (www/i18n/errors.*.js), by code, not
// by matching English: crate/wasm/dto.rs hangs on each JS Error a `code` (the variant of
// crate/error.rs) and `args` (its fields as stable ids and values), the worker posts them as
// plain data (protocol.js), and `rustError` rebuilds an Error whose `i18n` is the catalogue's
// sentence, so a notice (`reason(e)`, i18n.js) reads in the page's language. An error without a
// code, or naming an id the catalogue lacks, keeps its English message. Words that are not errors
// travel the same way (crate/error/note.rs): an imported model's note (`said('note', ...)`) and
// the words of a chart the core draws (`chartWords`), as `{id, args}` said from `rust.<table>.<id>`.

import { msg, t, CATALOGUES } from './i18n.js';

const known = (key) => Object.prototype.hasOwnProperty.call(CATALOGUES.en, key);
const keyed = (key, params = {}) => (known(key) ? msg(key, params) : null);

/** The Rust error `code` with `args` as a catalogue message (`msg`), or null if it has none. */
export function fromCode(code, args) {
  const a = args && typeof args === 'object' ? args : {};
  switch (code) {
    case 'param': {
      const name = keyed(`err.setting.${a.name}`);
      const why = keyed(`err.reason.${a.reason}`);
      return name && why ? msg('err.param', { name, value: a.value, reason: why }) : null;
    }
    case 'noLayer':
      return msg(Number(a.count) === 1 ? 'rust.noLayer1' : 'rust.noLayer', { n: Number(a.n), count: Number(a.count) });
    case 'diverged': {
      const why = keyed(`rust.why.${a.why}`);
      return why && msg('rust.diverged', { step: Number(a.step), why });
    }
    case 'badData': {
      const { fault, ...rest } = a;
      const what = keyed(`err.fault.${fault}`, rest);
      return what && msg('err.badData', { what });
    }
    case 'refused': {
      const { refusal, ...rest } = a;
      return keyed(`err.refusal.${refusal}`, rest);
    }
    case 'notReady': {
      const what = keyed(`err.missing.${a.what}`);
      return what && msg('err.notReady', { what });
    }
    case 'shape':
      return msg('err.shape', { op: a.op, expected: a.expected, got: a.got });
    case 'unsupported': {
      // A recipe step's refusal: the step, what the version stores and the suggested action
      // are ids said in the page's language; the version's number and name stay as they are.
      const { check, step, stores, bits, huffman, action, ...rest } = a;
      const words = { ...rest };
      if (step !== undefined && !(words.step = keyed(`err.stepName.${step}`))) return null;
      if (stores !== undefined) {
        const codes = keyed(`err.stores.${stores}`, { bits });
        words.stores = huffman && codes ? keyed('err.stores.HuffmanCoded', { codes }) : codes;
        if (!words.stores) return null;
      }
      if (action !== undefined && !(words.action = keyed(`err.action.${action}`))) return null;
      return keyed(`err.chain.${check}`, words);
    }
    default:
      return null;
  }
}

/**
 * An Error with the English `message` and, for a core error, its `code`, `args` and `i18n`
 * (the catalogue's sentence, rendered by notices in the page's language).
 */
export function rustError(message, code, args) {
  const e = new Error(String(message ?? ''));
  if (typeof code === 'string') {
    Object.assign(e, { code, args: args || {} });
    const said = fromCode(code, args);
    if (said) e.i18n = said;
  }
  return e;
}

/**
 * A typed message from the core (`{id, args}`, an arg possibly another `{id, args}`) of `table`
 * ('note' or 'chart') as a catalogue message (`msg`, rendered in whatever language the page
 * shows when it is drawn), or `english` if the catalogue lacks an id.
 */
export function said(table, m, english = '') {
  if (!m || typeof m.id !== 'string' || !known(`rust.${table}.${m.id}`)) return english;
  const params = {};
  for (const [k, v] of Object.entries(m.args || {})) {
    params[k] = v && typeof v === 'object' ? said(table, v, null) : v;
    if (params[k] === null) return english;
  }
  return msg(`rust.${table}.${m.id}`, params);
}

/** `said` as a string in the page's language now. */
function sayNow(table, m, english) {
  const s = said(table, m, english);
  return typeof s === 'string' ? s : t(s.$t, s.params);
}

/**
 * A chart from the core (`LineChart` with `text`: its title, axis labels and series names as
 * `{id, args}`) with those words in the page's language; a chart without `text` is unchanged.
 */
export function chartWords(chart) {
  const w = chart && chart.text;
  if (!w) return chart;
  return {
    ...chart,
    title: sayNow('chart', w.title, chart.title),
    xLabel: sayNow('chart', w.xLabel, chart.xLabel),
    yLabel: sayNow('chart', w.yLabel, chart.yLabel),
    series: chart.series.map((s, i) => ({ ...s, name: sayNow('chart', (w.series || [])[i], s.name) })),
  };
}
