/**
 * Every statistic in src/stats against the scipy 1.10 / statsmodels 0.13.5 values in
 * ../shared/peers/reference_stats.json (S&P 500 log returns and three simulated fixtures), to relative
 * error 1e−6. The reference file records its exact conventions under `conventions`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinPath, loadBuiltinSp500 } from '../data/builtin.js';
import { autocorrelation, excessKurtosis, mean, skewness, std } from './descriptive.js';
import { ljungBox } from './ljung-box.js';
import { jarqueBera, ksNormal } from './normality.js';
import type { TailSide } from './tails.js';
import { hill } from './tails.js';

const PEERS = fileURLToPath(new URL('../../../shared/peers/', import.meta.url));
const REFERENCE = `${PEERS}reference_stats.json`;
const TOL = 1e-6;

interface LjungBoxRef {
  lag10: { Q: number; pvalue: number };
  lag20: { Q: number; pvalue: number };
}
interface SeriesRef {
  source: string;
  sha256: string;
  n_returns: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  sum: number;
  skew: number;
  skew_unbiased: number;
  excess_kurtosis: number;
  excess_kurtosis_unbiased: number;
  ljung_box_returns: LjungBoxRef;
  ljung_box_squared_returns: LjungBoxRef;
  jarque_bera: { stat: number; pvalue: number };
  ks_normal_standardized: { stat: number; pvalue: number; pvalue_asymp: number };
  hill_top5pct: Record<TailSide, { k: number; threshold: number; xi: number; alpha: number }>;
  acf_returns_lags_1_20: number[];
  acf_abs_returns_lags_1_20: number[];
}

/**
 * Asserts |actual − expected| ≤ tol·|expected|. An expected value of exactly 0 is a p-value that underflowed
 * in the reference, so the actual value must be below 1e−300 (or 0).
 */
function expectRel(actual: number, expected: number, tol: number, label: string): void {
  if (expected === 0) {
    expect(actual >= 0 && actual < 1e-300, `${label}: ${actual} should underflow like the reference 0`).toBe(true);
    return;
  }
  const err = Math.abs(actual - expected) / Math.abs(expected);
  expect(err, `${label}: got ${actual}, reference ${expected}, relative error ${err.toExponential(2)}`).toBeLessThanOrEqual(tol);
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let cache: Record<string, SeriesRef> | undefined;
const reference = (): Record<string, SeriesRef> => (cache ??= JSON.parse(readFileSync(REFERENCE, 'utf8')).series);

/** r_t = ln P_t − ln P_(t−1), the reference's convention (a difference of logs, not the log of a ratio). */
function logDiff(prices: Float64Array): Float64Array {
  const r = new Float64Array(prices.length - 1);
  for (let t = 1; t < prices.length; t++) r[t - 1] = Math.log(prices[t]) - Math.log(prices[t - 1]);
  return r;
}

/** The returns of a reference series: S&P 500 closes from the built-in file, or a fixture's log_return column. */
function loadReturns(name: string): { returns: Float64Array; file: string } {
  if (name === 'sp500') return { returns: logDiff(loadBuiltinSp500().close), file: builtinPath('sp500') };
  const file = `${PEERS}fixtures/${name}.csv`;
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const col = lines[0].split(',').indexOf('log_return');
  const values = lines.slice(2).map((line) => Number(line.split(',')[col])); // row 1 (t = 0) has no return
  return { returns: Float64Array.from(values), file };
}

const SERIES = ['sp500', 'sim_iid_normal', 'sim_garch11', 'sim_t_ar1'];

describe.skipIf(!existsSync(REFERENCE))('reference statistics from scipy/statsmodels (needs ../shared/peers)', () => {
  describe.each(SERIES)('%s', (name) => {
    const data = (): { r: Float64Array; ref: SeriesRef } => {
      const ref = reference()[name];
      const { returns } = loadReturns(name);
      return { r: returns, ref };
    };

    it('uses the same input data (sha256 of the source file, number of returns)', () => {
      const { file } = loadReturns(name);
      const { r, ref } = data();
      expect(sha256(file)).toBe(ref.sha256);
      expect(r.length).toBe(ref.n_returns);
    });

    it('mean, std (ddof 1), min, max, sum', () => {
      const { r, ref } = data();
      expectRel(mean(r), ref.mean, TOL, 'mean');
      expectRel(std(r), ref.std, TOL, 'std');
      expectRel(Math.min(...r), ref.min, TOL, 'min');
      expectRel(Math.max(...r), ref.max, TOL, 'max');
      expectRel(mean(r) * r.length, ref.sum, TOL, 'sum');
    });

    it('skewness and excess kurtosis, biased and unbiased', () => {
      const { r, ref } = data();
      expectRel(skewness(r), ref.skew, TOL, 'skew');
      expectRel(skewness(r, { bias: false }), ref.skew_unbiased, TOL, 'skew_unbiased');
      expectRel(excessKurtosis(r), ref.excess_kurtosis, TOL, 'excess_kurtosis');
      expectRel(excessKurtosis(r, { bias: false }), ref.excess_kurtosis_unbiased, TOL, 'excess_kurtosis_unbiased');
    });

    it('Ljung-Box on r and r² at lags 10 and 20', () => {
      const { r, ref } = data();
      const r2 = r.map((v) => v * v);
      for (const [x, want, label] of [
        [r, ref.ljung_box_returns, 'r'],
        [r2, ref.ljung_box_squared_returns, 'r²'],
      ] as const) {
        const [q10, q20] = ljungBox(x, [10, 20]);
        expectRel(q10.q, want.lag10.Q, TOL, `Q10(${label})`);
        expectRel(q10.pvalue, want.lag10.pvalue, TOL, `p10(${label})`);
        expectRel(q20.q, want.lag20.Q, TOL, `Q20(${label})`);
        expectRel(q20.pvalue, want.lag20.pvalue, TOL, `p20(${label})`);
      }
    });

    it('Jarque-Bera', () => {
      const { r, ref } = data();
      const jb = jarqueBera(r);
      expectRel(jb.stat, ref.jarque_bera.stat, TOL, 'JB');
      expectRel(jb.pvalue, ref.jarque_bera.pvalue, TOL, 'JB p-value');
    });

    it('Kolmogorov-Smirnov on the standardised returns (exact and asymptotic p-values)', () => {
      const { r, ref } = data();
      const ks = ksNormal(r);
      expectRel(ks.stat, ref.ks_normal_standardized.stat, TOL, 'KS D');
      expectRel(ks.pvalue, ref.ks_normal_standardized.pvalue, TOL, 'KS p-value');
      expectRel(ks.pvalueAsymp, ref.ks_normal_standardized.pvalue_asymp, TOL, 'KS asymptotic p-value');
    });

    it('Hill tail index of losses, gains and absolute returns (top 5%)', () => {
      const { r, ref } = data();
      for (const tail of ['loss', 'gain', 'abs'] as const) {
        const h = hill(r, { tail, fraction: 0.05 });
        const want = ref.hill_top5pct[tail];
        expect(h.k).toBe(want.k);
        expectRel(h.threshold, want.threshold, TOL, `hill ${tail} threshold`);
        expectRel(h.xi, want.xi, TOL, `hill ${tail} xi`);
        expectRel(h.alpha, want.alpha, TOL, `hill ${tail} alpha`);
      }
    });

    it('autocorrelation of r and |r| at lags 1..20', () => {
      const { r, ref } = data();
      const abs = r.map(Math.abs);
      for (let k = 1; k <= 20; k++) {
        expectRel(autocorrelation(r, k), ref.acf_returns_lags_1_20[k - 1], TOL, `acf(r, ${k})`);
        expectRel(autocorrelation(abs, k), ref.acf_abs_returns_lags_1_20[k - 1], TOL, `acf(|r|, ${k})`);
      }
    });
  });
});
