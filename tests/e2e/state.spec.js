// Property tests (fast-check 4.11.0, pinned in package.json) for the URL-hash parser in
// www/state.js, the page's first contact with untrusted input. Runs in Node inside the
// Playwright stage (no browser needed: parseHash and formatHash are pure).
//   1. parseHash never throws, and whatever the hash, every setting it returns is valid;
//   2. valid settings (and panel keys) survive formatHash -> parseHash exactly, with no error;
//   3. one bad value is reported in words naming its label, takes its default, and leaves the
//      other settings as they were (nothing silently changed or clamped).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const assert = require('assert/strict');
const { test } = require('@playwright/test');
const fc = require('fast-check');

let S;
let I;
test.beforeAll(async () => {
  // www/state.js is an ES module of the page (package.json has no "type": "module"): it and the
  // catalogues it takes its words from (i18n.js, i18n/*.js) are copied into a folder whose
  // package.json says "module".
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shrink-state-'));
  const www = path.join(__dirname, '..', '..', 'www');
  fs.mkdirSync(path.join(dir, 'i18n'));
  const catalogues = fs.readdirSync(path.join(www, 'i18n')).filter((f) => f.endsWith('.js')).map((f) => `i18n/${f}`);
  for (const f of ['state.js', 'i18n.js', ...catalogues]) fs.copyFileSync(path.join(www, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
  S = await import(pathToFileURL(path.join(dir, 'state.js')).href);
  I = await import(pathToFileURL(path.join(dir, 'i18n.js')).href);
});

/** An error of parseHash (a catalogue message) as the page shows it in English. */
const words = (e) => I.t(e.$t, e.params);

const RUNS = Number(process.env.SHRINK_PROPERTY_RUNS) || 1000;

/** The checks the page relies on, restated independently of state.js's parsers. */
function valid(s) {
  const int = (v, lo, hi) => Number.isSafeInteger(v) && v >= lo && v <= hi;
  return (
    Array.isArray(s.hidden) && s.hidden.length >= 1 && s.hidden.length <= 8 &&
    s.hidden.every((w) => int(w, 1, 4096)) && S.paramCount(s.hidden) <= 12_000_000 &&
    ['relu', 'tanh', 'sigmoid'].includes(s.act) && ['sgd', 'adam'].includes(s.opt) &&
    Number.isFinite(s.lr) && s.lr > 0 && s.lr <= 10 &&
    Number.isFinite(s.mom) && s.mom >= 0 && s.mom <= 0.999 &&
    Number.isFinite(s.wd) && s.wd >= 0 && s.wd <= 1 &&
    int(s.batch, 1, 4096) && int(s.epochs, 1, 1000) && int(s.seed, 0, Number.MAX_SAFE_INTEGER)
  );
}

const KEYS = ['hidden', 'act', 'opt', 'lr', 'mom', 'wd', 'batch', 'epochs', 'seed', 'prune.sparsity', 'quantize.bits', 'x', ''];
const rawValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', 'NaN', 'Infinity', '-0', '1e309', '0x10', '5', '-5', '99', '0.5', '300,100', '4096,4096,4096,4096', ',', '%', '%E0%A4%A', '1,,2'),
  fc.double().map(String),
  fc.integer().map(String),
  fc.array(fc.integer({ min: -5, max: 5000 }), { maxLength: 10 }).map((a) => a.join(',')),
);
const pair = fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string()), rawValue).map(([k, v]) => `${k}=${v}`);
const anyHash = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(pair, { maxLength: 12 }).map((ps) => `#${ps.join('&')}`),
  // Percent-encoded pairs (a lone surrogate cannot be encoded: kept raw, which is also a case).
  fc.array(pair, { maxLength: 6 }).map((ps) => `#${ps.map((p) => { try { return encodeURIComponent(p); } catch { return p; } }).join('&')}`),
);

test('state: parseHash never throws and always returns valid settings', () => {
  fc.assert(
    fc.property(anyHash, (hash) => {
      const r = S.parseHash(hash);
      assert.ok(valid(r.settings), JSON.stringify(r.settings));
      for (const e of r.errors) {
        assert.equal(typeof e.$t, 'string');
        assert.doesNotMatch(words(e), /undefined|\[object|= ""/);
      }
    }),
    { numRuns: RUNS },
  );
});

const validSettings = fc.record({
  hidden: fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 4 }).filter((h) => S.paramCount(h) <= 12_000_000),
  act: fc.constantFrom('relu', 'tanh', 'sigmoid'),
  opt: fc.constantFrom('sgd', 'adam'),
  lr: fc.double({ min: 1e-6, max: 10, noNaN: true }),
  mom: fc.double({ min: 0, max: 0.999, noNaN: true }),
  wd: fc.double({ min: 0, max: 1, noNaN: true }),
  batch: fc.integer({ min: 1, max: 4096 }),
  epochs: fc.integer({ min: 1, max: 1000 }),
  seed: fc.maxSafeNat(),
});
const extraKeys = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.[a-z][a-zA-Z0-9]{0,8}$/),
  fc.string({ maxLength: 20 }),
  { maxKeys: 4 },
);

test('state: valid settings and panel keys round-trip through the hash exactly', () => {
  fc.assert(
    fc.property(validSettings, extraKeys, (s, extra) => {
      const r = S.parseHash(S.formatHash(s, extra));
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.settings, { ...s, hidden: [...s.hidden] });
      assert.deepEqual(r.extra, { ...extra });
    }),
    { numRuns: RUNS },
  );
});

const BAD = {
  lr: fc.constantFrom('0', '-1', '11', 'NaN', '', 'abc'),
  batch: fc.constantFrom('0', '5000', '1.5', '-3', ''),
  epochs: fc.constantFrom('0', '1001', 'x'),
  hidden: fc.constantFrom('', '0', '4097', '1,2,3,4,5,6,7,8,9', '4096,4096,4096,4096,4096,4096,4096,4096', 'a,b'),
  mom: fc.constantFrom('1', '-0.1', 'z'),
  act: fc.constantFrom('gelu', ''),
};

test('state: a bad value is reported by its label, takes its default, and the rest is kept', () => {
  fc.assert(
    fc.property(validSettings, fc.constantFrom(...Object.keys(BAD)).chain((k) => fc.tuple(fc.constant(k), BAD[k])), (s, [key, bad]) => {
      const hash = S.formatHash(s).replace(new RegExp(`([#&])${key}=[^&]*`), `$1${key}=${encodeURIComponent(bad)}`);
      const r = S.parseHash(hash);
      assert.equal(r.errors.length, 1, r.errors.map(words).join(' | '));
      const text = words(r.errors[0]);
      assert.ok(text.startsWith(`${I.t(S.LABELS[key])} in the address must be `), text);
      assert.match(text, /must be .*(from|above|one of|whole numbers)/);
      assert.doesNotMatch(text, /undefined|= ""/);
      assert.deepEqual(r.settings[key], S.DEFAULTS[key]);
      for (const k of Object.keys(s)) if (k !== key) assert.deepEqual(r.settings[k], s[k]);
    }),
    { numRuns: RUNS / 2 },
  );
});
