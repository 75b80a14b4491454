// The bench page, driven by `cargo xtask bench` one part per page load (a fresh page per part,
// because TF.js fixes its thread count when its backend starts):
//   ?part=kernels               the true f32x4 peaks (peak.js) and our GEMMs (crate/wasm/bench.rs)
//   ?part=ours&pkg=pkg          our Session trains LeNet-300-100 and 784-100-10 for one epoch of
//                               full MNIST (trainSteps, SGD, batch 64), then evaluates the
//                               10,000 test digits (batch 1000); peak wasm memory. It runs in a
//                               Web Worker (this file again), like the page's training.
//   ?part=tfjs&threads=1        TF.js 4.22 (wasm backend) on the same files, model, batch and SGD
//   ?part=agree&threads=2       the single-thread and threaded modules train the same model from
//                               the same seed (tests/e2e/threads.spec.js checks they agree)
// Each part publishes its rows as window.benchResult; the driver prints them as one table.
import { loadMnist } from './mnist.js';
import { measurePeak } from './peak.js';

const params = new URLSearchParams(location.search);
const part = params.get('part') || 'kernels';
const minMs = Number(params.get('minMs')) || 400;
/** True when this file runs as the worker of the `ours` or `kernels` part. */
const inWorker = typeof document === 'undefined';
const status = inWorker ? null : document.getElementById('status');
const table = inWorker ? null : document.getElementById('out');

/** The two MLPs the issue compares, as our TrainConfig.hidden. */
const MODELS = [
  { name: 'LeNet-300-100', hidden: [300, 100] },
  { name: '784-100-10', hidden: [100] },
];
const LR = 0.05;
const MOMENTUM = 0.9;
const BATCH = 64;

function show(rows) {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  table.innerHTML = `<tr>${cols.map((c) => `<th>${c}</th>`).join('')}</tr>` +
    rows.map((r) => `<tr>${cols.map((c) => `<td>${r[c] ?? ''}</td>`).join('')}</tr>`).join('');
}

async function kernels() {
  const mod = await import(`./${params.get('pkg') || 'pkg'}/shrink.js`);
  const { runBench, kernelSet } = mod;
  await mod.default();
  if (mod.initThreadPool) await mod.initThreadPool(Number(params.get('threads')) || 2);
  const simd = await measurePeak(false, minMs);
  const relaxed = await measurePeak(true, minMs);
  await new Promise((r) => setTimeout(r, 20));
  const rows = [
    { name: 'peak simd128 (12 f32x4 mul+add chains)', gflops: simd, note: 'true peak' },
    { name: 'peak relaxed-simd (12 f32x4.relaxed_madd chains)', gflops: relaxed, note: relaxed === null ? 'relaxed-simd not supported here' : `${(relaxed / simd).toFixed(2)}× simd128 peak` },
  ];
  for (const r of runBench(minMs)) {
    if (r.name.startsWith('gemm') && r.name.endsWith('simd128')) {
      r.note = [r.note, `${(100 * r.gflops / simd).toFixed(0)}% of simd128 peak`].join(', ');
    }
    rows.push(r);
  }
  return { kernel: kernelSet(), rows };
}

async function mnist() {
  const { raw } = await loadMnist(new URL('./', location.href), () => {});
  return raw;
}

/**
 * The `ours` and `kernels` parts run in a Web Worker (this file again), as the page trains: a
 * worker may block while the thread pool works, and the page's main thread is never the one
 * that waits. (On the main thread, the threaded module's fork-joins measured no speed-up at all:
 * the main thread may not block, and it also paints.)
 */
function runInWorker() {
  const worker = new Worker(`bench.js${location.search}`, { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.onerror = (e) => reject(new Error(`bench worker: ${e.message}`));
  });
}

/** One epoch of our Session (trainSteps in chunks of 100 steps, as the worker calls it). */
async function oursInWorker() {
  const pkg = params.get('pkg') || 'pkg';
  const mod = await import(`./${pkg}/shrink.js`);
  const wasm = await mod.default();
  if (mod.initThreadPool) await mod.initThreadPool(Number(params.get('threads')) || 2);
  const raw = await mnist();
  const rows = [];
  let peakBytes = 0;
  for (const m of MODELS) {
    const s = new mod.Session();
    for (const kind of ['trainImages', 'trainLabels', 'testImages', 'testLabels']) s.loadData(kind, new Uint8Array(raw[kind]));
    s.configure({ hidden: m.hidden, activation: 'relu', optimizer: 'sgd', lr: LR, momentum: MOMENTUM, weightDecay: 0, batchSize: BATCH, epochs: 1, seed: 1, schedule: 'constant' });
    const t0 = performance.now();
    let samples = 0;
    for (;;) {
      const p = s.trainSteps(100);
      samples += p.samples;
      if (p.epochEnded) break;
    }
    const trainMs = performance.now() - t0;
    s.evaluate(1000); // warm-up: lets V8 tier up the forward kernels
    const t1 = performance.now();
    const e = s.evaluate(0);
    const inferMs = performance.now() - t1;
    peakBytes = Math.max(peakBytes, wasm.memory.buffer.byteLength);
    rows.push({ model: m.name, trainSamplesPerSec: samples / (trainMs / 1000), inferSamplesPerSec: e.count / (inferMs / 1000), testAccuracy: e.accuracy, kernel: s.info().kernel });
    s.free();
  }
  // wasm memory only grows, so its size now is the peak of both runs (data included).
  return { rows, peakWasmBytes: peakBytes, kernel: mod.kernelSet() };
}

/**
 * 1 thread against N threads, for tests/e2e/threads.spec.js: the single-thread module and the
 * threaded one train the same LeNet-300-100 from the same seed on the real MNIST files for
 * `steps` steps, evaluate, and the threaded one runs twice (same seed, same numbers).
 */
async function agree() {
  const steps = Number(params.get('steps')) || 150;
  const raw = await mnist();
  const run = async (mod) => {
    const s = new mod.Session();
    for (const kind of ['trainImages', 'trainLabels', 'testImages', 'testLabels']) s.loadData(kind, new Uint8Array(raw[kind]));
    s.configure({ hidden: [300, 100], batchSize: BATCH, epochs: 1, seed: 7 });
    const losses = [];
    for (let done = 0; done < steps; done += 50) losses.push(s.trainSteps(50).loss);
    const e = s.evaluate(2000);
    s.free();
    return { losses, accuracy: e.accuracy, loss: e.loss, confusion: [...e.confusion] };
  };
  const single = await import('./pkg/shrink.js');
  await single.default();
  const one = await run(single);
  const threaded = await import('./pkg-threads/shrink.js');
  await threaded.default();
  const threads = Number(params.get('threads')) || 2;
  await threaded.initThreadPool(threads);
  const many = await run(threaded);
  const again = await run(threaded);
  return { rows: [], one, many, again, kernels: [single.kernelSet(), threaded.kernelSet()] };
}

/** TF.js 4.22, wasm backend, the same models, data, batch and SGD with momentum. */
async function peer() {
  const threads = Number(params.get('threads')) || 1;
  for (const src of ['vendor/tfjs/tf.min.js', 'vendor/tfjs/tf-backend-wasm.min.js']) {
    await new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.onload = resolve;
      el.onerror = () => reject(new Error(`${src} is missing: run \`cargo xtask bench\`, which copies TF.js from node_modules`));
      document.head.append(el);
    });
  }
  const tf = window.tf;
  tf.wasm.setWasmPaths(new URL('./vendor/tfjs/', location.href).href);
  tf.wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const raw = await mnist();
  const images = (buf, n) => {
    const px = new Uint8Array(buf, 16, n * 784);
    const out = new Float32Array(n * 784);
    for (let i = 0; i < out.length; i++) out[i] = px[i] / 255;
    return out;
  };
  const oneHot = (buf, n) => {
    const lab = new Uint8Array(buf, 8, n);
    const out = new Float32Array(n * 10);
    lab.forEach((l, i) => { out[i * 10 + l] = 1; });
    return { out, lab };
  };
  const nTrain = 60000;
  const nTest = 10000;
  // One seeded shuffle up front, so each step is a contiguous slice (no per-step gather cost).
  const order = [...Array(nTrain).keys()];
  let seed = 1;
  for (let i = nTrain - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const xAll = images(raw.trainImages, nTrain);
  const yAll = oneHot(raw.trainLabels, nTrain).out;
  const xs = new Float32Array(nTrain * 784);
  const ys = new Float32Array(nTrain * 10);
  order.forEach((src, dst) => {
    xs.set(xAll.subarray(src * 784, src * 784 + 784), dst * 784);
    ys.set(yAll.subarray(src * 10, src * 10 + 10), dst * 10);
  });
  // Batches are made from the JS arrays each step (one 64×784 copy, like our gather): slicing
  // one big tensor makes the wasm backend read the whole tensor back on every slice.
  const xTest = images(raw.testImages, nTest);
  const xTestAll = tf.tensor2d(xTest, [nTest, 784]);
  const testLabels = oneHot(raw.testLabels, nTest).lab;
  const rows = [];
  for (const m of MODELS) {
    const model = tf.sequential();
    m.hidden.forEach((h, i) => model.add(tf.layers.dense({ units: h, activation: 'relu', inputShape: i === 0 ? [784] : undefined })));
    model.add(tf.layers.dense({ units: 10 }));
    const opt = tf.train.momentum(LR, MOMENTUM);
    const steps = Math.ceil(nTrain / BATCH);
    const step = (s) => {
      const b = Math.min(BATCH, nTrain - s * BATCH);
      return tf.tidy(() => {
        const x = tf.tensor2d(xs.subarray(s * BATCH * 784, (s * BATCH + b) * 784), [b, 784]);
        const y = tf.tensor2d(ys.subarray(s * BATCH * 10, (s * BATCH + b) * 10), [b, 10]);
        return opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
      });
    };
    step(0).dispose(); // warm-up (kernel set-up), not timed
    const t0 = performance.now();
    let last;
    for (let s = 0; s < steps; s++) {
      if (last) last.dispose();
      last = step(s);
    }
    last.dataSync();
    last.dispose();
    const trainMs = performance.now() - t0;
    const predict = (from, n) => tf.tidy(() => model.predict(tf.tensor2d(xTest.subarray(from * 784, (from + n) * 784), [n, 784])).argMax(1).dataSync());
    predict(0, 1000); // warm-up
    // Both ways TF.js offers, the faster one counts: batches made from the array, or
    // model.predict on the whole test tensor with batchSize 1000.
    const t1 = performance.now();
    const pred = new Int32Array(nTest);
    for (let i = 0; i < nTest; i += 1000) pred.set(predict(i, 1000), i);
    const t2 = performance.now();
    tf.tidy(() => model.predict(xTestAll, { batchSize: 1000 }).argMax(1).dataSync());
    const inferMs = Math.min(t2 - t1, performance.now() - t2);
    const correct = pred.reduce((c, p, i) => c + (p === testLabels[i] ? 1 : 0), 0);
    rows.push({ model: m.name, trainSamplesPerSec: nTrain / (trainMs / 1000), inferSamplesPerSec: nTest / (inferMs / 1000), testAccuracy: correct / nTest });
    model.dispose();
    opt.dispose();
  }
  return { rows, threads: tf.wasm.getThreadsCount(), backend: tf.getBackend(), version: tf.version.tfjs, isolated: self.crossOriginIsolated };
}

async function main() {
  try {
    status.textContent = `Running part "${part}"…`;
    await new Promise((r) => setTimeout(r, 50));
    const parts = { none: async () => ({ rows: [] }), ours: runInWorker, tfjs: peer, agree, kernels: runInWorker };
    const result = await (parts[part] || runInWorker)();
    show(result.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(4)) : v]))));
    status.textContent = `Done (${part}). ${navigator.userAgent}`;
    window.benchResult = result;
  } catch (e) {
    status.textContent = 'Bench failed: ' + e;
    window.benchResult = { error: String(e && e.stack ? e.stack : e), rows: [] };
  }
}

if (inWorker) {
  (part === 'ours' ? oursInWorker() : kernels()).then((r) => postMessage(r), (e) => postMessage({ error: String(e && e.stack ? e.stack : e), rows: [] }));
} else {
  await main();
}
