import { DenseMlp, ParamSet } from '/work/main/src/nn/dense-mlp.ts';
import { Adam } from '/work/main/src/nn/adam.ts';
import { Rng } from '/work/main/src/core/rng.ts';
const rng = Rng.fromSeed(1);
for (const [obs, B] of [[32, 64], [4, 64], [32, 1], [32, 32]]) {
  const s1 = [obs, 64, 64, 3], s2 = [obs, 64, 64, 1];
  const set = new ParamSet(DenseMlp.paramCount(s1) + DenseMlp.paramCount(s2));
  const pi = new DenseMlp(s1, 'tanh', set, 0); pi.initOrthogonal(Math.SQRT2, 0.01, rng);
  const vf = new DenseMlp(s2, 'tanh', set, pi.paramCount); vf.initOrthogonal(Math.SQRT2, 1, rng);
  const opt = new Adam(set, { learningRate: 3e-4 });
  const x = new Float32Array(B * obs).map((_, i) => Math.sin(i));
  const d3 = new Float64Array(B * 3).fill(0.01), d1 = new Float64Array(B).fill(0.01);
  const run = (n: number) => { for (let r = 0; r < n; r++) { set.zeroGrad(); pi.forward(x, B); pi.backward(d3, B); vf.forward(x, B); vf.backward(d1, B); set.clipGradNorm(0.5); opt.step(); } };
  run(300);
  const t0 = performance.now(); const n = 2000; run(n); const dt = (performance.now() - t0) / n;
  console.log(`obs ${obs} B ${B}: ${(dt*1000).toFixed(1)} us per pi+vf fwd/bwd/adam`);
}
