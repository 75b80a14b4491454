// What a crash of the worker must not lose. The page keeps the last trained model as model-file
// bytes (session.snapshotModel), with the epoch and test accuracy it had, refreshed after each
// epoch's evaluation, when training stops and when a lab changed the weights; a new model (new
// settings, reset) drops it. When the worker is replaced (protocol.js runs `restart`), the data
// and settings are replayed into the new one and the snapshot is restored, and a notice says so.

import { DEFAULTS } from './state.js';
import { msg } from './i18n.js';
import { loadPretrained } from './pretrained.js';

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
  let lastRestartAt = 0;

  async function takeSnapshot(accuracy) {
    if (snapshotBusy || !timings.readyToTrain) return;
    snapshotBusy = true;
    try {
      const bytes = await client.call('session', 'snapshotModel');
      snapshot = { bytes, epoch: modelEpoch, accuracy: accuracy ?? (snapshot && snapshot.accuracy) };
      window.shrinkSnapshot = { bytes: bytes.length, epoch: snapshot.epoch, accuracy: snapshot.accuracy };
    } catch {
      // No model yet, or the worker is restarting: keep the previous snapshot.
    } finally {
      snapshotBusy = false;
    }
  }

  function watch(c) {
    client = c;
    // Keep the snapshot current: after each epoch's evaluation, when training stops, and when a
    // lab changed the weights. A new model (new settings, reset) drops it.
    client.on('evaluation', (ev) => {
      modelEpoch = ev.epoch;
      takeSnapshot(ev.accuracy);
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
    });
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
    if (kept) {
      try {
        await client.call('session', 'restoreModel', kept.bytes);
        const acc = kept.accuracy == null ? '' : msg('main.restoredAcc', { acc: kept.accuracy });
        notice('main.restored', 'warn', { epoch: kept.epoch, acc });
        snapshot = kept;
        client.emit('weightsChanged', { by: 'restart' });
        return;
      } catch (e) {
        // A snapshot the new worker refuses (settings changed since): start from the seed.
        snapshot = null;
      }
    }
    notice('main.restarted', 'warn', {});
  }

  return { watch, restart };
}
