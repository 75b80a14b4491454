// URL hash <-> settings. Every training setting and the seed live in the hash, so the same URL
// gives the same numbers (as TensorFlow Playground's state.ts does). The hash is untrusted
// input: each value is parsed and range-checked here; a bad value is reported in words, its
// default is used, and the page keeps working. Rust checks the settings again (TrainConfig::check).
//
// Keys: hidden=300,100 act=relu|tanh|sigmoid opt=sgd|adam lr mom wd batch epochs seed.
// Page keys, which never start a new model: lang=en|zh (the page's language; the browser's by
// default), tutorial=N (open the tutorial at step N: a teacher's link).
// Panels may keep their own keys (e.g. `prune.sparsity=0.9`) through ctx.state.get/set;
// unknown keys are kept as they are.
// Messages come from the catalogues (www/i18n/): errors are TextErrors and `errors` holds
// messages (`msg`), so a notice shows them in the page's language, naming each setting as the
// Train panel labels it.

import { msg, TextError } from './i18n.js';

export const DEFAULTS = Object.freeze({
  hidden: [300, 100],
  act: 'relu',
  opt: 'sgd',
  lr: 0.05,
  mom: 0.9,
  wd: 0,
  batch: 64,
  epochs: 10,
  seed: 1,
});

/** Learning rates that suit each optimizer: switching optimizer swaps a default lr. */
export const DEFAULT_LR = Object.freeze({ sgd: 0.05, adam: 0.001 });

/** Presets for the hidden widths. */
export const PRESETS = Object.freeze([
  { name: 'LeNet-300-100', key: 'train.preset.lenet', hidden: [300, 100] },
  { name: '784-100-10', key: 'train.preset.article', hidden: [100] },
]);

/** Keys that change the page, not the model: validated here, kept with the panels' keys. */
export const PAGE_KEYS = Object.freeze({
  lang: (raw) => {
    const v = raw.trim().toLowerCase();
    if (v !== 'en' && v !== 'zh') throw new TextError('state.enOrZh');
    return v;
  },
  tutorial: (raw) => String(int(1, 99)(raw)),
});

const MAX_HASH = 4096;
const MAX_WIDTH = 4096;
const MAX_LAYERS = 8;
/** Rust's cap on weights + biases (MlpSpec::check), checked here first so the message is ours. */
const MAX_PARAMS = 12_000_000;
const N_IN = 784;
const N_OUT = 10;

/** Each setting as the Train panel labels it: every message names the setting this way. */
/** Catalogue keys of the Train panel's labels: `LABELS.lr` is "Learning rate" in English. */
export const LABELS = Object.freeze({
  hidden: 'train.hidden',
  act: 'train.activation',
  opt: 'train.optimizer',
  lr: 'train.lr',
  mom: 'state.momentum',
  wd: 'train.wd',
  batch: 'train.batch',
  epochs: 'train.epochs',
  seed: 'train.seed',
});

/** A setting's value rejected, in words: `range` is the valid range (a message), `raw` what was given. */
class SettingError extends TextError {
  constructor(range, raw, key = 'state.mustBe', extra = {}) {
    super(key, { range, got: describe(raw), ...extra });
    this.range = range;
  }
}

/** "got 5", "the field is empty": never the raw `""` or NaN (as a message). */
export function describe(raw) {
  const s = String(raw ?? '').trim();
  if (s === '') return msg('check.empty');
  return msg('check.got', { v: s.length > 40 ? `${s.slice(0, 40)}…` : s });
}

function int(lo, hi) {
  return (raw) => {
    const v = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(v) || v < lo || v > hi) {
      throw new SettingError(msg('check.range.int', { min: lo, max: hi }), raw);
    }
    return v;
  };
}

function real(lo, hi, { open = false } = {}) {
  return (raw) => {
    const v = Number(raw);
    const range = open ? msg('state.range.above', { lo, hi }) : msg('check.range.num', { min: lo, max: hi });
    if (raw.trim() === '' || !Number.isFinite(v) || (open ? v <= lo || v > hi : v < lo || v > hi)) {
      throw new SettingError(range, raw);
    }
    return v;
  };
}

function oneOf(...choices) {
  return (raw) => {
    const v = raw.trim().toLowerCase();
    if (!choices.includes(v)) throw new SettingError(msg('state.oneOf', { list: choices.join(', ') }), raw);
    return v;
  };
}

/** Weights and biases of a 784-…-10 network with these hidden widths. */
export function paramCount(hidden) {
  const sizes = [N_IN, ...hidden, N_OUT];
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1] * sizes[i] + sizes[i];
  return n;
}

function widths(raw) {
  const range = msg('state.widths', { layers: MAX_LAYERS, width: MAX_WIDTH, params: MAX_PARAMS });
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0 || parts.length > MAX_LAYERS) throw new SettingError(range, raw);
  const v = parts.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > MAX_WIDTH) throw new SettingError(range, raw);
    return n;
  });
  const n = paramCount(v);
  if (n > MAX_PARAMS) {
    throw new SettingError(range, raw, 'state.mustBeGives', { given: v.join(','), n });
  }
  return v;
}

const PARSERS = {
  hidden: widths,
  act: oneOf('relu', 'tanh', 'sigmoid'),
  opt: oneOf('sgd', 'adam'),
  lr: real(0, 10, { open: true }),
  mom: real(0, 0.999),
  wd: real(0, 1),
  batch: int(1, 4096),
  epochs: int(1, 1000),
  seed: int(0, Number.MAX_SAFE_INTEGER),
};

/** Shows a value for an error message: short, and never interpreted as HTML by callers. */
function quote(raw) {
  const s = String(raw);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/**
 * Parses a location hash. Returns `{ settings, extra, errors }`: `settings` always complete
 * (defaults for anything missing or invalid), `extra` the panels' own keys, `errors` a list of
 * messages for the learner (i18n `msg`: rendered by `t` in the page's language).
 */
export function parseHash(hash) {
  const settings = { ...DEFAULTS, hidden: [...DEFAULTS.hidden] };
  const extra = {};
  const errors = [];
  let text = String(hash || '').replace(/^#/, '');
  if (text.length > MAX_HASH) {
    errors.push(msg('state.tooLong', { n: text.length }));
    return { settings, extra, errors };
  }
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key;
    let raw;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      raw = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      errors.push(msg('state.malformed', { part: quote(pair) }));
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(PAGE_KEYS, key)) {
      try {
        extra[key] = PAGE_KEYS[key](raw);
      } catch (e) {
        errors.push(msg('state.pageKey', { key, value: quote(raw), reason: e.i18n || e.message }));
      }
      continue;
    }
    const parse = Object.prototype.hasOwnProperty.call(PARSERS, key) ? PARSERS[key] : null;
    if (!parse) {
      if (/^[\w.-]{1,64}$/.test(key)) extra[key] = raw;
      else errors.push(msg('state.unknown', { key: quote(key) }));
      continue;
    }
    try {
      settings[key] = parse(raw);
    } catch (e) {
      settings[key] = Array.isArray(DEFAULTS[key]) ? [...DEFAULTS[key]] : DEFAULTS[key];
      errors.push(msg('state.inAddress', { label: msg(LABELS[key]), reason: e.i18n || e.message, value: formatValue(key, settings[key]) }));
    }
  }
  return { settings, extra, errors };
}

function formatValue(key, v) {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Builds the hash for `settings` plus the panels' keys (defaults included: a URL is a recipe). */
export function formatHash(settings, extra = {}) {
  const parts = Object.keys(DEFAULTS).map(
    (k) => `${k}=${encodeURIComponent(formatValue(k, settings[k])).replace(/%2C/g, ',')}`,
  );
  for (const [k, v] of Object.entries(extra)) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `#${parts.join('&')}`;
}

/** The settings as Rust's `TrainConfig` (camelCase serde names). */
export function toTrainConfig(s) {
  return {
    hidden: [...s.hidden],
    activation: s.act,
    optimizer: s.opt,
    lr: s.lr,
    momentum: s.mom,
    weightDecay: s.wd,
    batchSize: s.batch,
    epochs: s.epochs,
    seed: s.seed,
  };
}

/**
 * The live state: reads the hash once, writes it back (replaceState, so history is not
 * flooded) and tells listeners when the learner edits the address by hand.
 */
export function createState(win = window) {
  let { settings, extra, errors } = parseHash(win.location.hash);
  const listeners = new Set();
  const write = () => {
    const hash = formatHash(settings, extra);
    if (win.location.hash !== hash) win.history.replaceState(null, '', hash);
  };
  const state = {
    /** Errors found in the hash this page was opened with (messages, see parseHash). */
    errors,
    /** A copy of the training settings. */
    settings: () => ({ ...settings, hidden: [...settings.hidden] }),
    /** Rust's TrainConfig for the current settings. */
    trainConfig: () => toTrainConfig(settings),
    /** A setting or a panel key. */
    get(key) {
      if (Object.prototype.hasOwnProperty.call(DEFAULTS, key)) return settings[key];
      return Object.prototype.hasOwnProperty.call(extra, key) ? extra[key] : undefined;
    },
    /** Sets a training setting (validated: throws an Error in words) or a panel key. */
    set(key, value) {
      if (Object.prototype.hasOwnProperty.call(PARSERS, key)) {
        const raw = Array.isArray(value) ? value.join(',') : String(value);
        try {
          settings[key] = PARSERS[key](raw);
        } catch (e) {
          throw new TextError('state.setting', { label: msg(LABELS[key]), reason: e.i18n || e.message });
        }
      } else if (value === undefined || value === null) {
        delete extra[key];
      } else {
        extra[key] = String(value);
      }
      write();
    },
    /** Replaces all training settings at once (validated), e.g. a preset. */
    update(patch) {
      const next = { ...settings };
      for (const [k, v] of Object.entries(patch)) {
        if (!Object.prototype.hasOwnProperty.call(PARSERS, k)) throw new TextError('state.noSetting', { key: quote(k) });
        const raw = Array.isArray(v) ? v.join(',') : String(v);
        try {
          next[k] = PARSERS[k](raw);
        } catch (e) {
          throw new TextError('state.setting', { label: msg(LABELS[k]), reason: e.i18n || e.message });
        }
      }
      settings = next;
      write();
    },
    /** Called with (settings, errors) when the learner edits the hash by hand. */
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** The extra (panel) keys, e.g. `panel` in embed.html. */
    extra: () => ({ ...extra }),
  };
  const pageListeners = new Set();
  /** Called with (key, value) when a page key (lang, tutorial) changes in the address. */
  state.onPage = (fn) => {
    pageListeners.add(fn);
    return () => pageListeners.delete(fn);
  };
  win.addEventListener('hashchange', () => {
    if (win.location.hash === formatHash(settings, extra)) return;
    const before = { settings: formatHash(settings), extra: { ...extra } };
    ({ settings, extra, errors } = parseHash(win.location.hash));
    state.errors = errors;
    write();
    for (const k of Object.keys(PAGE_KEYS)) {
      if (before.extra[k] !== extra[k]) for (const fn of pageListeners) fn(k, extra[k]);
    }
    // Only a page key changed (e.g. lang): keep the model.
    const onlyPage = formatHash(settings) === before.settings &&
      Object.keys({ ...before.extra, ...extra }).every((k) => k in PAGE_KEYS || before.extra[k] === extra[k]);
    if (onlyPage) return;
    for (const fn of listeners) fn(state.settings(), errors);
  });
  write();
  return state;
}
