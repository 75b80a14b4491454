// The Binarize panel's settings: their defaults, reading them from the URL hash (bin.method,
// bin.hidden, bin.epochs, bin.lr, bin.seed, bin.scaling, bin.first, bin.last, bin.warm; anything
// invalid falls back to its default with a warning in words), and turning them into the
// `compress::binarize::Params` object the worker's BinarizeLab takes.

import { msg } from '../i18n.js';

export const DEFAULTS = { method: 'bnn', hidden: '256,256', epochs: 2, lr: 0.003, seed: 1, scaling: true, first: true, last: true, warm: false };

/** Reads the panel's settings from the hash, falling back to defaults for anything invalid. */
export function readSettings(state, warn) {
  const s = { ...DEFAULTS };
  const take = (key, parse) => {
    const raw = state.get(`bin.${key}`);
    if (raw === undefined) return;
    const v = parse(String(raw));
    if (v === undefined) warn(msg('bin.addressBad', { key: `bin.${key}`, value: raw, used: String(DEFAULTS[key]) }));
    else s[key] = v;
  };
  const bool = (r) => (r === 'true' || r === '1' ? true : r === 'false' || r === '0' ? false : undefined);
  const int = (lo, hi) => (r) => (/^\d+$/.test(r) && +r >= lo && +r <= hi ? +r : undefined);
  take('method', (r) => (['bnn', 'binaryconnect'].includes(r) ? r : undefined));
  take('hidden', (r) => (/^\d+(,\d+){0,7}$/.test(r) && r.split(',').every((w) => +w >= 1 && +w <= 4096) ? r : undefined));
  take('epochs', int(1, 100));
  take('seed', int(0, 2 ** 32));
  take('lr', (r) => (Number.isFinite(+r) && +r > 0 && +r <= 1 ? +r : undefined));
  take('scaling', bool);
  take('first', bool);
  take('last', bool);
  take('warm', bool);
  return s;
}

export function toParams(s) {
  return {
    method: s.method,
    scaling: s.scaling,
    binaryFirst: s.first,
    binaryLast: s.last,
    batchNorm: true,
    train: {
      hidden: s.hidden.split(',').map(Number),
      activation: 'relu',
      optimizer: 'adam',
      lr: s.lr,
      momentum: 0.9,
      weightDecay: 0,
      batchSize: 100,
      epochs: s.epochs,
      seed: s.seed,
      schedule: 'cosine',
    },
  };
}
