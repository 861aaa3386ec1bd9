import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { autocorrelation, excessKurtosis, mean, quantile, quantiles, skewness, std, variance } from './descriptive.js';

describe('mean, variance, std', () => {
  it('match hand-computed values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 15); // Σd² = 5, n − 1 = 3
    expect(variance([1, 2, 3, 4], 0)).toBe(1.25);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9], 0)).toBe(2);
    expect(variance(new Float64Array([2, 7, 1, 8, 2, 8, 1, 8]))).toBeCloseTo(11.410714285714286, 13);
  });

  it('are exact for constants and stable under a large offset', () => {
    expect(variance([3, 3, 3, 3])).toBe(0);
    const x = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]; // variance of [4, 7, 13, 16] is 30
    expect(variance(x)).toBe(30);
  });

  it('compensated summation keeps the mean of many small values exact', () => {
    const x = new Float64Array(1_000_001).fill(0.1);
    x[0] = 1e8;
    expect(mean(x) * x.length).toBeCloseTo(1e8 + 100_000, 6);
  });

  it('satisfy var(a + b·x) = b²·var(x) and var₀ = var₁·(n − 1)/n', () => {
    const rng = Rng.fromSeed('affine');
    const x = rng.fillNormal(new Float64Array(1000));
    const y = x.map((v) => 5 - 3 * v);
    expect(variance(y)).toBeCloseTo(9 * variance(x), 12);
    expect(variance(x, 0)).toBeCloseTo((variance(x, 1) * 999) / 1000, 15);
  });

  it('give NaN when there are too few values', () => {
    expect(mean([])).toBeNaN();
    expect(variance([1])).toBeNaN();
    expect(variance([1], 0)).toBe(0);
    expect(std([])).toBeNaN();
  });
});

describe('skewness and excessKurtosis (scipy skew/kurtosis)', () => {
  it('match hand-computed moment ratios', () => {
    // x = [1, 2, 10]: mean 13/3, deviations −10/3, −7/3, 17/3, so with denominator n = 3
    // m2 = 438/27, m3 = 3570/81, m4 = 95922/243; g1 = m3/m2^1.5, g2 = m4/m2² − 3 = −1.5.
    const m2 = 438 / 27;
    const m3 = 3570 / 81;
    const m4 = 95922 / 243;
    expect(skewness([1, 2, 10])).toBeCloseTo(m3 / m2 ** 1.5, 14); // scipy.stats.skew: 0.6745554845457661
    expect(excessKurtosis([1, 2, 10])).toBeCloseTo(m4 / m2 ** 2 - 3, 14);
    expect(excessKurtosis([1, 2, 10])).toBeCloseTo(-1.5, 14);
    expect(skewness([1, 2, 3, 4])).toBeCloseTo(0, 15);
    expect(excessKurtosis([1, 2, 3, 4])).toBeCloseTo(-1.36, 14); // m4/m2² = 2.5625/1.5625
  });

  it('are affine-invariant up to the sign of the scale', () => {
    const rng = Rng.fromSeed('moments');
    const x = new Float64Array(500).map(() => Math.exp(rng.normal()));
    const y = x.map((v) => 2 - 7 * v);
    expect(skewness(y)).toBeCloseTo(-skewness(x), 12);
    expect(excessKurtosis(y)).toBeCloseTo(excessKurtosis(x), 11);
  });

  it('are near 0 for Gaussian samples, within 4 standard errors sqrt(6/n) and sqrt(24/n)', () => {
    const n = 100_000;
    const x = Rng.fromSeed('gauss').fillNormal(new Float64Array(n));
    expect(Math.abs(skewness(x))).toBeLessThan(4 * Math.sqrt(6 / n));
    expect(Math.abs(excessKurtosis(x))).toBeLessThan(4 * Math.sqrt(24 / n));
  });

  it('with bias: false give the small-sample G1 and G2 (scipy bias=False)', () => {
    // G1 = g1·√(n(n−1))/(n−2); G2 = [(n²−1)·m4/m2² − 3(n−1)²]/((n−2)(n−3)). Values from scipy 1.10.
    expect(skewness([1, 2, 10], { bias: false })).toBeCloseTo(1.6523167403329908, 14);
    expect(skewness([1, 2, 10, 3, 7], { bias: false })).toBeCloseTo(0.793328828021918, 14);
    expect(excessKurtosis([1, 2, 3, 4], { bias: false })).toBeCloseTo(-1.2, 14);
    expect(excessKurtosis([1, 2, 10, 3, 7], { bias: false })).toBeCloseTo(-1.2533620225927926, 14);
    expect(skewness([1, 2, 10], { bias: true })).toBe(skewness([1, 2, 10]));
    // Too few values for the correction: scipy returns the biased value.
    expect(excessKurtosis([1, 2, 10], { bias: false })).toBe(excessKurtosis([1, 2, 10]));
    expect(skewness([1, 5], { bias: false })).toBe(0);
    expect(skewness([3, 3, 3, 3], { bias: false })).toBeNaN();
  });

  it('give NaN for constant or empty input', () => {
    expect(skewness([2, 2, 2])).toBeNaN();
    expect(excessKurtosis([2, 2, 2])).toBeNaN();
    expect(skewness([])).toBeNaN();
  });
});

describe('autocorrelation (statsmodels acf, adjusted=False)', () => {
  it('matches hand-computed values', () => {
    // [1..5]: deviations −2, −1, 0, 1, 2; Σd² = 10; lag 1: 2 + 0 + 0 + 2 = 4; lag 2: 0 − 1 + 0 = −1.
    expect(autocorrelation([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(autocorrelation([1, 2, 3, 4, 5], 1)).toBeCloseTo(0.4, 15);
    expect(autocorrelation([1, 2, 3, 4, 5], 2)).toBeCloseTo(-0.1, 15);
    expect(autocorrelation([1, -1, 1, -1], 1)).toBeCloseTo(-0.75, 15); // −3 / 4
    expect(autocorrelation([1, 2, 3], 3)).toBe(0);
    // Cross-checked against the same estimator in numpy for [2, 7, 1, 8, 2, 8, 1, 8].
    const y = [2, 7, 1, 8, 2, 8, 1, 8];
    expect(autocorrelation(y, 1)).toBeCloseTo(-0.8671752738654147, 14);
    expect(autocorrelation(y, 2)).toBeCloseTo(0.7429577464788732, 14);
  });

  it('of iid noise lies within 4/sqrt(n) of 0 (Bartlett)', () => {
    const n = 50_000;
    const x = Rng.fromSeed('acf').fillNormal(new Float64Array(n));
    for (const lag of [1, 2, 5]) expect(Math.abs(autocorrelation(x, lag))).toBeLessThan(4 / Math.sqrt(n));
  });

  it('of an AR(1) with coefficient φ is φ^lag within 4 standard errors', () => {
    // Bartlett's formula for an AR(1): n·Var(r_k) ≈ (1 + φ²)(1 − φ^(2k))/(1 − φ²) − 2k·φ^(2k),
    // i.e. 1 − φ² at lag 1 and (1 + φ²)² − 4φ⁴ at lag 2. The estimator's O(k/n) bias is far inside the band.
    const n = 100_000;
    const phi = 0.6;
    const rng = Rng.fromSeed('ar1');
    const x = new Float64Array(n);
    for (let t = 1; t < n; t++) x[t] = phi * x[t - 1] + rng.normal();
    const se = (k: number): number =>
      Math.sqrt(((1 + phi ** 2) * (1 - phi ** (2 * k))) / (1 - phi ** 2) / n - (2 * k * phi ** (2 * k)) / n);
    expect(se(1)).toBeCloseTo(Math.sqrt((1 - phi ** 2) / n), 12);
    for (const k of [1, 2, 3]) expect(Math.abs(autocorrelation(x, k) - phi ** k)).toBeLessThan(4 * se(k));
  });

  it('rejects a negative or fractional lag and gives NaN for constant input', () => {
    expect(() => autocorrelation([1, 2, 3], -1)).toThrow(RangeError);
    expect(() => autocorrelation([1, 2, 3], 1.5)).toThrow(RangeError);
    expect(autocorrelation([4, 4, 4], 1)).toBeNaN();
  });
});

describe('quantile (numpy linear)', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75); // h = 3·0.25 = 0.75 → 1 + 0.75·(2 − 1)
    expect(Array.from(quantiles([3, 1, 2, 10, 7], [0, 0.1, 0.5, 0.9, 1]))).toEqual([1, 1.4, 3, 8.8, 10]);
    expect(quantile([5], 0.3)).toBe(5);
  });

  it('leaves the input unsorted', () => {
    const x = new Float64Array([3, 1, 2]);
    quantile(x, 0.5);
    expect(Array.from(x)).toEqual([3, 1, 2]);
  });

  it('gives NaN for empty input and rejects q outside [0, 1] or NaN data', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(RangeError);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(RangeError);
  });
});
