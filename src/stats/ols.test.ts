import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { ols, olsNested } from './ols.js';

/** Row-major n×k design with a constant in column 0 and N(0, 1) regressors elsewhere. */
function randomDesign(rng: Rng, n: number, k: number): Float64Array {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    x[i * k] = 1;
    for (let j = 1; j < k; j++) x[i * k + j] = rng.normal();
  }
  return x;
}

/** Solves the normal equations XᵀX·β = Xᵀy by Gauss-Jordan elimination; also returns (XᵀX)⁻¹. */
function normalEquations(y: Float64Array, x: Float64Array, k: number): { beta: number[]; inv: number[][] } {
  const n = y.length;
  const a: number[][] = [];
  for (let p = 0; p < k; p++) {
    const row = new Array<number>(2 * k + 1).fill(0);
    for (let q = 0; q < k; q++) for (let i = 0; i < n; i++) row[q] += x[i * k + p] * x[i * k + q];
    row[k + p] = 1;
    for (let i = 0; i < n; i++) row[2 * k] += x[i * k + p] * y[i];
    a.push(row);
  }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j <= 2 * k; j++) a[c][j] /= d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j <= 2 * k; j++) a[r][j] -= f * a[c][j];
    }
  }
  return { beta: a.map((row) => row[2 * k]), inv: a.map((row) => row.slice(k, 2 * k)) };
}

describe('ols', () => {
  it('matches a regression computed by hand', () => {
    // y on [1, t], t = 0..3: x̄ = 1.5, ȳ = 2.75, Sxy = 5.5, Sxx = 5, so slope = intercept = 1.1;
    // residuals −0.1, 0.8, −1.3, 0.6 give SSR = 2.7 against TSS = 8.75.
    const fit = ols([1, 3, 2, 5], new Float64Array([1, 0, 1, 1, 1, 2, 1, 3]), 2);
    expect(fit.params[0]).toBeCloseTo(1.1, 14);
    expect(fit.params[1]).toBeCloseTo(1.1, 14);
    [-0.1, 0.8, -1.3, 0.6].forEach((e, i) => expect(fit.residuals[i]).toBeCloseTo(e, 14));
    expect(fit.ssr).toBeCloseTo(2.7, 14);
    expect(fit.dfResid).toBe(2);
    expect(fit.dfModel).toBe(1);
    expect(fit.kConstant).toBe(1);
    expect(fit.sigma2).toBeCloseTo(1.35, 14);
    expect(fit.bse[1]).toBeCloseTo(Math.sqrt(1.35 / 5), 14); // σ²/Sxx
    expect(fit.bse[0]).toBeCloseTo(Math.sqrt(1.35 * (1 / 4 + 1.5 ** 2 / 5)), 14); // σ²(1/n + x̄²/Sxx)
    expect(fit.tvalues[1]).toBeCloseTo(1.1 / Math.sqrt(0.27), 13);
    expect(fit.tss).toBeCloseTo(8.75, 14);
    expect(fit.rsquared).toBeCloseTo(1 - 2.7 / 8.75, 14);
    expect(fit.rsquaredAdj).toBeCloseTo(1 - (3 / 2) * (2.7 / 8.75), 14);
    expect(fit.fvalue).toBeCloseTo((8.75 - 2.7) / 1.35, 13);
    const llf = -2 * (Math.log(2 * Math.PI) + Math.log(2.7 / 4) + 1);
    expect(fit.llf).toBeCloseTo(llf, 13);
    expect(fit.aic).toBeCloseTo(-2 * llf + 4, 13);
    expect(fit.bic).toBeCloseTo(-2 * llf + 2 * Math.log(4), 13);
  });

  it('recovers the coefficients of noiseless data exactly', () => {
    const rng = Rng.fromSeed('ols-exact');
    const n = 200;
    const k = 6;
    const x = randomDesign(rng, n, k);
    const beta = [0.5, -2, 3.25, 1e-3, 40, -0.75];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) y[i] += x[i * k + j] * beta[j];
    const fit = ols(y, x, k);
    beta.forEach((b, j) => expect(Math.abs(fit.params[j] - b)).toBeLessThan(1e-12 * Math.max(1, Math.abs(b))));
    expect(fit.ssr).toBeLessThan(1e-24);
    expect(fit.rsquared).toBeCloseTo(1, 14);
  });

  it('agrees with the normal equations on random data', () => {
    const rng = Rng.fromSeed('ols-normal-equations');
    const n = 500;
    const k = 5;
    const x = randomDesign(rng, n, k);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = 1 + 0.3 * x[i * k + 1] - 0.2 * x[i * k + 3] + rng.normal();
    const fit = ols(y, x, k);
    const { beta, inv } = normalEquations(y, x, k);
    for (let j = 0; j < k; j++) {
      expect(fit.params[j]).toBeCloseTo(beta[j], 12);
      expect(fit.bse[j]).toBeCloseTo(Math.sqrt(fit.sigma2 * inv[j][j]), 12);
    }
    // The residuals are orthogonal to every column, and R² = ESS/TSS with a constant.
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += x[i * k + j] * fit.residuals[i];
      expect(Math.abs(dot)).toBeLessThan(1e-10);
    }
    expect(fit.fvalue).toBeCloseTo((fit.rsquared / (k - 1)) / ((1 - fit.rsquared) / (n - k)), 10);
  });

  it('uses the uncentred R² and counts every column in dfModel without a constant', () => {
    const rng = Rng.fromSeed('ols-uncentred');
    const n = 100;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.normal();
      y[i] = 5 + 2 * x[i] + rng.normal();
    }
    const fit = ols(y, x, 1);
    let syy = 0;
    for (let i = 0; i < n; i++) syy += y[i] * y[i];
    expect(fit.kConstant).toBe(0);
    expect(fit.dfModel).toBe(1);
    expect(fit.tss).toBeCloseTo(syy, 9);
    expect(fit.rsquared).toBeCloseTo(1 - fit.ssr / syy, 14);
    expect(fit.aic).toBeCloseTo(-2 * fit.llf + 2, 12);
  });

  it('rejects a rank-deficient design and inconsistent shapes', () => {
    const collinear = new Float64Array([1, 2, 1, 1, 4, 2, 1, 6, 3, 1, 8, 4]); // column 2 = column 1 / 2
    expect(() => ols([1, 2, 3, 5], collinear, 3)).toThrow(RangeError);
    expect(() => ols([1, 2, 3], new Float64Array(4), 2)).toThrow(RangeError);
    expect(() => ols([1, 2], new Float64Array([1, 0, 1, 1]), 2)).toThrow(RangeError);
  });
});

describe('olsNested', () => {
  it('equals separate fits on each leading block of columns', () => {
    const rng = Rng.fromSeed('ols-nested');
    const n = 300;
    const k = 6;
    const x = randomDesign(rng, n, k);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = 0.2 + 0.5 * x[i * k + 2] + rng.normal();
    const nested = olsNested(y, x, k);
    for (let p = 1; p <= k; p++) {
      const sub = new Float64Array(n * p);
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sub[i * p + j] = x[i * k + j];
      const fit = ols(y, sub, p);
      expect(nested.ssr[p - 1]).toBeCloseTo(fit.ssr, 9);
      expect(nested.llf[p - 1]).toBeCloseTo(fit.llf, 9);
      expect(nested.aic[p - 1]).toBeCloseTo(fit.aic, 9);
      expect(nested.bic[p - 1]).toBeCloseTo(fit.bic, 9);
      expect(nested.lastTvalue[p - 1]).toBeCloseTo(fit.tvalues[p - 1], 10);
    }
  });
});
