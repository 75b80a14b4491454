// What a crash of the worker must not lose. The page keeps the last training snapshot
// (session.snapshotModel, crate/io/snapshot.rs: weights, masks, optimizer moments, step, epoch
// and place in the data): the worker sends one after each epoch's evaluation (event `snapshot`),
// and the page asks for one when training stops and when a lab changed the weights; a new model
// (new settings, reset) drops it. When the worker is replaced (protocol.js runs `restart`), the
// data and settings are replayed into the new one and the snapshot is restored: the Train panel
// shows the restored run (its epoch, step and loss, and at an epoch's end its test accuracy,
// measured again), Play continues that run to its last epoch, and a notice says so. A snapshot
// the new worker refuses (corrupt, or other settings: a typed error) starts the model from its
// seed, and the notice says why.

import { DEFAULTS } from './state.js';
import { msg, reason } from './i18n.js';
import { loadPretrained } from './pretrained.js';

/** How many snapshot times `window.shrinkTimings.snapshotMs` keeps (the newest last). */
const KEEP_TIMES = 50;

/**
 * `timings` is window.shrinkTimings (no snapshot before `readyToTrain`; `pretrained` replayed),
 * `configure(patch, {silent})` applies settings in the worker, `replayData()` sends MNIST again.
 * Returns `{ watch(client), restart() }`: `watch` keeps the snapshot current from the client's
 * events; `restart` is the WorkerClient's `onRestart`.
 */
export function createRecovery({ state, notice, timings, configure, replayData }) {
  let client = null;
  let snapshot = null;
  let snapshotBusy = false;
  let modelEpoch = 0;
  let accuracy = null;
  let lastRestartAt = 0;

  /** Keeps `bytes` as the snapshot; `ms` is what taking it cost (for tests and the console). */
  function keep(bytes, ms) {
    snapshot = { bytes, epoch: modelEpoch, accuracy };
    window.shrinkSnapshot = { bytes: bytes.length, epoch: modelEpoch, accuracy, ms };
    const times = (timings.snapshotMs = timings.snapshotMs || []);
    times.push(Math.round(ms * 100) / 100);
    if (times.length > KEEP_TIMES) times.shift();
  }

  async function takeSnapshot() {
    if (snapshotBusy || !timings.readyToTrain) return;
    snapshotBusy = true;
    try {
      const t0 = performance.now();
      const bytes = await client.call('session', 'snapshotModel');
      keep(bytes, performance.now() - t0);
    } catch {
      // No model yet, or the worker is restarting: keep the previous snapshot.
    } finally {
      snapshotBusy = false;
    }
  }

  // Test hook (only with ?testhooks=1): damage the kept snapshot as a corrupt copy would be, so
  // a test sees the restart refuse it (tests/e2e/recovery.spec.js).
  if (new URLSearchParams(window.location.search).get('testhooks') === '1') {
    window.shrinkRecovery = {
      flipBit(at) {
        if (!snapshot) return false;
        const bytes = snapshot.bytes.slice();
        bytes[at % bytes.length] ^= 1;
        snapshot = { ...snapshot, bytes };
        return true;
      },
    };
  }

  function watch(c) {
    client = c;
    // Keep the snapshot current: the worker's own after each epoch's evaluation, ours when
    // training stops and when a lab changed the weights. A new model drops it.
    client.on('evaluation', (ev) => {
      modelEpoch = ev.epoch;
      accuracy = ev.accuracy;
    });
    client.on('snapshot', (s) => {
      modelEpoch = s.epoch;
      if (s.accuracy != null) accuracy = s.accuracy;
      keep(s.bytes, s.ms);
    });
    client.on('state', (s) => {
      if (!s.running) takeSnapshot();
    });
    client.on('weightsChanged', (d) => {
      if (!d || d.by !== 'restart') takeSnapshot();
    });
    client.on('modelChanged', () => {
      snapshot = null;
      modelEpoch = 0;
      accuracy = null;
    });
  }

  /**
   * Restores `kept` into the new worker and shows the restored run; returns false (after
   * saying why) if the worker refuses it.
   */
  async function restore(kept) {
    let restored;
    try {
      restored = await client.call('session', 'restoreModel', kept.bytes);
    } catch (e) {
      // Corrupt, or taken with other settings: start from the seed, and say why.
      snapshot = null;
      notice('main.notRestored', 'warn', { reason: reason(e) });
      return false;
    }
    snapshot = kept;
    const p = restored.progress;
    modelEpoch = p.epoch;
    // The Train panel shows where the restored run stands, as if its last chunk had just run.
    if (p.step > 0) client.emit('progress', { ...p, samplesPerSec: 0, chunkMs: 0 });
    let acc = '';
    try {
      const ev = await client.call('session', 'evaluate', 0);
      acc = msg('main.restoredAcc', { acc: ev.accuracy });
      accuracy = ev.accuracy;
      // At an epoch's end the test accuracy belongs to that epoch, as the worker reports it.
      if (p.step > 0 && p.epochEnded) client.emit('evaluation', { ...ev, epoch: p.epoch, step: p.step, restored: true });
    } catch {
      // No test data: the notice says the epoch alone.
    }
    notice('main.resumed', 'warn', { epoch: p.epoch, total: restored.config.epochs, acc });
    client.emit('weightsChanged', { by: 'restart' });
    return true;
  }

  async function restart() {
    const now = performance.now();
    // Two restarts within a minute: the settings themselves may be what brings the instance
    // down, so replaying them would loop. Fall back to the defaults and say so.
    const looping = lastRestartAt && now - lastRestartAt < 60_000;
    lastRestartAt = now;
    // Taken now: replaying the settings below rebuilds the model, which clears `snapshot`.
    const kept = snapshot;
    await replayData();
    if (looping) {
      notice('main.restarted', 'warn', {});
      notice('main.restartLoop', 'warn', {});
      await configure({ ...DEFAULTS }, { silent: true });
      return;
    }
    await configure({}, { silent: true });
    // An embedded panel that started pretrained starts pretrained again.
    if (timings.pretrained) await loadPretrained(client, state, notice);
    if (kept && (await restore(kept))) return;
    if (!kept) notice('main.restarted', 'warn', {});
  }

  return { watch, restart };
}
