import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { mean, std } from './descriptive.js';
import { medianPairwiseDistance, mmdPermutationTest, mmdRbf } from './mmd.js';

function bruteMedianDistance(z: Float64Array): number {
  const d: number[] = [];
  for (let i = 0; i < z.length; i++) for (let j = i + 1; j < z.length; j++) d.push(Math.abs(z[i] - z[j]));
  d.sort((a, b) => a - b);
  const m = d.length;
  return m % 2 === 1 ? d[(m - 1) / 2] : (d[m / 2 - 1] + d[m / 2]) / 2;
}

describe('medianPairwiseDistance', () => {
  it('is the median of all |zᵢ − zⱼ| (odd and even pair counts, ties)', () => {
    expect(medianPairwiseDistance([0, 1, 3])).toBe(2); // 1, 2, 3
    expect(medianPairwiseDistance([0, 1], [3, 7])).toBe(3.5); // 1, 2, 3, 4, 6, 7
    expect(medianPairwiseDistance([5, 5, 5, 6])).toBe(0.5); // 0, 0, 0, 1, 1, 1
    const rng = Rng.fromSeed('median-distance');
    for (const n of [2, 3, 50, 101]) {
      const z = new Float64Array(n).map(() => Math.round(rng.normal() * 20) / 4); // with ties
      expect(medianPairwiseDistance(z)).toBe(bruteMedianDistance(z));
    }
    expect(medianPairwiseDistance([1])).toBeNaN();
  });
});

describe('mmdRbf (unbiased MMD², RBF kernel)', () => {
  it('matches a hand computation', () => {
    // x = [0, 1], y = [0, 2], σ = 1: MMD² = e^−½ + e^−2 − ½(1 + e^−2 + 2e^−½) = (e^−2 − 1)/2.
    const { mmd2, bandwidth } = mmdRbf([0, 1], [0, 2], { bandwidth: 1 });
    expect(bandwidth).toBe(1);
    expect(mmd2).toBeCloseTo((Math.exp(-2) - 1) / 2, 15);
  });

  it('is symmetric, shift-invariant, and uses the median heuristic by default', () => {
    const rng = Rng.fromSeed('mmd-sym');
    const x = rng.fillNormal(new Float64Array(80));
    const y = rng.fillNormal(new Float64Array(60), 0.3, 1.5);
    const a = mmdRbf(x, y);
    expect(a.bandwidth).toBe(medianPairwiseDistance(x, y));
    expect(mmdRbf(y, x).mmd2).toBeCloseTo(a.mmd2, 13);
    expect(mmdRbf(x.map((v) => v + 100), y.map((v) => v + 100)).mmd2).toBeCloseTo(a.mmd2, 10);
  });

  it('is zero in expectation for equal distributions and large for shifted ones', () => {
    const rng = Rng.fromSeed('mmd-null');
    const reps = 60;
    const same = new Float64Array(reps);
    const shifted = new Float64Array(reps);
    const x = new Float64Array(100);
    const y = new Float64Array(100);
    for (let r = 0; r < reps; r++) {
      rng.fillNormal(x);
      rng.fillNormal(y);
      same[r] = mmdRbf(x, y).mmd2;
      shifted[r] = mmdRbf(x, y.map((v) => v + 1)).mmd2;
    }
    // Unbiasedness: the mean of the null replicates is within 4 standard errors of 0.
    expect(Math.abs(mean(same))).toBeLessThan((4 * std(same)) / Math.sqrt(reps));
    // A one-sd shift moves MMD² far outside the null spread.
    expect(mean(shifted)).toBeGreaterThan(mean(same) + 10 * std(same));
  });

  it('rejects samples with fewer than 2 values and a non-positive bandwidth', () => {
    expect(() => mmdRbf([1], [1, 2])).toThrow(RangeError);
    expect(() => mmdRbf([1, 2], [1, 2], { bandwidth: 0 })).toThrow(RangeError);
    expect(() => mmdRbf([1, 1], [1, 1])).toThrow(RangeError); // median distance 0
  });
});

describe('mmdPermutationTest', () => {
  it('reports the same statistic as mmdRbf and is deterministic for a seed', () => {
    const rng = Rng.fromSeed('perm-data');
    const x = rng.fillNormal(new Float64Array(40));
    const y = rng.fillNormal(new Float64Array(50));
    const t = mmdPermutationTest(Rng.fromSeed(1), x, y, { permutations: 99 });
    expect(t.mmd2).toBeCloseTo(mmdRbf(x, y).mmd2, 13);
    expect(t.permutations).toBe(99);
    expect(mmdPermutationTest(Rng.fromSeed(1), x, y, { permutations: 99 })).toEqual(t);
  });

  it('p-values are roughly uniform under H₀ and minimal for a clear shift', () => {
    const rng = Rng.fromSeed('perm-null');
    const reps = 60;
    let small = 0;
    const x = new Float64Array(40);
    const y = new Float64Array(40);
    for (let r = 0; r < reps; r++) {
      rng.fillNormal(x);
      rng.fillNormal(y);
      if (mmdPermutationTest(rng.fork(`perm-${r}`), x, y, { permutations: 49 }).pvalue <= 0.1) small++;
    }
    // P(p ≤ 0.1) = 0.1 under H₀: Binomial(60, 0.1) has sd 2.3; accept within 4 sd.
    expect(Math.abs(small - 6)).toBeLessThan(4 * Math.sqrt(reps * 0.1 * 0.9));
    rng.fillNormal(x);
    rng.fillNormal(y, 1.5);
    expect(mmdPermutationTest(rng, x, y, { permutations: 99 }).pvalue).toBe(1 / 100);
  });

  it('rejects invalid permutation counts and oversized samples', () => {
    expect(() => mmdPermutationTest(Rng.fromSeed(1), [1, 2], [3, 4], { permutations: 0 })).toThrow(RangeError);
    expect(() => mmdPermutationTest(Rng.fromSeed(1), new Float64Array(3000), new Float64Array(1001))).toThrow(RangeError);
  });
});
