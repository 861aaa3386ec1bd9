import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic for equal seeds and differs across seeds', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    const c = Rng.fromSeed(43);
    const xa = Array.from({ length: 100 }, () => a.uniform());
    const xb = Array.from({ length: 100 }, () => b.uniform());
    const xc = Array.from({ length: 100 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('forks by name: independent of the parent position, equal for equal labels', () => {
    const parent = Rng.fromSeed(7);
    const before = parent.fork('env').normal();
    for (let i = 0; i < 1000; i++) parent.normal();
    const after = parent.fork('env').normal();
    expect(after).toBe(before);
    expect(parent.fork('env').uniform()).not.toBe(parent.fork('agent').uniform());
    expect(parent.fork('env').fork('0').key).toBe('7/env/0');
  });

  it('fork streams are uncorrelated (|corr| within 5 / sqrt(n))', () => {
    const n = 100_000;
    const a = Rng.fromSeed(1).fork('a');
    const b = Rng.fromSeed(1).fork('b');
    let sab = 0;
    for (let i = 0; i < n; i++) sab += a.normal() * b.normal();
    // For independent N(0,1) pairs the sample mean of products has sd 1/sqrt(n).
    expect(Math.abs(sab / n)).toBeLessThan(5 / Math.sqrt(n));
  });

  it('restores exactly from state()', () => {
    const r = Rng.fromSeed('state');
    for (let i = 0; i < 17; i++) r.normal();
    const snapshot = JSON.parse(JSON.stringify(r.state()));
    const restored = Rng.fromState(snapshot);
    const x = Array.from({ length: 50 }, () => r.normal());
    const y = Array.from({ length: 50 }, () => restored.normal());
    expect(y).toEqual(x);
  });

  it('uniform() lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = Rng.fromSeed(3);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    const m = s / n;
    // sd of the mean = sqrt(1/12 / n); 5-sigma band
    expect(Math.abs(m - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - m * m - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal() has the moments and tail mass of N(0, 1)', () => {
    const r = Rng.fromSeed(11);
    const n = 400_000;
    let s = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let beyond3 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      s3 += z * z * z;
      s4 += z * z * z * z;
      if (Math.abs(z) > 3) beyond3++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // Standard errors: mean 1/sqrt(n), variance sqrt(2/n), skew sqrt(6/n), kurtosis sqrt(24/n); 5-sigma bands.
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s3 / n)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // P(|Z| > 3) = 0.0026998; binomial sd sqrt(p(1-p)/n)
    const p = 0.0026998;
    expect(Math.abs(beyond3 / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('normal() matches the N(0,1) CDF (Kolmogorov-Smirnov, alpha = 0.001)', () => {
    const r = Rng.fromSeed(5);
    const n = 20_000;
    const z = Float64Array.from({ length: n }, () => r.normal()).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(z[i]);
      d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
    }
    // Asymptotic critical value for alpha = 0.001 is 1.949 / sqrt(n).
    expect(d).toBeLessThan(1.949 / Math.sqrt(n));
  });

  it('int(n) is unbiased and in range, including large n', () => {
    const r = Rng.fromSeed(9);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(5 * Math.sqrt((n * (1 / 6) * (5 / 6))));
    for (let i = 0; i < 1000; i++) {
      const big = r.int(3_000_000_019);
      expect(Number.isInteger(big) && big >= 0 && big < 3_000_000_019).toBe(true);
    }
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(1.5)).toThrow(RangeError);
  });

  it('permutation() is a permutation and uniform over positions', () => {
    const r = Rng.fromSeed(13);
    const p = r.permutation(10);
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const firstIsZero = Array.from({ length: 20_000 }, () => r.permutation(4)[0] === 0).filter(Boolean).length;
    expect(Math.abs(firstIsZero / 20_000 - 0.25)).toBeLessThan(5 * Math.sqrt(0.25 * 0.75 / 20_000));
  });
});

/** Φ(x) via the complementary error function (Abramowitz-Stegun 7.1.26 is too coarse; use erfc series). */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes erfcc, relative error < 1.2e-7 everywhere.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
