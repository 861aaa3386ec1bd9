import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { fastTanh, fastTanhWithSlope } from './fast-tanh.js';

describe('fastTanh', () => {
  it('agrees with Math.tanh within the Hermite error bound over the whole line', () => {
    const rng = Rng.fromSeed(3);
    let worst = 0;
    for (let k = 0; k < 200_000; k++) {
      const x = (rng.uniform() * 2 - 1) * 25;
      worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
    }
    for (let x = -21; x <= 21; x += 1 / 512) worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
    // Cubic Hermite interpolation errs by at most h⁴/384 · max|tanh⁗| = (1/64)⁴/384 · 4.09 ≈ 6.35e-10.
    expect(worst).toBeLessThan(6.4e-10);
    expect(worst).toBeGreaterThan(0); // it is an approximation, not Math.tanh
  });

  it('is odd, exact at 0 and saturates', () => {
    expect(fastTanh(0)).toBe(0);
    expect(fastTanh(1e6)).toBe(1);
    expect(fastTanh(-1e6)).toBe(-1);
    expect(fastTanh(-Infinity)).toBe(-1);
    expect(Number.isNaN(fastTanh(NaN))).toBe(true);
    for (const x of [0.1, 0.77, 3.3]) expect(fastTanh(-x)).toBeCloseTo(-fastTanh(x), 12);
  });

  it('reports its own derivative: equal value, slope = central difference, ≈ 1 − tanh²', () => {
    const slope = new Float64Array(1);
    const rng = Rng.fromSeed(4);
    for (let k = 0; k < 2000; k++) {
      const x = (rng.uniform() * 2 - 1) * 22;
      expect(fastTanhWithSlope(x, slope, 0)).toBe(fastTanh(x));
      const h = 1e-6;
      const numeric = (fastTanh(x + h) - fastTanh(x - h)) / (2 * h);
      expect(Math.abs(slope[0] - numeric)).toBeLessThan(1e-8);
      // The interpolant's slope errs from the true one by at most h³·max|tanh⁗|·√3/216 ≈ 1.25e-7.
      expect(Math.abs(slope[0] - (1 - Math.tanh(x) ** 2))).toBeLessThan(1.3e-7);
    }
  });
});
