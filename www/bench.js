// Runs the wasm benchmarks (crate/wasm/bench.rs) and publishes them as window.benchResult for
// `cargo xtask bench`, which prints the table. Everything is measured in this one run.
import init, { runBench, kernelSet } from './pkg/shrink.js';

const status = document.getElementById('status');
const table = document.getElementById('out');

function show(rows) {
  table.innerHTML = '<tr><th>benchmark</th><th>ms</th><th>GFLOP/s</th><th>note</th></tr>' +
    rows.map((r) => `<tr><td>${r.name}</td><td>${r.ms.toFixed(3)}</td><td>${r.gflops.toFixed(2)}</td><td>${r.note}</td></tr>`).join('');
}

try {
  await init();
  const minMs = Number(new URLSearchParams(location.search).get('minMs')) || 400;
  // Let the page paint before the long synchronous run.
  await new Promise((r) => setTimeout(r, 50));
  const rows = runBench(minMs);
  const peak = rows.find((r) => r.name.startsWith('peak simd128'));
  for (const r of rows) {
    if (peak && r.name.startsWith('gemm')) r.note = [r.note, `${(100 * r.gflops / peak.gflops).toFixed(0)}% of simd128 peak`].filter(Boolean).join(', ');
  }
  show(rows);
  status.textContent = `Done. Kernels: ${kernelSet()}. ${navigator.userAgent}`;
  window.benchResult = rows;
} catch (e) {
  status.textContent = 'Bench failed: ' + e;
  window.benchResult = [{ name: 'error', ms: 0, gflops: 0, note: String(e) }];
}
