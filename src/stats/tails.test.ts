import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { logReturns } from '../data/bars.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { hill, leverageCorrelation } from './tails.js';

describe('hill', () => {
  it('matches the formula on a hand-built sample', () => {
    // 20 returns; losses 8, 4, 2, 1 are the largest. fraction 0.15 → k = 3, threshold x(4) = 1,
    // ξ = (ln 8 + ln 4 + ln 2)/3 = 2 ln 2.
    const r = [-8, -4, -2, -1, ...Array.from({ length: 16 }, (_, i) => 0.01 * (i + 1))];
    const h = hill(r, { tail: 'loss', fraction: 0.15 });
    expect(h.k).toBe(3);
    expect(h.threshold).toBe(1);
    expect(h.xi).toBeCloseTo(2 * Math.LN2, 15);
    expect(h.alpha).toBeCloseTo(1 / (2 * Math.LN2), 15);
    // The gain tail of −r is the loss tail of r; the abs tail sees both.
    expect(hill(r.map((v) => -v), { tail: 'gain', fraction: 0.15 })).toEqual(h);
    expect(hill(r, { tail: 'abs', fraction: 0.15 })).toEqual(h);
  });

  it('recovers the exponent of a Pareto tail within 4 standard errors α/√k', () => {
    const rng = Rng.fromSeed('pareto');
    const alpha = 3;
    const n = 20_000;
    const x = new Float64Array(n).map(() => (1 - rng.uniform()) ** (-1 / alpha)); // P(X > x) = x^−3, x ≥ 1
    const h = hill(x, { tail: 'gain', fraction: 0.05 });
    expect(h.k).toBe(1000);
    expect(Math.abs(h.alpha - alpha)).toBeLessThan((4 * alpha) / Math.sqrt(h.k));
  });

  it('rejects a bad fraction or a non-positive threshold', () => {
    const r = [0.01, 0.02, -0.01, 0.03, 0.02, 0.01, 0.04, 0.05, 0.02, 0.01];
    expect(() => hill(r, { fraction: 0 })).toThrow(RangeError);
    expect(() => hill(r, { fraction: 1 })).toThrow(RangeError);
    expect(() => hill(r, { fraction: 0.05 })).toThrow(RangeError); // k = 0
    expect(() => hill(r, { tail: 'loss', fraction: 0.2 })).toThrow(RangeError); // only one loss
  });
});

describe('leverageCorrelation', () => {
  it('equals the Pearson correlation of r_t and r²_(t+k) over the overlapping pairs', () => {
    const r = Rng.fromSeed('lev').fillNormal(new Float64Array(50));
    const k = 3;
    const a = Array.from(r.subarray(0, 50 - k));
    const b = Array.from(r.subarray(k), (v) => v * v);
    const ma = a.reduce((s, v) => s + v, 0) / a.length;
    const mb = b.reduce((s, v) => s + v, 0) / b.length;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    expect(leverageCorrelation(r, 5)[k - 1]).toBeCloseTo(sab / Math.sqrt(saa * sbb), 14);
  });

  it('is near 0 for iid noise and negative for an asymmetric (GJR) volatility model', () => {
    const rng = Rng.fromSeed('gjr');
    const n = 50_000;
    const iid = rng.fillNormal(new Float64Array(n));
    // r²'s heavy tails inflate the sampling sd above 1/√n; 6/√n is still a tight band.
    for (const c of leverageCorrelation(iid, 3)) expect(Math.abs(c)).toBeLessThan(6 / Math.sqrt(n));
    // GJR-GARCH: σ²_t = ω + (α + γ·1[r_(t−1) < 0])·r²_(t−1) + β·σ²_(t−1), so falls raise volatility.
    const r = new Float64Array(n);
    let s2 = 1;
    for (let t = 0; t < n; t++) {
      r[t] = Math.sqrt(s2) * rng.normal();
      s2 = 0.05 + (0.02 + (r[t] < 0 ? 0.15 : 0)) * r[t] * r[t] + 0.85 * s2;
    }
    const lev = leverageCorrelation(r, 5);
    for (const c of lev) expect(c).toBeLessThan(-4 / Math.sqrt(n));
  });

  it('is negative for the S&P 500 at lags 1 to 5 (the leverage effect)', () => {
    const lev = leverageCorrelation(logReturns(loadBuiltinSp500()), 5);
    for (const c of lev) expect(c).toBeLessThan(-0.05);
  });

  it('rejects lags outside [1, n − 2]', () => {
    expect(() => leverageCorrelation([1, 2, 3, 4], 0)).toThrow(RangeError);
    expect(() => leverageCorrelation([1, 2, 3, 4], 3)).toThrow(RangeError);
  });
});
