/**
 * Matrix-product kernels: `tsx benchmarks/gemm.ts [--quick]`. Prints µs per call of gemmABt with the
 * plain-JS kernel and with the WebAssembly SIMD kernel, the latter both on ordinary Float64Arrays (each
 * call copies the operands into the kernel's memory and C back) and on arrays from allocGemmArray (in
 * place, as DenseMlp and ParamSet allocate them); "copy %" is the share of the copied call spent copying.
 * Then DenseMlp [31, 64, 64, 3] forward + backward with batch 64 (a PPO minibatch) and forward with
 * batch 1 (acting), per kernel.
 *
 * Shapes are those of PPO on the trading env (obs 31, two 64-wide hidden layers, 3 actions or 1 value):
 * forward m = batch, n = out, k = in; input gradient m = batch, n = in, k = out; weight gradient
 * m = out, n = in, k = batch.
 */
import { Rng } from '../src/core/rng.js';
import { DenseMlp, ParamSet } from '../src/nn/dense-mlp.js';
import { allocGemmArray, gemmABt, setGemmKernel, wasmGemmAvailable } from '../src/nn/gemm.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 9;

/** Best-of-`rounds` mean µs per call of `fn`, each round running ≈ `budgetMs`. */
function usPerCall(fn: () => void, budgetMs = quick ? 20 : 60): number {
  for (let w = 0; w < 50; w++) fn(); // warm-up: JIT
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    if (performance.now() - t0 > budgetMs / 4) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let t = 0; t < rounds; t++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, ((performance.now() - t0) / reps) * 1000);
  }
  return best;
}

if (!wasmGemmAvailable()) {
  process.stderr.write('WebAssembly SIMD is not available in this runtime; nothing to compare.\n');
  process.exit(1);
}
const rng = Rng.fromSeed('bench-gemm');
const normals = (x: Float64Array): Float64Array => rng.fillNormal(x) as Float64Array;

const shapes: [string, number, number, number][] = [
  ['fwd L1, batch 64', 64, 64, 31],
  ['fwd L2, batch 64', 64, 64, 64],
  ['fwd head (3), batch 64', 64, 3, 64],
  ['fwd value head, batch 64', 64, 1, 64],
  ['dIn L3 (k = 3)', 64, 64, 3],
  ['dIn L3 (k = 1)', 64, 64, 1],
  ['dW L1 (64 × 31, k = 64)', 64, 31, 64],
  ['dW L2 (64 × 64, k = 64)', 64, 64, 64],
  ['dW head (3 × 64, k = 64)', 3, 64, 64],
  ['dW value (1 × 64, k = 64)', 1, 64, 64],
  ['act L1, batch 1', 1, 64, 31],
  ['act L2, batch 1', 1, 64, 64],
  ['act head, batch 1', 1, 3, 64],
  ['act L2, batch 4', 4, 64, 64],
];

const out = (s: string): boolean => process.stdout.write(s);
out(`gemmABt µs per call (accumulate = true; best of ${rounds})\n`);
const cols = ['js', 'wasm', 'in place', 'speedup', 'copy %'];
out(`${'product'.padEnd(28)}${'m×n×k'.padStart(10)}${cols.map((c) => c.padStart(10)).join('')}\n`);
for (const [label, m, n, k] of shapes) {
  const [a, b, c] = [normals(new Float64Array(m * k)), normals(new Float64Array(n * k)), normals(new Float64Array(m * n))];
  const pa = allocGemmArray(m * k);
  const [pb, pc] = [allocGemmArray(n * k, pa), allocGemmArray(m * n, pa)];
  pa.set(a);
  pb.set(b);
  pc.set(c);
  setGemmKernel('js');
  const js = usPerCall(() => gemmABt(a, 0, b, 0, c, 0, m, n, k, true));
  setGemmKernel('wasm');
  const copied = usPerCall(() => gemmABt(a, 0, b, 0, c, 0, m, n, k, true));
  const inPlace = usPerCall(() => gemmABt(pa, 0, pb, 0, pc, 0, m, n, k, true));
  const figures = [js.toFixed(2), copied.toFixed(2), inPlace.toFixed(2), `${(js / inPlace).toFixed(2)}×`, `${((100 * (copied - inPlace)) / copied).toFixed(0)}%`];
  out(`${label.padEnd(28)}${`${m}×${n}×${k}`.padStart(10)}${figures.map((f) => f.padStart(10)).join('')}\n`);
}

const sizes = [31, 64, 64, 3];
const set = new ParamSet(DenseMlp.paramCount(sizes));
const net = new DenseMlp(sizes, 'tanh', set);
net.initOrthogonal(Math.SQRT2, 0.01, Rng.fromSeed(0));
const x64 = normals(new Float64Array(64 * 31));
const d64 = normals(new Float64Array(64 * 3));
const x1 = normals(new Float64Array(31));
out(`\nDenseMlp [${sizes.join(', ')}] tanh (arrays in the arena), µs per call\n`);
out(`${'call'.padEnd(36)}${'js'.padStart(9)}${'wasm'.padStart(9)}${'speedup'.padStart(9)}\n`);
const mlpCases: [string, () => void][] = [
  ['forward + backward, batch 64', () => (net.forward(x64, 64), net.backward(d64, 64))],
  ['forward, batch 64', () => net.forward(x64, 64)],
  ['forward, batch 1', () => net.forward(x1, 1)],
];
for (const [label, fn] of mlpCases) {
  setGemmKernel('js');
  const js = usPerCall(fn);
  setGemmKernel('wasm');
  const wasm = usPerCall(fn);
  out(`${label.padEnd(36)}${js.toFixed(2).padStart(9)}${wasm.toFixed(2).padStart(9)}${`${(js / wasm).toFixed(2)}×`.padStart(9)}\n`);
}
setGemmKernel('auto');
