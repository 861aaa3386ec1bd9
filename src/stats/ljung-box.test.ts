import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { ljungBox } from './ljung-box.js';

describe('ljungBox (statsmodels acorr_ljungbox, boxpierce=False)', () => {
  it('matches the formula n(n+2)·Σρ̂ₖ²/(n−k) with the χ² p-value', () => {
    // Expected values from numpy (np.correlate ACF, denominator n) and scipy chi2.sf.
    const x = [1, 2, 10, 3, 7, -4, 0.5, 2.2];
    const [l1, l3] = ljungBox(x, [1, 3]);
    expect(l1).toMatchObject({ lag: 1, df: 1 });
    expect(l1.q).toBeCloseTo(0.13161691419715443, 14);
    expect(l1.pvalue).toBeCloseTo(0.7167614226682919, 14);
    expect(l3.q).toBeCloseTo(3.3466967911747503, 13);
    expect(l3.pvalue).toBeCloseTo(0.3411960237058366, 14);
    // model_df reduces the degrees of freedom only.
    const [adj] = ljungBox(x, [3], { modelDf: 1 });
    expect(adj.q).toBe(l3.q);
    expect(adj.df).toBe(2);
    expect(adj.pvalue).toBeCloseTo(0.18761779410777077, 14);
    expect(ljungBox(x, [1], { modelDf: 1 })[0].pvalue).toBeNaN();
  });

  it('is invariant to the level and scale of the series', () => {
    const x = Rng.fromSeed('lb-affine').fillNormal(new Float64Array(300));
    const y = x.map((v) => 4 + 0.01 * v);
    const [a] = ljungBox(x, [5]);
    const [b] = ljungBox(y, [5]);
    expect(b.q).toBeCloseTo(a.q, 10);
  });

  it('rejects iid noise at about the nominal rate and an AR(1) almost always', () => {
    // 400 iid series: the number of 5%-rejections is Binomial(400, 0.05) (sd 4.4); accept mean ± 4 sd.
    const rng = Rng.fromSeed('lb-size');
    let rejections = 0;
    const x = new Float64Array(500);
    for (let rep = 0; rep < 400; rep++) {
      rng.fillNormal(x);
      if (ljungBox(x, [10])[0].pvalue < 0.05) rejections++;
    }
    expect(Math.abs(rejections - 20)).toBeLessThan(4 * Math.sqrt(400 * 0.05 * 0.95));
    const ar = new Float64Array(500);
    for (let t = 1; t < ar.length; t++) ar[t] = 0.3 * ar[t - 1] + rng.normal();
    expect(ljungBox(ar, [10])[0].pvalue).toBeLessThan(1e-6);
  });

  it('rejects lags outside [1, n − 1] and a negative modelDf', () => {
    expect(() => ljungBox([1, 2, 3], [0])).toThrow(RangeError);
    expect(() => ljungBox([1, 2, 3], [3])).toThrow(RangeError);
    expect(() => ljungBox([1, 2, 3], [1.5])).toThrow(RangeError);
    expect(() => ljungBox([1, 2, 3], [1], { modelDf: -1 })).toThrow(RangeError);
  });
});
