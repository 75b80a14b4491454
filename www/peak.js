// The true f32x4 peak of this browser on this machine, for `cargo xtask bench`.
//
// A tiny wasm module, assembled here byte by byte so that nothing but the probe is in it: 12
// independent f32x4 chains acc_i ← acc_i·m + c in a counted loop. Every chain is a mul then an
// add (simd128) or one f32x4.relaxed_madd (relaxed-simd), so the loop runs at the FP pipes'
// throughput, not at one chain's latency. It is an exported function called many times from JS,
// so V8 tiers it up to TurboFan (wasm has no on-stack replacement: one long call would stay in
// Liftoff). The relaxed module is compiled only here, so a browser without relaxed-simd loses
// this row, never the app.

const CHAINS = 12;

/** Unsigned LEB128. */
function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function f32Bytes(x) {
  return [...new Uint8Array(new Float32Array([x]).buffer)];
}

function section(id, bytes) {
  return [id, ...leb(bytes.length), ...bytes];
}

/** The module's bytes: export `peak(n: i32, m: f32) -> f32` runs n rounds of the 12 chains. */
export function probeBytes(relaxed) {
  const SIMD = 0xfd;
  const splat = [SIMD, 0x13]; // f32x4.splat
  const add = [SIMD, ...leb(228)]; // f32x4.add
  const mul = [SIMD, ...leb(230)]; // f32x4.mul
  const madd = [SIMD, ...leb(0x105)]; // f32x4.relaxed_madd: a·b + c
  const get = (i) => [0x20, ...leb(i)];
  const set = (i) => [0x21, ...leb(i)];
  // locals: 0 = n (i32), 1 = m (f32), 2..13 = the chains, 14 = m splat, 15 = c splat
  const acc = (i) => 2 + i;
  const mv = 2 + CHAINS;
  const cv = mv + 1;
  const body = [];
  for (let i = 0; i < CHAINS; i++) body.push(0x43, ...f32Bytes(0.01 * (i + 1)), ...splat, ...set(acc(i)));
  body.push(...get(1), ...splat, ...set(mv));
  body.push(0x43, ...f32Bytes(0.001), ...splat, ...set(cv));
  body.push(0x02, 0x40, 0x03, 0x40); // block, loop
  for (let i = 0; i < CHAINS; i++) {
    if (relaxed) body.push(...get(acc(i)), ...get(mv), ...get(cv), ...madd, ...set(acc(i)));
    else body.push(...get(acc(i)), ...get(mv), ...mul, ...get(cv), ...add, ...set(acc(i)));
  }
  // n -= 1; continue while n != 0
  body.push(...get(0), 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b);
  body.push(...get(acc(0)));
  for (let i = 1; i < CHAINS; i++) body.push(...get(acc(i)), ...add);
  body.push(SIMD, 0x1f, 0x00, 0x0b); // f32x4.extract_lane 0, end
  const locals = [0x01, ...leb(CHAINS + 2), 0x7b];
  const func = [...locals, ...body];
  const code = [0x01, ...leb(func.length), ...func];
  const name = [...new TextEncoder().encode('peak')];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7d, 0x01, 0x7d]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...leb(name.length), ...name, 0x00, 0x00]),
    ...section(10, code),
  ]);
}

/**
 * GFLOP/s of the probe: warm-up calls until V8 has tiered it up, then the best of `windows`
 * timed windows (other processes on the machine can only slow a window down). Resolves to null
 * where the engine rejects the module (relaxed-simd missing).
 */
export async function measurePeak(relaxed, minMs = 400, windows = 5) {
  let peak;
  try {
    const { instance } = await WebAssembly.instantiate(probeBytes(relaxed));
    peak = instance.exports.peak;
  } catch (e) {
    return null;
  }
  const rounds = 200000; // 200k × 96 flops ≈ 0.5 ms a call at 40 GFLOP/s
  let sink = 0;
  for (let i = 0; i < 50; i++) sink += peak(rounds, 0.9999);
  let best = 0;
  for (let w = 0; w < windows; w++) {
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < minMs / windows) {
      sink += peak(rounds, 0.9999);
      calls++;
    }
    const ms = performance.now() - t0;
    best = Math.max(best, (calls * rounds * CHAINS * 8) / (ms * 1e6));
  }
  if (!Number.isFinite(sink)) return null;
  return best;
}
