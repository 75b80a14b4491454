// The page's languages: one string catalogue per language (www/i18n/en.js, www/i18n/zh.js, plus
// the core's error sentences in www/i18n/errors.en.js and errors.zh.js), a
// tiny `t(key, params)`, and per-locale number formatting through Intl. Views never hold prose:
// they call `t` (or `tr`, which also remembers the key on the element, so a language switch
// re-renders it in place without losing the trained model).
//
// Placeholders: `{name}` inserts a parameter as is; `{name:int}` a whole number with the
// locale's grouping; `{name:pct0|pct1|pct2}` a fraction as a percentage; `{name:fix0..4}` a
// number with that many decimals; `{name:num}` a whole number grouped, any other as is; `{name:kb}` bytes in kB (1 kB = 1000 B). A catalogue entry may
// be `{one, other}`, picked by `params.count` with Intl.PluralRules. `rich` also turns
// `` `code` ``, `**bold**` and `[text](https://…)` into elements (never innerHTML). A parameter
// may itself be a message (`msg(key, params)`, or a TextError): it is rendered in the same language.

import enPage from './i18n/en.js';
import zhPage from './i18n/zh.js';
import enErrors from './i18n/errors.en.js';
import zhErrors from './i18n/errors.zh.js';

const en = { ...enPage, ...enErrors };
const zh = { ...zhPage, ...zhErrors };
export const CATALOGUES = Object.freeze({ en, zh });
export const LOCALES = Object.freeze(Object.keys(CATALOGUES));
const INTL = { en: 'en-US', zh: 'zh-CN' };

let current = 'en';
const listeners = new Set();

/** The language of the browser, if we have a catalogue for it; English otherwise. */
export function browserLocale(nav = globalThis.navigator) {
  const langs = (nav && (nav.languages && nav.languages.length ? nav.languages : [nav.language])) || [];
  for (const l of langs) {
    const base = String(l || '').toLowerCase().split('-')[0];
    if (LOCALES.includes(base)) return base;
  }
  return 'en';
}

export const locale = () => current;
export const intlLocale = () => INTL[current] || 'en-US';

/** Switches the language and re-renders every element that `tr` or `data-i18n` labelled. */
export function setLocale(l) {
  const next = LOCALES.includes(l) ? l : 'en';
  const changed = next !== current;
  current = next;
  if (typeof document !== 'undefined') {
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    translateTree(document);
  }
  if (changed) for (const fn of listeners) fn(next);
}

/** Calls `fn(locale)` after each language switch; returns an unsubscribe function. */
export function onLocale(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * A number formatter for the current locale and `opts`, made once and kept: building an
 * `Intl.NumberFormat` costs tens of microseconds, and training reformats its numbers four
 * times a second.
 */
const formatters = new Map();
function nf(opts) {
  const key = `${intlLocale()}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(intlLocale(), opts);
    formatters.set(key, f);
  }
  return f;
}

/** Locale number formatting. */
export const fmt = {
  int: (n) => nf({ maximumFractionDigits: 0 }).format(Math.round(Number(n))),
  fix: (n, d) => nf({ minimumFractionDigits: d, maximumFractionDigits: d }).format(Number(n)),
  pct: (v, d = 2) => nf({ style: 'percent', minimumFractionDigits: d, maximumFractionDigits: d }).format(Number(v)),
  kb: (b) => `${nf({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(b) / 1000)} kB`,
};

function format(value, kind, loc) {
  if (value === undefined || value === null) return '';
  // A message inside a message (`msg(key, params)`, or an Error that carries one): rendered in
  // the same language, so a reason from state.js or check.js is translated with its sentence.
  if (typeof value === 'object') {
    if (value.$t) return translate(loc, value.$t, value.params || {});
    if (value.i18n && value.i18n.$t) return translate(loc, value.i18n.$t, value.i18n.params || {});
    if (value instanceof Error) return String(value.message);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return '—';
  const f = loc === current ? fmt : fmtIn(loc);
  switch (kind) {
    case 'int': return f.int(value);
    case 'num': return Number.isInteger(Number(value)) ? f.int(value) : String(value);
    case 'pct0': return f.pct(value, 0);
    case 'pct1': return f.pct(value, 1);
    case 'pct2': return f.pct(value, 2);
    case 'fix0': return f.fix(value, 0);
    case 'fix1': return f.fix(value, 1);
    case 'fix2': return f.fix(value, 2);
    case 'fix3': return f.fix(value, 3);
    case 'fix4': return f.fix(value, 4);
    case 'kb': return f.kb(value);
    default: return String(value);
  }
}

/** `fmt` for a given language (English messages of errors are built whatever the page shows). */
function fmtIn(loc) {
  const n = (opts) => new Intl.NumberFormat(INTL[loc] || 'en-US', opts);
  return {
    int: (v) => n({ maximumFractionDigits: 0 }).format(Math.round(Number(v))),
    fix: (v, d) => n({ minimumFractionDigits: d, maximumFractionDigits: d }).format(Number(v)),
    pct: (v, d = 2) => n({ style: 'percent', minimumFractionDigits: d, maximumFractionDigits: d }).format(Number(v)),
    kb: (b) => `${n({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(b) / 1000)} kB`,
  };
}

/** A message to render later, in whatever language the page then shows: `msg('check.got', {v})`. */
export const msg = (key, params = {}) => ({ $t: key, params });

/**
 * An Error whose words come from the catalogue: `message` is the English text (logs, tests),
 * `i18n` the key and parameters, which notices render in the page's language.
 */
export class TextError extends Error {
  constructor(key, params = {}) {
    super(translate('en', key, params));
    this.i18n = msg(key, params);
  }
}

/** What to put in a `{reason}`: the message of a TextError (translated), else the text. */
export function reason(e) {
  if (e && e.i18n && e.i18n.$t) return e.i18n;
  if (e && e.$t) return e;
  return String(e && e.message !== undefined ? e.message : e);
}

/** The raw catalogue entry for `key` in language `loc` (English if missing). */
function entry(loc, key, params) {
  let e = (CATALOGUES[loc] || en)[key];
  if (e === undefined) e = en[key];
  if (e === undefined) return key;
  if (typeof e === 'object') {
    const n = Number(params && params.count);
    const rule = new Intl.PluralRules(INTL[loc] || 'en-US').select(Number.isFinite(n) ? n : 0);
    e = e[rule] ?? e.other;
  }
  return e;
}

function translate(loc, key, params = {}) {
  return entry(loc, key, params).replace(/\{(\w+)(?::(\w+))?\}/g, (_, name, kind) => {
    const v = params[name];
    if (v === undefined) return `{${name}}`;
    return format(v, kind, loc);
  });
}

/** The string for `key` with its parameters filled in. */
export function t(key, params = {}) {
  return translate(current, key, params);
}

const RICH = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\((https?:\/\/[^)\s]+|#[\w=&.-]*)\)/g;

/** `t` as a DocumentFragment with `code`, bold and links made into elements. */
export function rich(key, params = {}) {
  const s = t(key, params);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const m of s.matchAll(RICH)) {
    if (m.index > at) frag.append(s.slice(at, m.index));
    if (m[1] !== undefined) frag.append(Object.assign(document.createElement('code'), { textContent: m[1] }));
    else if (m[2] !== undefined) frag.append(Object.assign(document.createElement('strong'), { textContent: m[2] }));
    else {
      const a = Object.assign(document.createElement('a'), { textContent: m[3], href: m[4] });
      if (!m[4].startsWith('#')) {
        a.target = '_blank';
        a.rel = 'noopener';
      }
      frag.append(a);
    }
    at = m.index + m[0].length;
  }
  if (at < s.length) frag.append(s.slice(at));
  return frag;
}

/**
 * Sets `node`'s text (or, with `attr`, an attribute) from `key` and remembers key and
 * parameters on the node, so a language switch re-renders it. Returns the node.
 */
export function tr(node, key, params = {}, { attr = null, isRich = false } = {}) {
  node._i18n = node._i18n || {};
  node._i18n[attr || (isRich ? '$rich' : '$text')] = { key, params };
  if (attr) {
    node.dataset[`i18n${attr.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`] = key;
    node.setAttribute(attr, t(key, params));
  } else {
    node.dataset.i18n = key;
    if (isRich) node.replaceChildren(rich(key, params));
    else node.textContent = t(key, params);
  }
  return node;
}

/** Empties `node`'s text and forgets its key, so a language switch leaves it empty. */
export function untr(node) {
  delete node.dataset.i18n;
  if (node._i18n) {
    delete node._i18n.$text;
    delete node._i18n.$rich;
  }
  node.replaceChildren();
  return node;
}

const ATTRS = ['title', 'aria-label', 'placeholder', 'content', 'alt'];

/** Re-renders every element under `root` labelled with data-i18n / data-i18n-<attr>. */
export function translateTree(root) {
  const sel = ['[data-i18n]', ...ATTRS.map((a) => `[data-i18n-${a}]`)].join(',');
  for (const node of root.querySelectorAll(sel)) {
    const mem = node._i18n || {};
    if (node.dataset.i18n) {
      const m = mem.$rich || mem.$text || { key: node.dataset.i18n, params: {} };
      const isRich = Boolean(mem.$rich) || node.hasAttribute('data-i18n-rich');
      if (isRich) node.replaceChildren(rich(m.key, m.params));
      else node.textContent = t(m.key, m.params);
    }
    for (const a of ATTRS) {
      const key = node.getAttribute(`data-i18n-${a}`);
      if (!key) continue;
      const m = mem[a] || { key, params: {} };
      node.setAttribute(a, t(m.key, m.params));
    }
  }
  if (root === document) {
    const title = document.querySelector('title[data-i18n]');
    if (title) document.title = t(title.dataset.i18n);
  }
}

/** An element with its text from the catalogue: `lt('h3', 'train.network')`. */
export function lt(tag, key, params = {}, props = {}) {
  return tr(Object.assign(document.createElement(tag), props), key, params);
}
