import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { ParamSet } from './dense-mlp.js';

/**
 * torch.optim.Adam's step (amsgrad off, no weight decay), written out as torch/optim/adam.py's
 * single-tensor path does: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
 */
function torchAdam(theta: number[], grads: number[][], lrs: number[], b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const th = [...theta];
  const m = th.map(() => 0);
  const v = th.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    const biasCorrection1 = 1 - b1 ** t;
    const biasCorrection2 = 1 - b2 ** t;
    for (let i = 0; i < th.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(biasCorrection2) + eps;
      th[i] -= (lrs[k] / biasCorrection1) * (m[i] / denom);
    }
  });
  return th;
}

const GRADS = [
  [0.5, -2, 1e-3, 0],
  [0.4, 1, -1e-3, 0],
  [-0.3, 3, 2e-3, 0],
  [0.1, -0.5, 0, 0],
];

function run(opts: { learningRate: number; beta1?: number; beta2?: number; epsilon?: number }, grads = GRADS, theta = [1, -1, 0.25, 3]) {
  const set = new ParamSet(theta.length);
  set.params.set(theta);
  const opt = new Adam(set, opts);
  for (const g of grads) {
    set.grads.set(g);
    opt.step();
  }
  return { set, opt };
}

describe('Adam', () => {
  it("matches torch's update for several steps (bias correction, ε outside the square root)", () => {
    const { set, opt } = run({ learningRate: 0.01 });
    const want = torchAdam([1, -1, 0.25, 3], GRADS, [0.01, 0.01, 0.01, 0.01]);
    for (let i = 0; i < 4; i++) expect(Math.abs(set.params[i] - want[i])).toBeLessThan(1e-15 * Math.max(1, Math.abs(want[i])));
    expect(set.params[3]).toBe(3); // zero gradient throughout: 0 / (0 + ε) moves nothing
    expect(opt.steps).toBe(4);
  });

  it('first step moves each parameter by lr·g/(|g| + ε): bias correction makes m̂/√v̂ = sign(g)', () => {
    const lr = 3e-4;
    const eps = 1e-5;
    const { set } = run({ learningRate: lr, epsilon: eps }, [GRADS[0]]);
    const theta = [1, -1, 0.25, 3];
    // (to the rounding of θ − step, one ulp of θ)
    GRADS[0].forEach((g, i) => expect(Math.abs(theta[i] - set.params[i] - (lr * g) / (Math.abs(g) + eps))).toBeLessThanOrEqual(Number.EPSILON * Math.abs(theta[i])));
    // With g = 1e-3 and ε = 1e-5 the step is 1% short of lr: ε really sits outside the square root.
    expect((theta[2] - set.params[2]) / lr).toBeCloseTo(1e-3 / (1e-3 + 1e-5), 12);
  });

  it('honours non-default betas and a learning rate changed between steps (schedules)', () => {
    const set = new ParamSet(4);
    set.params.set([1, -1, 0.25, 3]);
    const opt = new Adam(set, { learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-6 });
    const lrs = [0.1, 0.05, 0.025, 0.0125];
    GRADS.forEach((g, k) => {
      opt.learningRate = lrs[k];
      set.grads.set(g);
      opt.step();
    });
    const want = torchAdam([1, -1, 0.25, 3], GRADS, lrs, 0.5, 0.9, 1e-6);
    for (let i = 0; i < 4; i++) expect(Math.abs(set.params[i] - want[i])).toBeLessThan(1e-15 * Math.max(1, Math.abs(want[i])));
  });

  it('state() → restore() into a fresh optimizer continues bit for bit', () => {
    const full = run({ learningRate: 0.01 });
    const half = run({ learningRate: 0.01 }, GRADS.slice(0, 2));
    const saved = half.opt.state();
    // state() is a copy: later steps of the original do not change it.
    half.set.grads.set([9, 9, 9, 9]);
    half.opt.step();
    const set = new ParamSet(4);
    set.params.set(run({ learningRate: 0.01 }, GRADS.slice(0, 2)).set.params); // the half-way parameters
    const resumed = new Adam(set, { learningRate: 0.01 });
    resumed.restore(saved);
    expect(resumed.steps).toBe(2);
    for (const g of GRADS.slice(2)) {
      set.grads.set(g);
      resumed.step();
    }
    expect(set.params).toEqual(full.set.params);
    expect(resumed.state()).toEqual(full.opt.state());
  });

  it('restore rejects moments of another size (E_SHAPE)', () => {
    const opt = new Adam(new ParamSet(3), { learningRate: 1 });
    expect(() => opt.restore({ step: 1, m: new Float64Array(4), v: new Float64Array(4) })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });
});
