import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { RunningMeanStd } from './running-stats.js';

/**
 * What merging batches must give: Chan et al.'s formula is exact for combining groups, and the prior
 * (count ε, mean 0, variance 1) is one more group. So after rows x₁…x_N the statistics are those of the
 * pooled sample, μ = Σx/(N + ε) and σ² = [ε·(1 + μ²) + Σ(x − μ)²]/(N + ε), whatever the batching.
 */
function pooled(xs: number[], eps = 1e-4): { mean: number; variance: number } {
  const n = xs.length + eps;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = (eps * (1 + mean * mean) + xs.reduce((s, x) => s + (x - mean) ** 2, 0)) / n;
  return { mean, variance };
}

describe('RunningMeanStd', () => {
  it('starts at mean 0, variance 1, count ε (SB3)', () => {
    const rms = new RunningMeanStd(2);
    expect(Array.from(rms.mean)).toEqual([0, 0]);
    expect(Array.from(rms.var)).toEqual([1, 1]);
    expect(rms.count).toBe(1e-4);
  });

  it('batch after batch equals the pooled statistics of all rows, per dimension', () => {
    const rng = Rng.fromSeed('rms');
    const rms = new RunningMeanStd(2);
    const cols: number[][] = [[], []];
    for (const rows of [1, 7, 64, 3, 500]) {
      const x = new Float64Array(rows * 2);
      for (let i = 0; i < rows; i++) {
        x[2 * i] = 5 + 2 * rng.normal(); // mean 5, sd 2
        x[2 * i + 1] = -0.01 * rng.uniform(); // tiny scale, far from the prior
        cols[0].push(x[2 * i]);
        cols[1].push(x[2 * i + 1]);
      }
      rms.update(x, rows);
    }
    expect(rms.count).toBeCloseTo(575 + 1e-4, 9);
    for (let d = 0; d < 2; d++) {
      const want = pooled(cols[d]);
      expect(Math.abs(rms.mean[d] - want.mean)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want.mean)));
      expect(Math.abs(rms.var[d] / want.variance - 1)).toBeLessThan(1e-10);
    }
  });

  it("matches SB3's RunningMeanStd on a hand-computed single batch", () => {
    // np.array([[1.], [2.], [3.], [4.]]): batch mean 2.5, var 1.25; count 4.0001.
    const rms = new RunningMeanStd(1);
    rms.update([1, 2, 3, 4], 4);
    const delta = 2.5;
    const total = 4.0001;
    expect(rms.mean[0]).toBeCloseTo((delta * 4) / total, 14);
    expect(rms.var[0]).toBeCloseTo((1e-4 * 1 + 1.25 * 4 + (delta * delta * 1e-4 * 4) / total) / total, 14);
  });

  it('normalize: clip((x − mean)/√(var + 1e-8), ±clip), row by row', () => {
    const rms = new RunningMeanStd(2);
    rms.mean.set([1, -2]);
    rms.var.set([4, 0]);
    const out = rms.normalize([3, -2, 101, 5], 2, new Float32Array(4), 10);
    expect(out[0]).toBe(Math.fround(2 / Math.sqrt(4 + 1e-8)));
    expect(out[1]).toBe(0);
    expect(out[2]).toBe(10); // clipped
    expect(out[3]).toBe(10); // zero variance: (7)/√1e-8 is clipped, not infinite
    expect(rms.normalize([0, -2 - 1e-3], 1, new Float32Array(2), 5, 1e-4)[1]).toBe(Math.fround(-1e-3 / Math.sqrt(1e-4)));
  });

  it('pack → unpack restores everything', () => {
    const a = new RunningMeanStd(3);
    a.update([1, 2, 3, 4, 5, 7], 2);
    const b = new RunningMeanStd(3);
    b.unpack(a.pack());
    expect([b.count, Array.from(b.mean), Array.from(b.var)]).toEqual([a.count, Array.from(a.mean), Array.from(a.var)]);
    expect(a.pack().length).toBe(7);
  });
});
