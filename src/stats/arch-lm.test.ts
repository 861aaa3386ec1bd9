import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { archLm } from './arch-lm.js';
import { mean } from './descriptive.js';

// Reference values: statsmodels 0.13.5 het_arch(r - mean(r), nlags=12, ddof=0) on log returns.
const REFERENCE = new URL('../../../shared/peers/reference_stats.json', import.meta.url);
const FIXTURES = new URL('../../../shared/peers/fixtures/', import.meta.url);
const hasReference = existsSync(REFERENCE);
const referenceTitle = hasReference
  ? 'archLm against statsmodels reference values'
  : 'archLm against statsmodels reference values (skipped: ../shared/peers/reference_stats.json is not present)';

interface ArchReference {
  lm: number;
  lm_pvalue: number;
  f: number;
  f_pvalue: number;
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

function demeaned(r: Float64Array): Float64Array {
  const m = mean(r);
  return r.map((v) => v - m);
}

function expectMatches(r: Float64Array, ref: ArchReference): void {
  const res = archLm(demeaned(r), 12, { ddof: 0 });
  expectRel(res.lm, ref.lm);
  expectRel(res.lmPvalue, ref.lm_pvalue);
  expectRel(res.f, ref.f);
  expectRel(res.fPvalue, ref.f_pvalue);
}

describe.skipIf(!hasReference)(referenceTitle, () => {
  const series = hasReference
    ? (JSON.parse(readFileSync(REFERENCE, 'utf8')).series as Record<string, { arch_lm_12: ArchReference }>)
    : {};

  it('S&P 500 log returns', () => {
    const close = loadBuiltinSp500().close;
    const r = Float64Array.from({ length: close.length - 1 }, (_, i) => Math.log(close[i + 1]) - Math.log(close[i]));
    expectMatches(r, series.sp500.arch_lm_12);
  });

  it.each(['sim_iid_normal', 'sim_garch11', 'sim_t_ar1'])('fixture %s (log_return column)', (name) => {
    const rows = readFileSync(new URL(`${name}.csv`, FIXTURES), 'utf8').trim().split('\n').slice(2);
    expectMatches(Float64Array.from(rows, (line) => Number(line.split(',')[2])), series[name].arch_lm_12);
  });
});

/** GARCH(1,1) returns: σ²_t = ω + α·e²_{t−1} + β·σ²_{t−1}, e_t = σ_t·z_t, started at the stationary variance. */
function garch11(rng: Rng, n: number, omega: number, alpha: number, beta: number): Float64Array {
  const e = new Float64Array(n);
  let s2 = omega / (1 - alpha - beta);
  let prev = 0;
  for (let t = 0; t < n; t++) {
    s2 = t === 0 ? s2 : omega + alpha * prev * prev + beta * s2;
    prev = Math.sqrt(s2) * rng.normal();
    e[t] = prev;
  }
  return e;
}

describe('archLm behaviour', () => {
  it('does not reject for iid normals and rejects for a GARCH(1,1)', () => {
    const rng = Rng.fromSeed('arch-lm');
    const z = new Float64Array(2000);
    rng.fork('iid').fillNormal(z);
    const iid = archLm(demeaned(z), 12);
    expect(iid.lmPvalue).toBeGreaterThan(0.01);
    expect(iid.fPvalue).toBeGreaterThan(0.01);
    const garch = archLm(demeaned(garch11(rng.fork('garch'), 2000, 1e-6, 0.1, 0.85)), 12);
    expect(garch.lmPvalue).toBeLessThan(1e-6);
    expect(garch.fPvalue).toBeLessThan(1e-6);
  });

  it('relates LM, F and ddof through the same R²', () => {
    const e = demeaned(garch11(Rng.fromSeed('arch-lm-identities'), 800, 1e-6, 0.15, 0.8));
    const base = archLm(e, 5);
    expect(base.nobs).toBe(795);
    expect(base.dfResid).toBe(795 - 6);
    const r2 = base.lm / base.nobs;
    expect(base.f).toBeCloseTo(r2 / 5 / ((1 - r2) / base.dfResid), 9);
    expect(archLm(e, 5, { ddof: 3 }).lm).toBeCloseTo((base.lm * (base.nobs - 3)) / base.nobs, 10);
  });

  it('validates its arguments', () => {
    expect(() => archLm([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => archLm([1, 2, 3, 4, 5], 2)).toThrow(RangeError);
  });
});
