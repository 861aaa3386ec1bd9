import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { adf } from './adf.js';
import type { AdfResult } from './adf.js';
import { mackinnonCrit, mackinnonP } from './mackinnon.js';

// Reference values: statsmodels 0.13.5 adfuller(x, regression='c', autolag='AIC') on returns and log prices.
const REFERENCE = new URL('../../../shared/peers/reference_stats.json', import.meta.url);
const FIXTURES = new URL('../../../shared/peers/fixtures/', import.meta.url);
const hasReference = existsSync(REFERENCE);
const referenceTitle = hasReference
  ? 'adf against statsmodels reference values'
  : 'adf against statsmodels reference values (skipped: ../shared/peers/reference_stats.json is not present)';

interface AdfReference {
  stat: number;
  pvalue: number;
  usedlag: number;
  nobs: number;
  crit: { '1%': number; '5%': number; '10%': number };
  icbest: number;
}

/** Relative error |a − b|/|b|; a reference p-value of 0.0 only requires a value below 1e-300. */
function expectRel(actual: number, expected: number, tol = 1e-6): void {
  if (expected === 0) {
    expect(actual).toBeGreaterThanOrEqual(0);
    expect(actual).toBeLessThan(1e-300);
    return;
  }
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tol);
}

function expectMatches(r: AdfResult, ref: AdfReference): void {
  expect(r.usedLag).toBe(ref.usedlag);
  expect(r.nobs).toBe(ref.nobs);
  expectRel(r.stat, ref.stat);
  expectRel(r.pvalue, ref.pvalue);
  expectRel(r.crit['1%'], ref.crit['1%']);
  expectRel(r.crit['5%'], ref.crit['5%']);
  expectRel(r.crit['10%'], ref.crit['10%']);
  expectRel(r.icBest ?? NaN, ref.icbest);
}

/** A fixture's prices and its `log_return` column (the first row has no return). */
function loadFixture(name: string): { price: Float64Array; logReturn: Float64Array } {
  const rows = readFileSync(new URL(`${name}.csv`, FIXTURES), 'utf8').trim().split('\n').slice(1);
  const cells = rows.map((line) => line.split(','));
  return {
    price: Float64Array.from(cells, (c) => Number(c[1])),
    logReturn: Float64Array.from(cells.slice(1), (c) => Number(c[2])),
  };
}

function logDiff(price: Float64Array): Float64Array {
  return Float64Array.from({ length: price.length - 1 }, (_, i) => Math.log(price[i + 1]) - Math.log(price[i]));
}

describe.skipIf(!hasReference)(referenceTitle, () => {
  const series = hasReference
    ? (JSON.parse(readFileSync(REFERENCE, 'utf8')).series as Record<string, { adf: AdfReference; adf_log_price?: AdfReference }>)
    : {};

  it('S&P 500 log returns and log prices', () => {
    const close = loadBuiltinSp500().close;
    expectMatches(adf(logDiff(close), { regression: 'c', autolag: 'AIC' }), series.sp500.adf);
    const logPrice = series.sp500.adf_log_price;
    if (logPrice) expectMatches(adf(Float64Array.from(close, Math.log), { regression: 'c', autolag: 'AIC' }), logPrice);
  });

  it.each(['sim_iid_normal', 'sim_garch11', 'sim_t_ar1'])('fixture %s: log returns and log prices', (name) => {
    const { price, logReturn } = loadFixture(name);
    expectMatches(adf(logReturn, { regression: 'c', autolag: 'AIC' }), series[name].adf);
    // The reference used the log_return column; differences of ln(price) agree to rounding.
    expectMatches(adf(logDiff(price), { regression: 'c', autolag: 'AIC' }), series[name].adf);
    const logPrice = series[name].adf_log_price;
    if (logPrice) expectMatches(adf(Float64Array.from(price, Math.log), { regression: 'c', autolag: 'AIC' }), logPrice);
  });
});

/** x_t = φ·x_{t−1} + ε_t, ε ~ N(0, 1), x_0 = 0. */
function ar1(rng: Rng, n: number, phi: number): Float64Array {
  const x = new Float64Array(n);
  for (let t = 1; t < n; t++) x[t] = phi * x[t - 1] + rng.normal();
  return x;
}

describe('adf behaviour', () => {
  it('does not reject a unit root in a random walk, and rejects it for a stationary AR(1)', () => {
    const rng = Rng.fromSeed('adf-power');
    for (const regression of ['c', 'ct', 'n'] as const) {
      const walk = adf(ar1(rng.fork(`walk-${regression}`), 1000, 1), { regression, autolag: 'AIC' });
      expect(walk.pvalue).toBeGreaterThan(0.05);
      expect(walk.stat).toBeGreaterThan(walk.crit['5%']);
      const stationary = adf(ar1(rng.fork(`ar-${regression}`), 1000, 0.9), { regression, autolag: 'AIC' });
      expect(stationary.pvalue).toBeLessThan(0.01);
      expect(stationary.stat).toBeLessThan(stationary.crit['1%']);
    }
  });

  it('refits the selected lag on the largest sample: autolag equals a fixed lag of the same order', () => {
    const x = ar1(Rng.fromSeed('adf-refit'), 600, 0.95);
    for (const autolag of ['AIC', 'BIC', 't-stat'] as const) {
      const auto = adf(x, { regression: 'c', autolag });
      const fixed = adf(x, { regression: 'c', autolag: null, maxlag: auto.usedLag });
      expect(fixed.stat).toBeCloseTo(auto.stat, 12);
      expect(fixed.nobs).toBe(auto.nobs);
      expect(fixed.nobs).toBe(x.length - 1 - auto.usedLag);
      expect(fixed.icBest).toBeNull();
    }
  });

  it('uses maxlag = min(⌈12·(n/100)^¼⌉, ⌊n/2⌋ − ntrend − 1) and validates it', () => {
    const x = ar1(Rng.fromSeed('adf-maxlag'), 5105, 0.5);
    expect(adf(x, { autolag: null }).usedLag).toBe(33); // ⌈12·51.05^¼⌉ = ⌈32.08⌉
    expect(adf(x.subarray(0, 20), { regression: 'ct', autolag: null }).usedLag).toBe(7); // ⌊20/2⌋ − 2 − 1
    expect(() => adf(x.subarray(0, 20), { regression: 'c', maxlag: 9 })).toThrow(RangeError);
    expect(() => adf(new Float64Array(50).fill(3))).toThrow(RangeError);
  });
});

describe('MacKinnon tables', () => {
  it('reproduce the published asymptotic critical values and the p-value cut-offs', () => {
    expect(mackinnonCrit('c')).toEqual({ '1%': -3.43035, '5%': -2.86154, '10%': -2.56677 });
    expect(mackinnonCrit('ct', Infinity)['5%']).toBe(-3.41049);
    expect(mackinnonP(3, 'c')).toBe(1); // above tau_max
    expect(mackinnonP(-19, 'c')).toBe(0); // below tau_min
    expect(mackinnonP(-20, 'n')).toBe(0);
    expect(mackinnonP(5, 'n')).toBeLessThan(1); // tau_max is +∞ for N = 1 without constant
  });

  it('give p ≈ level at the critical values (the two response surfaces are consistent)', () => {
    for (const regression of ['n', 'c', 'ct', 'ctt'] as const) {
      const crit = mackinnonCrit(regression);
      expect(mackinnonP(crit['1%'], regression)).toBeCloseTo(0.01, 2);
      expect(mackinnonP(crit['5%'], regression)).toBeCloseTo(0.05, 2);
      expect(mackinnonP(crit['10%'], regression)).toBeCloseTo(0.1, 2);
    }
  });
});
