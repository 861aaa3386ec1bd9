import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS, logReturns, sliceBars } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { autocorrelation, mean, std, variance } from '../src/stats/descriptive.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import { fitHestonAsset, heston, hestonConfigSchema, sampleHestonPath, sampleHestonReturns } from './heston.js';
import type { HestonAssetParams, HestonParams } from './heston.js';
import { ohlcViolation } from './ohlc.js';

/**
 * Reference parameters, per daily bar: θ = 1e-4 (1% daily volatility), κ = 0.05 (variance half-life
 * ln 2/0.05 ≈ 14 bars), ξ = 2e-3, so 2κθ = 1e-5 > ξ² = 4e-6 (Feller holds, α = 2κθ/ξ² = 2.5) and the
 * stationary variance of v is V = θξ²/(2κ) = 4e-9 (sd(v) ≈ 0.63·θ). ρ = −0.7 (leverage).
 */
const asset = (over: Partial<HestonAssetParams> = {}): HestonAssetParams => ({
  symbol: 'SPX',
  mu: 3e-4,
  kappa: 0.05,
  theta: 1e-4,
  xi: 2e-3,
  rho: -0.7,
  v0: 1e-4,
  feller: true,
  clamped: [],
  overnightShare: 0.2,
  volume: { logMean: 14, logStd: 0.4 },
  initialPrice: 100,
  ...over,
});

const SUBSTEPS = 4;

function bytesOf(panels: Bars[][]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function expectCode(run: () => unknown, code: string): RlError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    expect((e as RlError).code).toBe(code);
    return e as RlError;
  }
  throw new Error(`expected an error with code ${code}`);
}

/** Bars of one path with the variance used at every sub-step (bar t, sub-step j at t·SUBSTEPS + j). */
function tracedPath(a: HestonAssetParams, seed: string, length: number): { bars: Bars; used: Float64Array } {
  const bars = allocBars(a.symbol, length);
  for (let t = 0; t < length; t++) bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
  const used = new Float64Array(length * SUBSTEPS);
  sampleHestonPath(a, SUBSTEPS, Rng.fromSeed(seed), bars, used);
  return { bars, used };
}

/** The day's integrated variance I_t = Σ_j v⁺_{t,j}·h_j (overnight sub-step of length s, then equal intraday ones). */
function integratedVariance(used: Float64Array, s: number, length: number): Float64Array {
  const h = (1 - s) / (SUBSTEPS - 1);
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    let sum = used[t * SUBSTEPS] * s;
    for (let j = 1; j < SUBSTEPS; j++) sum += used[t * SUBSTEPS + j] * h;
    out[t] = sum;
  }
  return out;
}

/** Ljung-Box Q = n(n + 2)·Σ_{k=1}^{m} ρ̂_k²/(n − k), ρ̂ from descriptive.ts `autocorrelation`. */
function ljungBox(x: Float64Array, lags: number): number {
  const n = x.length;
  let q = 0;
  for (let k = 1; k <= lags; k++) q += autocorrelation(x, k) ** 2 / (n - k);
  return n * (n + 2) * q;
}

/** 1% critical value of χ²(10). */
const CHI2_10_99 = 23.209;

describe('heston sampling: the variance process', () => {
  it('every variance the scheme uses is ≥ 0, even when the Feller condition fails badly', () => {
    // 2κθ = 1e-5 against ξ² = 4e-4 (α = 0.025): the Euler variance overshoots below 0 all the time, and
    // full truncation must feed max(v, 0) to the drift, the diffusion and the price.
    const a = asset({ xi: 0.02, feller: false });
    const { bars, used } = tracedPath(a, 'heston-positivity', 20_000);
    let zeros = 0;
    for (const v of used) {
      expect(v).toBeGreaterThanOrEqual(0);
      if (v === 0) zeros++;
    }
    expect(zeros).toBeGreaterThan(used.length / 100); // the truncation really engaged
    expect(ohlcViolation(bars)).toBeUndefined();
  });

  it('the long-run mean of the used variance is θ', () => {
    // In stationarity E[v_{n+1}] = E[v_n] gives Σ_j h_j·(θ − E v⁺_j) = 0 over a bar's sub-steps, so the
    // daily integrated variance I has mean exactly θ for full-truncation Euler (v0 = θ starts at that mean).
    // Its time average over T bars has variance ≈ (1/T)·Σ_k Cov(I_0, I_k) ≈ 2V/(κT) (the integrated
    // autocovariance of V·e^{−κ|h|}): T = 200,000 gives sd ≈ 8.9e-7 = 0.9% of θ; the band is 4 sd.
    const T = 200_000;
    const a = asset();
    const { used } = tracedPath(a, 'heston-mean-variance', T);
    const I = integratedVariance(used, a.overnightShare, T);
    const V = (a.theta * a.xi ** 2) / (2 * a.kappa);
    expect(Math.abs(mean(I) - a.theta)).toBeLessThan(4 * Math.sqrt((2 * V) / (a.kappa * T)));
  });

  it('squared returns are autocorrelated: Ljung-Box Q(10) on r² exceeds the χ²(10) 1% value', () => {
    // For the model, ρ_k(r²) ≈ V·b·e^{−κ(k−1)}/Var(r²) with b ≈ 1 and Var(r²) ≈ 3V + 2θ² for Gaussian days,
    // so ρ_1 ≈ 4e-9/3.2e-8 = 0.125 and Σ_{k≤10} ρ_k² ≈ 0.0156·(1 − e^{−0.5})/(1 − e^{−0.05}) ≈ 0.12:
    // E[Q] ≈ 2520·0.12 ≈ 300 over ten years of bars, far above 23.209.
    const n = 2520;
    const r = sampleHestonReturns(asset(), SUBSTEPS, Rng.fromSeed('heston-lb'), new Float64Array(n));
    const m = mean(r);
    expect(ljungBox(r.map((x) => (x - m) ** 2), 10)).toBeGreaterThan(CHI2_10_99);
    // Control: with ξ = 0 the variance is constant, r² is iid and Q ~ χ²(10) (this seed lands below 23.209,
    // as 99% of seeds would).
    const flat = sampleHestonReturns(asset({ xi: 0 }), SUBSTEPS, Rng.fromSeed('heston-lb'), new Float64Array(n));
    const mf = mean(flat);
    expect(ljungBox(flat.map((x) => (x - mf) ** 2), 10)).toBeLessThan(CHI2_10_99);
  });

  it('volume is lognormal scaled by √(I/θ): ln volume − ½ln(I/θ) ~ N(logMean, logStd²)', () => {
    // Bands: 4 standard errors of a normal sample's mean (logStd/√n) and sd (≈ logStd/√(2n)).
    const n = 50_000;
    const a = asset();
    const { bars, used } = tracedPath(a, 'heston-volume', n);
    const I = integratedVariance(used, a.overnightShare, n);
    const resid = new Float64Array(n).map((_, t) => Math.log(bars.volume[t]) - 0.5 * Math.log(I[t] / a.theta));
    const vol = a.volume!;
    expect(Math.abs(mean(resid) - vol.logMean)).toBeLessThan((4 * vol.logStd) / Math.sqrt(n));
    expect(Math.abs(std(resid, 0) - vol.logStd)).toBeLessThan((4 * vol.logStd) / Math.sqrt(2 * n));
  });

  it('sampleHestonReturns has the law of the bars: mean μ − θ/2 and variance θ per bar', () => {
    // Daily returns are a martingale difference with variance E[I] = θ; their mean over n bars has sd √(θ/n).
    // The sample variance of r (heteroskedastic) has sd ≈ sqrt(Σ_k Cov(r_0², r_k²)/n) ≲ θ·sqrt((2 + 3V/θ² +
    // 2·(2V/κ)/θ²)/n) ≈ 1.4e-6 at n = 200,000; the band is 6e-6 (> 4 sd).
    const n = 200_000;
    const a = asset();
    const r = sampleHestonReturns(a, SUBSTEPS, Rng.fromSeed('heston-returns'), new Float64Array(n));
    expect(Math.abs(mean(r) - (a.mu - a.theta / 2))).toBeLessThan(4 * Math.sqrt(a.theta / n));
    expect(Math.abs(variance(r, 0) - a.theta)).toBeLessThan(6e-6);
    const again = sampleHestonReturns(a, SUBSTEPS, Rng.fromSeed('heston-returns'), new Float64Array(n));
    expect(again).toEqual(r);
  });
});

describe('heston with one sub-step per bar (substeps: 1)', () => {
  /** Bars of one path with the variance used at every bar. */
  function oneStepPath(a: HestonAssetParams, seed: string, length: number): { bars: Bars; used: Float64Array } {
    const bars = allocBars(a.symbol, length);
    for (let t = 0; t < length; t++) bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
    const used = new Float64Array(length);
    sampleHestonPath(a, 1, Rng.fromSeed(seed), bars, used);
    return { bars, used };
  }

  it('bars are valid and every used variance is ≥ 0 when the Feller condition fails badly', () => {
    const { bars, used } = oneStepPath(asset({ xi: 0.02, feller: false }), 'heston-one-positivity', 20_000);
    expect(ohlcViolation(bars)).toBeUndefined();
    expect(used.every((v) => v >= 0)).toBe(true);
    expect(used.filter((v) => v === 0).length).toBeGreaterThan(used.length / 100);
    // Without an overnight share every open is the previous close.
    const [[flat]] = heston.sample({ substeps: 1, assets: [asset({ overnightShare: 0 })] }, Rng.fromSeed(3), { length: 300, paths: 1 });
    for (let t = 1; t < 300; t++) expect(flat.open[t]).toBe(flat.close[t - 1]);
  });

  it('bars and returns-only share the law: mean μ − θ/2 and variance θ per bar', () => {
    // E[v⁺] = θ exactly in stationarity for full-truncation Euler (h = 1), v0 = θ; bands as for four sub-steps.
    const n = 200_000;
    const a = asset();
    const bars = logReturns(oneStepPath(a, 'heston-one-bars', n + 1).bars);
    const r = sampleHestonReturns(a, 1, Rng.fromSeed('heston-one-returns'), new Float64Array(n));
    for (const x of [bars, r]) {
      expect(Math.abs(mean(x) - (a.mu - a.theta / 2))).toBeLessThan(4 * Math.sqrt(a.theta / n));
      expect(Math.abs(variance(x, 0) - a.theta)).toBeLessThan(6e-6);
    }
  });

  it('volume is lognormal scaled by √(v⁺/θ)', () => {
    const n = 50_000;
    const a = asset();
    const { bars, used } = oneStepPath(a, 'heston-one-volume', n);
    // A bar whose used variance is 0 (the one-step Euler variance can overshoot below 0) has volume 0: skip it.
    const resid: number[] = [];
    for (let t = 0; t < n; t++) if (used[t] > 0) resid.push(Math.log(bars.volume[t]) - 0.5 * Math.log(used[t] / a.theta));
    expect(resid.length).toBeGreaterThan(0.99 * n);
    const vol = a.volume!;
    const m = resid.length;
    expect(Math.abs(mean(resid) - vol.logMean)).toBeLessThan((4 * vol.logStd) / Math.sqrt(m));
    expect(Math.abs(std(resid, 0) - vol.logStd)).toBeLessThan((4 * vol.logStd) / Math.sqrt(2 * m));
  });

  it.each([1, 4])('sampleHestonReturns with paths restarts every path from v0 (substeps %i)', (substeps) => {
    const a = asset({ v0: 4e-4 });
    const rng = Rng.fromSeed('heston-paths');
    const first = sampleHestonReturns(a, substeps, rng, new Float64Array(300));
    const second = sampleHestonReturns(a, substeps, rng, new Float64Array(300));
    const both = sampleHestonReturns(a, substeps, Rng.fromSeed('heston-paths'), new Float64Array(600), 2);
    expect(both.subarray(0, 300)).toEqual(first);
    expect(both.subarray(300)).toEqual(second);
    expect(() => sampleHestonReturns(a, substeps, rng, new Float64Array(601), 2)).toThrow(RangeError);
  });
});

describe('heston fit: method-of-moments recovery on a long sample', () => {
  const n = 500_000;
  const truth = asset();
  const params: HestonParams = { substeps: SUBSTEPS, assets: [truth] };
  const [path] = heston.sample(params, Rng.fromSeed('heston-recovery'), { length: n, paths: 1 });
  const [fitted] = heston.fit(path, hestonConfigSchema.parse({}), {}).assets;

  /*
   * Bands. θ̂ = mean(p): its variance is the long-run variance of p over n, (2V/κ + 2(V + θ²))/n, so
   * sd ≈ 6.2e-7; band 3e-6 (≈ 5 sd). μ̂ = r̄ + θ̂/2: sd(r̄) = √(θ/n) = 1.4e-5; band 6e-5.
   * κ̂ = ln(Ĉ₁/Ĉ₂)/w and ξ̂ come from two sample autocovariances of the 10-bar proxy. Bartlett's formula for
   * those autocovariances (with the model's autocovariance of the proxy, treated as Gaussian) and the delta
   * method give sd(κ̂)/κ ≈ 2.7% and sd(ξ̂)/ξ ≈ 1.9%; squared returns are far from Gaussian, which inflates
   * these (over 20 seeds the spread was 3.6% and 2.5%), and 4 Euler sub-steps bias ξ̂ up by ≈ 3% (the bias
   * shrinks with more sub-steps). Bands: κ ± 20%, ξ ± 12%, i.e. about 5 inflated sd plus the bias.
   * ρ̂: sd(L̂) ≈ sqrt(θ·E[X²]/n) with X the next window's summed proxy, giving sd(ρ̂) ≈ 0.008 (0.013 seen
   * over seeds, heteroskedasticity again); band ± 0.08.
   * Overnight share: sd(ŝ) = 2s·sqrt((1 − s)/n) ≈ 5e-4 for iid days, more under stochastic variance; band 0.01.
   */
  it('recovers θ, μ, κ, ξ, ρ and the overnight share within the derived bands', () => {
    expect(Math.abs(fitted.theta - truth.theta)).toBeLessThan(3e-6);
    expect(Math.abs(fitted.mu - truth.mu)).toBeLessThan(6e-5);
    expect(Math.abs(fitted.kappa / truth.kappa - 1)).toBeLessThan(0.2);
    expect(Math.abs(fitted.xi / truth.xi - 1)).toBeLessThan(0.12);
    expect(Math.abs(fitted.rho - truth.rho)).toBeLessThan(0.08);
    expect(Math.abs(fitted.overnightShare - truth.overnightShare)).toBeLessThan(0.01);
    expect(fitted.feller).toBe(true);
    expect(fitted.clamped).toEqual([]);
    expect(fitted.initialPrice).toBe(path[0].close[n - 1]);
    expect(fitted.v0).toBeGreaterThanOrEqual(0);
  });

  it('the fit is exact in its definitions: θ̂ is the MLE variance of the returns', () => {
    const r = logReturns(path[0]);
    expect(fitted.theta).toBeCloseTo(variance(r, 0), 15);
    expect(fitted.mu).toBeCloseTo(mean(r) + fitted.theta / 2, 15);
  });
});

describe('heston fit: configuration and edge cases', () => {
  const violating = heston.sample({ substeps: SUBSTEPS, assets: [asset({ xi: 0.01, feller: false })] }, Rng.fromSeed('heston-feller'), {
    length: 100_000,
    paths: 1,
  });

  it('reports the Feller condition, and requireFeller turns a violation into a ConfigError naming the key', () => {
    // Truth: 2κθ = 1e-5 < ξ² = 1e-4, ten times over. Full truncation damps such a path somewhat (ξ̂ ≈ 0.009
    // here), but 2κ̂θ̂ stays an order of magnitude below ξ̂².
    const [a] = heston.fit(violating[0], hestonConfigSchema.parse({}), {}).assets;
    expect(a.feller).toBe(false);
    expect(2 * a.kappa * a.theta).toBeLessThan(a.xi ** 2);
    const err = expectCode(() => heston.fit(violating[0], hestonConfigSchema.parse({ requireFeller: true }), {}), 'E_CONFIG');
    expect((err as RlError & { path: string }).path).toBe('requireFeller');
    const good = heston.sample({ substeps: SUBSTEPS, assets: [asset()] }, Rng.fromSeed('heston-feller-ok'), { length: 100_000, paths: 1 });
    expect(heston.fit(good[0], hestonConfigSchema.parse({ requireFeller: true }), {}).assets[0].feller).toBe(true);
  });

  it('config overrides set the initial variance and price; substeps is carried into the params', () => {
    const config = hestonConfigSchema.parse({ substeps: 6, initialVariance: 2e-4, initialPrice: 42 });
    const params = heston.fit(violating[0], config, {});
    expect(params.substeps).toBe(6);
    expect(params.assets[0].v0).toBe(2e-4);
    expect(params.assets[0].initialPrice).toBe(42);
  });

  it('a constant price fits to θ = 0, ξ = 0 (clamped) and samples a constant price', () => {
    const bars = allocBars('FLAT', 50);
    for (let t = 0; t < 50; t++) {
      bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
      bars.open[t] = bars.high[t] = bars.low[t] = bars.close[t] = 100;
      bars.volume[t] = 1000;
    }
    const params = heston.fit([bars], hestonConfigSchema.parse({}), {});
    const [a] = params.assets;
    expect([a.theta, a.xi]).toEqual([0, 0]);
    expect(a.clamped).toContain('xi');
    const [[out]] = heston.sample(params, Rng.fromSeed(3), { length: 30, paths: 1 });
    expect(ohlcViolation(out)).toBeUndefined();
    expect([a.mu, a.v0]).toEqual([0, 0]);
    expect(out.close.every((c) => c === 100)).toBe(true);
    for (const v of out.volume) expect(v).toBeCloseTo(1000, 9); // θ = 0: no variance scaling
  });

  it('rejects unusable data (E_DATA), params (E_CONFIG) and config (schema)', () => {
    expectCode(() => heston.fit([], hestonConfigSchema.parse({}), {}), 'E_DATA');
    expectCode(() => heston.fit([allocBars('X', 10)], hestonConfigSchema.parse({}), {}), 'E_DATA');
    // 4·window + 2 bars are needed for the two window autocovariances.
    expectCode(() => fitHestonAsset(sliceBars(violating[0][0], 0, 41), hestonConfigSchema.parse({})), 'E_DATA');
    expect(fitHestonAsset(sliceBars(violating[0][0], 0, 42), hestonConfigSchema.parse({})).symbol).toBe('SPX');
    const sample = (a: HestonAssetParams, substeps = SUBSTEPS): unknown =>
      heston.sample({ substeps, assets: [a] }, Rng.fromSeed(1), { length: 5, paths: 1 });
    expectCode(() => sample(asset({ rho: 1.5 })), 'E_CONFIG');
    expectCode(() => sample(asset({ theta: -1e-4 })), 'E_CONFIG');
    expectCode(() => sample(asset({ v0: Number.NaN })), 'E_CONFIG');
    expectCode(() => sample(asset(), 0), 'E_CONFIG');
    expectCode(() => sample(asset(), 2.5), 'E_CONFIG');
    expectCode(() => heston.sample({ substeps: 4, assets: [] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expect(hestonConfigSchema.parse({})).toEqual({ substeps: 4, window: 10, requireFeller: false });
    expect(hestonConfigSchema.safeParse({ substeps: 1 }).success).toBe(true);
    expect(hestonConfigSchema.safeParse({ substeps: 0 }).success).toBe(false);
    expect(hestonConfigSchema.safeParse({ window: 0 }).success).toBe(false);
    expect(hestonConfigSchema.safeParse({ substep: 4 }).success).toBe(false);
    for (const key of ['substeps', 'window', 'requireFeller', 'initialVariance', 'initialPrice'] as const) {
      expect(hestonConfigSchema.shape[key].description).toMatch(/\w/);
    }
  });

  it('fits the built-in S&P 500: finite parameters, the leverage effect (ρ < 0) and θ = the return variance', () => {
    const spx = loadBuiltinSp500();
    const [a] = heston.fit([spx], hestonConfigSchema.parse({}), {}).assets;
    expect(a.theta).toBeCloseTo(variance(logReturns(spx), 0), 15);
    expect(a.rho).toBeLessThan(0);
    for (const v of [a.mu, a.kappa, a.xi, a.v0]) expect(Number.isFinite(v)).toBe(true);
    expect(typeof a.feller).toBe('boolean');
  });
});

describe('heston determinism and shape', () => {
  const params: HestonParams = { substeps: SUBSTEPS, assets: [asset(), asset({ symbol: 'NDX', theta: 2e-4, v0: 3e-4, overnightShare: 0, volume: null })] };
  const opts = { length: 400, paths: 3, start: Date.UTC(2010, 5, 7) };

  it('same seed gives byte-identical output; a different seed gives different output', () => {
    const a = heston.sample(params, Rng.fromSeed(11), opts);
    const b = heston.sample(params, Rng.fromSeed(11), opts);
    const c = heston.sample(params, Rng.fromSeed(12), opts);
    expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(c))).toBe(false);
  });

  it('params survive a JSON round trip with identical samples', () => {
    const copy = JSON.parse(JSON.stringify(params)) as HestonParams;
    expect(copy).toEqual(params);
    expect(bytesOf(heston.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(heston.sample(params, Rng.fromSeed(5), opts)))).toBe(true);
  });

  it('returns paths × assets of valid OHLCV with the training symbols and distinct paths', () => {
    const out = heston.sample(params, Rng.fromSeed(2), opts);
    expect(out).toHaveLength(3);
    for (const panel of out) {
      expect(panel.map((b) => b.symbol)).toEqual(['SPX', 'NDX']);
      expect(panel[0].time[0]).toBe(Date.UTC(2010, 5, 7));
      for (const bars of panel) expect(ohlcViolation(bars)).toBeUndefined();
      expect(panel[1].volume.every((v) => v === 0)).toBe(true);
      // No overnight share: every open equals the previous close.
      for (let t = 1; t < 400; t++) expect(panel[1].open[t]).toBe(panel[1].close[t - 1]);
    }
    expect(out[0][0].close).not.toEqual(out[1][0].close);
    expect(heston.id).toBe('heston');
    expect(heston.version).toBe(1);
  });
});
