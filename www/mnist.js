// Downloads the four MNIST files (gzipped, ~11.4 MB in all) with a byte-counting progress
// callback, and inflates them with the browser's own DecompressionStream('gzip'). The worker
// then gets plain IDX bytes, which the Rust core validates (magic, counts, labels).

export const FILES = Object.freeze([
  { kind: 'trainImages', url: 'data/train-images-idx3-ubyte.gz', bytes: 9719462 },
  { kind: 'trainLabels', url: 'data/train-labels-idx1-ubyte.gz', bytes: 28881 },
  { kind: 'testImages', url: 'data/t10k-images-idx3-ubyte.gz', bytes: 1616531 },
  { kind: 'testLabels', url: 'data/t10k-labels-idx1-ubyte.gz', bytes: 4540 },
]);

/**
 * The data sets a page may ask for with `data=`: `full` (all of MNIST) or `small`, the first
 * 6,000 training digits (made by `cargo xtask setup` from the full files, www/data/small/) with
 * all 10,000 test digits. Embedded panels use `small` to download about a fifth as much.
 * `bytes` only sizes the progress bar until the server's Content-Length arrives.
 */
export const DATA_SETS = Object.freeze({
  full: { name: 'full', trainCount: 60000, files: FILES },
  small: {
    name: 'small',
    trainCount: 6000,
    files: Object.freeze([
      { kind: 'trainImages', url: 'data/small/train-images-idx3-ubyte.gz', bytes: 1000000 },
      { kind: 'trainLabels', url: 'data/small/train-labels-idx1-ubyte.gz', bytes: 3000 },
      FILES[2],
      FILES[3],
    ]),
  },
});

async function fetchCounting(file, base, onBytes) {
  const res = await fetch(new URL(file.url, base));
  if (!res.ok) {
    throw new Error(`could not download ${file.url} (HTTP ${res.status}); run \`cargo xtask setup\` to fetch MNIST`);
  }
  const declared = Number(res.headers.get('Content-Length'));
  const expected = Number.isFinite(declared) && declared > 0 ? declared : file.bytes;
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onBytes(buf.length, expected);
    return buf;
  }
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
    onBytes(got, expected);
  }
  const out = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Inflates gzip bytes natively (off the JS heap's hot path); rejects on a broken stream. */
export async function gunzip(gz) {
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return await new Response(stream).arrayBuffer();
  } catch (e) {
    throw new Error(`a data file is not valid gzip (${e.message})`);
  }
}

/**
 * Downloads every file of `files` (FILES or a DATA_SETS entry's) in parallel, inflating each as soon as it has arrived.
 * `onProgress({loaded, total, phase})` is called as bytes come in.
 * Resolves to `{ gz: {kind: Uint8Array}, raw: {kind: ArrayBuffer}, arrivedAt, bytes }`.
 */
export async function loadMnist(base, onProgress, files = FILES) {
  const loaded = new Map();
  const totals = new Map(files.map((f) => [f.kind, f.bytes]));
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  const report = (phase) => onProgress({ loaded: sum(loaded), total: sum(totals), phase });
  let arrivedAt = 0;
  const gz = {};
  const raw = {};
  await Promise.all(
    files.map(async (f) => {
      gz[f.kind] = await fetchCounting(f, base, (got, expected) => {
        loaded.set(f.kind, got);
        totals.set(f.kind, expected);
        report('download');
      });
      arrivedAt = Math.max(arrivedAt, performance.now());
      raw[f.kind] = await gunzip(gz[f.kind]);
    }),
  );
  report('done');
  return { gz, raw, arrivedAt, bytes: sum(loaded) };
}
