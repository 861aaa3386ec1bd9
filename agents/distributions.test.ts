import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { Box, Discrete } from '../src/core/spaces.js';
import { CategoricalDistribution, distributionFor, GaussianDistribution, type ActionDistribution } from './distributions.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Upper 0.1% points of χ²(k) (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.4). */
const CHI2_999: Record<number, number> = { 3: 16.266 };
/** Two-sided 0.1% point of N(0, 1). */
const Z_999 = 3.2905;

/**
 * Central-difference check of `backward`: for F(outputs, extra) = Σ_r c_r·log π_r + dEntropy·Σ_r H_r,
 * backward must add ∂F/∂outputs to dOut and ∂F/∂extra to dExtra. Both are smooth, so with h = 1e-6 the
 * truncation error (h²·|F‴|/6) and rounding error (2⁻⁵²·|F|/h) are below 1e-9: 1e-7 absolute is ample.
 */
function checkBackward(dist: ActionDistribution, out: Float64Array, extra: Float64Array, rows: number, actions: Float32Array, c: Float64Array, dEntropy: number): void {
  const F = () => {
    const logp = new Float64Array(rows);
    const ent = new Float64Array(rows);
    dist.logProbEntropy(out, extra, rows, actions, logp, ent);
    let s = 0;
    for (let r = 0; r < rows; r++) s += c[r] * logp[r] + dEntropy * ent[r];
    return s;
  };
  // Start from non-zero buffers: backward must add, not overwrite.
  const dOut = new Float64Array(out.length).fill(0.25);
  const dExtra = new Float64Array(extra.length).fill(-0.5);
  dist.backward(out, extra, rows, actions, c, dEntropy, dOut, dExtra);
  const h = 1e-6;
  const numeric = (arr: Float64Array, q: number) => {
    const v = arr[q];
    arr[q] = v + h;
    const up = F();
    arr[q] = v - h;
    const down = F();
    arr[q] = v;
    return (up - down) / (2 * h);
  };
  let largest = 0;
  for (let q = 0; q < out.length; q++) {
    const n = numeric(out, q);
    largest = Math.max(largest, Math.abs(n));
    expect(Math.abs(dOut[q] - 0.25 - n), `output ${q}`).toBeLessThan(1e-7);
  }
  for (let q = 0; q < extra.length; q++) {
    const n = numeric(extra, q);
    largest = Math.max(largest, Math.abs(n));
    expect(Math.abs(dExtra[q] + 0.5 - n), `extra ${q}`).toBeLessThan(1e-7);
  }
  expect(largest).toBeGreaterThan(0.1); // not a check of zeros
}

describe('CategoricalDistribution', () => {
  const dist = new CategoricalDistribution(4);
  // Row 1 has huge logits: log-sum-exp must not overflow. Row 2 is the same as row 0 shifted by 1000.
  const out = new Float64Array([0.5, -1, 2, 0, 1000, 1001, 999, 1000.5, 1000.5, 999, 1002, 1000]);
  const closedForm = (z: number[], a: number) => {
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    const p = z.map((v) => Math.exp(v - lse));
    return { logp: z[a] - lse, entropy: -p.reduce((s, pj) => s + pj * Math.log(pj), 0) };
  };

  it('logProbEntropy: log softmax of the chosen logit and −Σ p log p, stable for large logits', () => {
    const actions = new Float32Array([2, 1, 2]);
    const logp = new Float64Array(3);
    const ent = new Float64Array(3);
    dist.logProbEntropy(out, new Float64Array(0), 3, actions, logp, ent);
    for (let r = 0; r < 3; r++) {
      const want = closedForm(Array.from(out.subarray(4 * r, 4 * r + 4)), actions[r]);
      expect(logp[r]).toBeCloseTo(want.logp, 12);
      expect(ent[r]).toBeCloseTo(want.entropy, 12);
    }
    expect(logp[2]).toBeCloseTo(logp[0], 10); // shift invariance
    // Uniform logits: entropy log n, log π = −log n.
    dist.logProbEntropy(new Float64Array(4).fill(3), new Float64Array(0), 1, new Float32Array([0]), logp, ent);
    expect(ent[0]).toBeCloseTo(Math.log(4), 14);
    expect(logp[0]).toBeCloseTo(-Math.log(4), 14);
  });

  it('backward: ∂logπ/∂z and ∂H/∂z match finite differences', () => {
    const small = new Float64Array([0.5, -1, 2, 0, 0.3, 0.1, -0.4, 1.2, -2, 0.7, 0.7, 0]);
    checkBackward(dist, small, new Float64Array(0), 3, new Float32Array([2, 0, 1]), new Float64Array([0.7, -1.3, 0.4]), -0.05);
  });

  it('mode is the argmax (first index on ties)', () => {
    const actions = new Float32Array(3);
    dist.mode(new Float64Array([0, 3, 1, 3, 5, 5, -1, 2, -1, -2, -3, -0.5]), new Float64Array(0), 3, actions);
    expect(Array.from(actions)).toEqual([1, 0, 3]);
  });

  it('sampling is a function of the rng, draws one uniform per row and returns the log-probability', () => {
    const logits = new Float64Array([0.5, -1, 2, 0, 0.3, 0.1, -0.4, 1.2]);
    const draw = (rng: Rng) => {
      const actions = new Float32Array(2);
      const logp = new Float32Array(2);
      dist.sample(logits, new Float64Array(0), 2, rng, actions, logp);
      return { actions, logp };
    };
    const a = draw(Rng.fromSeed(1));
    expect(draw(Rng.fromSeed(1))).toEqual(a);
    const rng = Rng.fromSeed(1);
    draw(rng);
    const after = Rng.fromSeed(1);
    after.uniform();
    after.uniform();
    expect(rng.state()).toEqual(after.state());
    const full = new Float64Array(2);
    dist.logProbEntropy(logits, new Float64Array(0), 2, a.actions, full, new Float64Array(2));
    expect(Array.from(a.logp)).toEqual(Array.from(full).map(Math.fround));
    // Across many seeds the draws differ (the stream is used, not ignored).
    const seen = new Set(Array.from({ length: 50 }, (_, s) => draw(Rng.fromSeed(s)).actions.join()));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('sampled frequencies match the softmax probabilities (χ² test at p = 0.001)', () => {
    const z = [0.5, -1, 2, 0];
    const n = 20_000;
    const logits = new Float64Array(n * 4);
    for (let r = 0; r < n; r++) logits.set(z, 4 * r);
    const actions = new Float32Array(n);
    dist.sample(logits, new Float64Array(0), n, Rng.fromSeed('chi2'), actions, new Float32Array(n));
    const counts = [0, 0, 0, 0];
    for (const a of actions) counts[a]++;
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    const expected = z.map((v) => n * Math.exp(v - lse));
    const chi2 = counts.reduce((s, c, j) => s + (c - expected[j]) ** 2 / expected[j], 0);
    expect(chi2).toBeLessThan(CHI2_999[3]);
    expect(Math.min(...expected)).toBeGreaterThan(5); // where the χ² approximation holds
  });

  it('toEnv writes the index', () => {
    const env = new Int32Array(3);
    dist.toEnv(new Float32Array([3, 1]), 1, env, 2);
    expect(Array.from(env)).toEqual([0, 0, 1]);
  });
});

describe('GaussianDistribution', () => {
  const low = new Float32Array([-1, -2]);
  const high = new Float32Array([1, 3]);
  const dist = new GaussianDistribution(2, low, high, 'clip', -0.5);

  it('initExtra sets the log-std to logStdInit', () => {
    const extra = new Float64Array(2);
    dist.initExtra(extra);
    expect(Array.from(extra)).toEqual([-0.5, -0.5]);
  });

  it('logProbEntropy: Σ_d −(u−μ)²/(2σ²) − log σ − ½log 2π, and Σ_d ½ + ½log 2π + log σ', () => {
    const out = new Float64Array([0.2, -0.3, 1.5, 0]);
    const extra = new Float64Array([Math.log(0.5), 0.3]);
    const actions = new Float32Array([0.7, -0.3, -1, 2]);
    const logp = new Float64Array(2);
    const ent = new Float64Array(2);
    dist.logProbEntropy(out, extra, 2, actions, logp, ent);
    const sigma = [0.5, Math.exp(0.3)];
    for (let r = 0; r < 2; r++) {
      let lp = 0;
      for (let d = 0; d < 2; d++) lp += -((actions[2 * r + d] - out[2 * r + d]) ** 2) / (2 * sigma[d] ** 2) - Math.log(sigma[d]) - 0.5 * LOG_2PI;
      expect(logp[r]).toBeCloseTo(lp, 12);
      expect(ent[r]).toBeCloseTo(1 + LOG_2PI + Math.log(0.5) + 0.3, 12);
    }
    // Row 0, dimension 1 sits at the mean: the standard normal density there is 1/√(2π).
    dist.logProbEntropy(new Float64Array([0, 0]), new Float64Array([0, 0]), 1, new Float32Array([0, 0]), logp, ent);
    expect(logp[0]).toBeCloseTo(-LOG_2PI, 14);
    expect(ent[0]).toBeCloseTo(1 + LOG_2PI, 14); // 2 × ½log(2πe)
  });

  it('backward: ∂/∂μ and ∂/∂log σ of log π and of the entropy match finite differences', () => {
    const out = new Float64Array([0.2, -0.3, 1.5, 0, -0.4, 0.9]);
    const extra = new Float64Array([Math.log(0.5), 0.3]);
    checkBackward(dist, out, extra, 3, new Float32Array([0.7, -0.3, -1, 2, 0.1, 0.8]), new Float64Array([0.7, -1.3, 0.4]), -0.05);
  });

  it('mode is the mean; toEnv clips it to the bounds', () => {
    const actions = new Float32Array(4);
    dist.mode(new Float64Array([0.25, 5, -3, 0.5]), new Float64Array(2), 2, actions);
    expect(Array.from(actions)).toEqual([0.25, 5, -3, 0.5]);
    const env = new Float32Array(5);
    dist.toEnv(actions, 0, env, 1);
    dist.toEnv(actions, 1, env, 3);
    expect(Array.from(env)).toEqual([0, 0.25, 3, -1, 0.5]);
  });

  it("toEnv with 'tanh' maps u to low + (tanh(u) + 1)/2·(high − low)", () => {
    const tanh = new GaussianDistribution(2, low, high, 'tanh');
    const actions = new Float32Array([0, 0, 30, -30, 0.5, -0.7]);
    const env = new Float32Array(6);
    for (let r = 0; r < 3; r++) tanh.toEnv(actions, r, env, 2 * r);
    expect(Array.from(env.subarray(0, 4))).toEqual([0, 0.5, 1, -2]); // midpoints, then saturation
    expect(env[4]).toBe(Math.fround(-1 + ((Math.tanh(0.5) + 1) / 2) * 2));
    expect(env[5]).toBe(Math.fround(-2 + ((Math.tanh(-0.7) + 1) / 2) * 5));
    expect(() => new GaussianDistribution(1, new Float32Array([-Infinity]), new Float32Array([1]), 'tanh')).toThrow(expect.objectContaining({ code: 'E_SPACE' }));
  });

  it('sampling is a function of the rng and returns the log-probability of the stored (float32) sample', () => {
    const out = new Float64Array([0.2, -0.3, 1.5, 0]);
    const extra = new Float64Array([Math.log(0.5), 0.3]);
    const draw = (rng: Rng) => {
      const actions = new Float32Array(4);
      const logp = new Float32Array(2);
      dist.sample(out, extra, 2, rng, actions, logp);
      return { actions, logp };
    };
    const a = draw(Rng.fromSeed(1));
    expect(draw(Rng.fromSeed(1))).toEqual(a);
    expect(draw(Rng.fromSeed(2)).actions).not.toEqual(a.actions);
    const full = new Float64Array(2);
    dist.logProbEntropy(out, extra, 2, a.actions, full, new Float64Array(2));
    expect(Array.from(a.logp)).toEqual(Array.from(full).map(Math.fround));
  });

  it('samples have mean μ and standard deviation σ (z tests at p = 0.001)', () => {
    const n = 20_000;
    const mu = [0.5, -1];
    const sigma = [0.3, 2];
    const out = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) out.set(mu, 2 * r);
    const actions = new Float32Array(2 * n);
    dist.sample(out, new Float64Array(sigma.map(Math.log)), n, Rng.fromSeed('moments'), actions, new Float32Array(n));
    for (let d = 0; d < 2; d++) {
      let [s, ss] = [0, 0];
      for (let r = 0; r < n; r++) s += actions[2 * r + d];
      const mean = s / n;
      for (let r = 0; r < n; r++) ss += (actions[2 * r + d] - mean) ** 2;
      const variance = ss / (n - 1);
      // mean ~ N(μ, σ²/n); (n−1)s²/σ² ~ χ²(n−1) ≈ N(n−1, 2(n−1)), so s²/σ² − 1 has sd √(2/(n−1)).
      expect(Math.abs(mean - mu[d]) / (sigma[d] / Math.sqrt(n))).toBeLessThan(Z_999);
      expect(Math.abs(variance / sigma[d] ** 2 - 1) / Math.sqrt(2 / (n - 1))).toBeLessThan(Z_999);
    }
  });
});

describe('distributionFor', () => {
  it('categorical for Discrete, Gaussian for Box (with the squash and log-std init)', () => {
    const c = distributionFor(new Discrete(5), 'clip', 0);
    expect(c).toBeInstanceOf(CategoricalDistribution);
    expect([c.outputSize, c.actionSize, c.extraSize]).toEqual([5, 1, 0]);
    const g = distributionFor(Box.uniform(3, -1, 1), 'tanh', -0.7);
    expect(g).toBeInstanceOf(GaussianDistribution);
    expect([g.outputSize, g.actionSize, g.extraSize]).toEqual([3, 3, 3]);
    expect((g as GaussianDistribution).squash).toBe('tanh');
    const extra = new Float64Array(3);
    g.initExtra(extra);
    expect(Array.from(extra)).toEqual([-0.7, -0.7, -0.7]);
  });
});
