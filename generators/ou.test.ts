import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { autocorrelation, mean, variance } from '../src/stats/descriptive.js';
import { gbm } from './gbm.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import { ohlcViolation, utcWeekday } from './ohlc.js';
import { DICKEY_FULLER_5PCT, ou, ouConfigSchema, ouInnovationVariance, sampleOuReturns } from './ou.js';
import type { OuAssetParams, OuParams } from './ou.js';

const asset = (over: Partial<OuAssetParams> = {}): OuAssetParams => ({
  symbol: 'SPX',
  theta: 0.02,
  mu: Math.log(100),
  sigma: 0.01,
  overnightShare: 0.3,
  volume: { logMean: 14, logStd: 0.5 },
  initialPrice: 100,
  ...over,
});

function expectCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    expect((e as RlError).code).toBe(code);
    return;
  }
  throw new Error(`expected an error with code ${code}`);
}

function bytesOf(panels: Bars[][]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

/** Slope of Δx_t on (1, x_{t−1}) and its t-statistic: the Dickey-Fuller regression without lagged differences. */
function dickeyFuller(x: Float64Array): { slope: number; t: number } {
  const n = x.length - 1;
  const lag = x.subarray(0, n);
  const dx = new Float64Array(n).map((_, t) => x[t + 1] - x[t]);
  const mx = mean(lag);
  const my = mean(dx);
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < n; t++) {
    sxx += (lag[t] - mx) ** 2;
    sxy += (lag[t] - mx) * (dx[t] - my);
  }
  const slope = sxy / sxx;
  let ssr = 0;
  for (let t = 0; t < n; t++) ssr += (dx[t] - my - slope * (lag[t] - mx)) ** 2;
  return { slope, t: slope / Math.sqrt(ssr / (n - 2) / sxx) };
}

/*
 * Tolerance bands (4 standard errors each: a chance failure rate of about 6e-5 per check, fixed seeds).
 * For the stationary Gaussian AR(1) x_{t+1} − μ = b(x_t − μ) + ε over n steps, with γ0 = σ²/(2θ):
 * - b̂ (OLS) has asymptotic sd sqrt((1 − b²)/n) and a bias ≈ −(1 + 3b)/n (Kendall), 2e-5 here, negligible;
 *   θ̂ = −ln b̂ has sd ≈ sd(b̂)/b (delta method), and the half-life ln2/θ̂ has sd ≈ ln2·sd(θ̂)/θ².
 * - The sample mean has sd sqrt(γ0·(1 + b)/((1 − b)·n)) (long-run variance of an AR(1)).
 * - The sample variance has sd γ0·sqrt(2(1 + b²)/((1 − b²)·n)) (Bartlett).
 * - σ̂² = s²·2θ̂/(1 − b̂²): s² has relative sd sqrt(2/n); ∂ln(2θ/(1 − e^{−2θ}))/∂θ ≈ 1 for small θ adds
 *   relative sd ≈ sd(θ̂), asymptotically independent of s², so sd(σ̂²)/σ² ≈ sqrt(2/n + sd(θ̂)²).
 * - Lag-1 autocorrelation of Δx is −(1 − b)/2, with sd ≈ 1/√n.
 */
describe('ou sampling: a long path is a stationary AR(1) in the log price', () => {
  const n = 200_000;
  const p = asset();
  const b = Math.exp(-p.theta);
  const [path] = ou.sample({ assets: [p] }, Rng.fromSeed('ou-long'), { length: n, paths: 1 });
  const bars = path[0];
  const x = Float64Array.from(bars.close, Math.log);
  const gamma0 = p.sigma ** 2 / (2 * p.theta);
  const sdB = Math.sqrt((1 - b * b) / n);
  const sdTheta = sdB / b;

  it('rejects a unit root: the Dickey-Fuller t-statistic is below the 1% critical value −3.43', () => {
    const df = dickeyFuller(x);
    expect(df.t).toBeLessThan(-3.43);
    expect(Math.abs(df.slope - (b - 1))).toBeLessThan(4 * sdB);
  });

  it('has the stationary mean μ and variance σ²/(2θ)', () => {
    expect(Math.abs(mean(x) - p.mu)).toBeLessThan(4 * Math.sqrt((gamma0 * (1 + b)) / ((1 - b) * n)));
    const sdVar = gamma0 * Math.sqrt((2 * (1 + b * b)) / ((1 - b * b) * n));
    expect(Math.abs(variance(x, 0) - gamma0)).toBeLessThan(4 * sdVar);
  });

  it('reverts: lag-k autocorrelation ≈ b^k and the daily change has lag-1 autocorrelation −(1 − b)/2', () => {
    // The sd of a long-memory AR(1) sample autocorrelation at lag k is ≈ sqrt((1 + b²)(1 − b^{2k})/(1 − b²)/n)
    // (Bartlett), ≈ 0.0088 at k = 10 for b = 0.98; the acf's own O(1/((1 − b)·n)) bias is far smaller.
    for (const k of [1, 10, 50]) {
      const sd = Math.sqrt(((1 + b * b) * (1 - b ** (2 * k))) / ((1 - b * b) * n));
      expect(Math.abs(autocorrelation(x, k) - b ** k)).toBeLessThan(4 * sd + 4 / ((1 - b) * n));
    }
    const dx = new Float64Array(n - 1).map((_, t) => x[t + 1] - x[t]);
    expect(Math.abs(autocorrelation(dx, 1) + (1 - b) / 2)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('fit(sample(θ)) recovers θ, the half-life ln2/θ, μ and σ within the bands', () => {
    const [fitted] = ou.fit(path, {}, {}).assets;
    expect(Math.abs(fitted.theta - p.theta)).toBeLessThan(4 * sdTheta);
    const halfLife = Math.LN2 / p.theta; // ≈ 34.7 bars
    expect(Math.abs(Math.LN2 / fitted.theta - halfLife)).toBeLessThan((4 * Math.LN2 * sdTheta) / p.theta ** 2);
    expect(Math.abs(fitted.mu - p.mu)).toBeLessThan(4 * Math.sqrt((gamma0 * (1 + b)) / ((1 - b) * n)));
    expect(Math.abs(fitted.sigma ** 2 / p.sigma ** 2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n + sdTheta ** 2));
    // Overnight share: sd 2s·sqrt((1 − s)/n) as derived in gbm.test.ts (the pull adds O((1 − b)²) ≪ that).
    const s = p.overnightShare;
    expect(Math.abs(fitted.overnightShare - s)).toBeLessThan(4 * 2 * s * Math.sqrt((1 - s) / n) + (1 - b) ** 2);
    expect(fitted.initialPrice).toBe(bars.close[n - 1]);
    expect(fitted.symbol).toBe('SPX');
  });

  it('every bar is valid OHLCV and times are strictly increasing weekdays from the default start', () => {
    expect(ohlcViolation(bars)).toBeUndefined();
    expect(bars.time[0]).toBe(DEFAULT_SAMPLE_START);
    for (let t = 0; t < 2000; t++) {
      const dow = utcWeekday(bars.time[t]);
      expect(dow >= 1 && dow <= 5).toBe(true);
      if (t > 0) expect([DAY_MS, 3 * DAY_MS]).toContain(bars.time[t] - bars.time[t - 1]);
    }
  });
});

describe('ou transition', () => {
  it('is exact for a large θ: one step from x0 is N(μ + b(x0 − μ), v)', () => {
    // θ = 1.5 per bar (b ≈ 0.22) is far outside where Euler would be accurate; restarting each path at x0
    // and taking its first return isolates one transition. sd(mean) = sqrt(v/m), sd(var) = v·sqrt(2/m).
    const p = asset({ theta: 1.5, sigma: 0.05, initialPrice: 150, volume: null });
    const m = 20_000;
    const x0 = Math.log(150);
    const first = new Float64Array(m);
    const rng = Rng.fromSeed('ou-step');
    const one = new Float64Array(1);
    for (let i = 0; i < m; i++) first[i] = sampleOuReturns(p, rng, one)[0];
    const v = ouInnovationVariance(p.theta, p.sigma);
    expect(v).toBeCloseTo((0.05 ** 2 * (1 - Math.exp(-3))) / 3, 15);
    const expected = (Math.exp(-1.5) - 1) * (x0 - p.mu);
    expect(Math.abs(mean(first) - expected)).toBeLessThan(4 * Math.sqrt(v / m));
    expect(Math.abs(variance(first) - v)).toBeLessThan(4 * v * Math.sqrt(2 / m));
  });

  it('with σ = 0 the log price decays deterministically towards μ with factor e^{−θ} per bar', () => {
    const p = asset({ theta: 0.1, sigma: 0, initialPrice: 200, volume: null });
    const [[bars]] = ou.sample({ assets: [p] }, Rng.fromSeed(1), { length: 30, paths: 1 });
    for (let t = 0; t < 30; t++) {
      expect(Math.log(bars.close[t])).toBeCloseTo(p.mu + Math.exp(-0.1 * (t + 1)) * (Math.log(200) - p.mu), 12);
      expect(bars.high[t]).toBe(Math.max(bars.open[t], bars.close[t]));
      expect(bars.low[t]).toBe(Math.min(bars.open[t], bars.close[t]));
    }
  });
});

describe('ou fit', () => {
  /** Bars whose log closes are `x` (opens at the previous close, a 1% range, unit volume). */
  function barsFromLog(x: ArrayLike<number>, symbol = 'X'): Bars {
    const bars = allocBars(symbol, x.length);
    for (let t = 0; t < x.length; t++) {
      bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
      bars.close[t] = Math.exp(x[t]);
      bars.open[t] = t === 0 ? bars.close[0] : bars.close[t - 1];
      bars.high[t] = Math.max(bars.open[t], bars.close[t]) * 1.01;
      bars.low[t] = Math.min(bars.open[t], bars.close[t]) * 0.99;
      bars.volume[t] = 1;
    }
    return bars;
  }

  /** 5,000 bars of a driftless random walk in the log price (a `gbm` path with σ = 1% per bar). */
  function randomWalk(overnightShare: number): Bars[] {
    const walk = { symbol: 'RW', mu: 0, sigma: 0.01, overnightShare, volume: null, initialPrice: 100 };
    return gbm.sample({ assets: [walk] }, Rng.fromSeed('rw'), { length: 5000, paths: 1 })[0];
  }

  it('equals the hand-computed MLE on a tiny series', () => {
    // x = (0, 1, 0.5, 0.75): pairs (0,1), (1,0.5), (0.5,0.75). x̄ = 0.5, ȳ = 0.75, S_xx = 0.5,
    // S_xy = (−0.5)(0.25) + (0.5)(−0.25) + 0 = −0.25, so b̂ = −0.5 < 0: E_FIT. Flip to x = (0, 0.5, 0.75, 0.875):
    // pairs (0,0.5), (0.5,0.75), (0.75,0.875): x̄ = 5/12, ȳ = 17/24; S_xx = 7/24, S_xy = 7/48 ⇒ b̂ = 0.5,
    // â = 17/24 − 5/24 = 0.5, μ = â/(1 − b̂) = 1, residuals 0 ⇒ σ = 0 (x_{t+1} = 0.5 + 0.5·x_t exactly).
    expectCode(() => ou.fit([barsFromLog([0, 1, 0.5, 0.75])], { requireMeanReversion: false }, {}), 'E_FIT');
    const [a] = ou.fit([barsFromLog([0, 0.5, 0.75, 0.875])], { requireMeanReversion: false }, {}).assets;
    expect(a.theta).toBeCloseTo(Math.LN2, 12);
    expect(a.mu).toBeCloseTo(1, 12);
    expect(a.sigma).toBeCloseTo(0, 7);
    expect(a.initialPrice).toBeCloseTo(Math.exp(0.875), 12);
  });

  it('throws E_FIT on a random walk (Dickey-Fuller does not reject) and on a trending, explosive series', () => {
    const rw = randomWalk(0.2);
    expectCode(() => ou.fit(rw, {}, {}), 'E_FIT');
    // An explosive AR(1), x_{t+1} = 1.002·x_t + noise, has b̂ > 1 whatever the Dickey-Fuller switch says.
    const rng = Rng.fromSeed('explosive');
    const x = new Float64Array(3000);
    x[0] = 1;
    for (let t = 1; t < x.length; t++) x[t] = 1.002 * x[t - 1] + 0.001 * rng.normal();
    expectCode(() => ou.fit([barsFromLog(x)], { requireMeanReversion: false }, {}), 'E_FIT');
    // With θ imposed the same data fit: μ and σ are the MLEs given θ.
    const [fixed] = ou.fit(rw, { theta: 0.05 }, {}).assets;
    expect(fixed.theta).toBe(0.05);
    expect(Number.isFinite(fixed.mu) && fixed.sigma > 0).toBe(true);
  });

  it('the E_FIT message says what failed and how to override it', () => {
    const rw = randomWalk(0);
    expect(() => ou.fit(rw, {}, {})).toThrow(new RegExp(`Dickey-Fuller t = .* ≥ ${DICKEY_FULLER_5PCT}.*set theta`));
  });

  it('overrides: θ fixed ⇒ μ = mean(y − b·x)/(1 − b); μ fixed ⇒ b̂ through μ; σ and initialPrice replace the fit', () => {
    const p = asset({ theta: 0.05 });
    const [path] = ou.sample({ assets: [p] }, Rng.fromSeed('ou-over'), { length: 20_000, paths: 1 });
    const x = Float64Array.from(path[0].close, Math.log);
    const b = Math.exp(-0.05);
    let s = 0;
    for (let t = 0; t + 1 < x.length; t++) s += x[t + 1] - b * x[t];
    const [thetaFixed] = ou.fit(path, { theta: 0.05 }, {}).assets;
    expect(thetaFixed.mu).toBeCloseTo(s / (x.length - 1) / (1 - b), 9);
    const [muFixed] = ou.fit(path, { mu: 4 }, {}).assets;
    expect(muFixed.mu).toBe(4);
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t + 1 < x.length; t++) {
      sxy += (x[t] - 4) * (x[t + 1] - 4);
      sxx += (x[t] - 4) ** 2;
    }
    expect(muFixed.theta).toBeCloseTo(-Math.log(sxy / sxx), 12);
    const [all] = ou.fit(path, ouConfigSchema.parse({ theta: 0.1, mu: 5, sigma: 0.02, initialPrice: 42 }), {}).assets;
    expect([all.theta, all.mu, all.sigma, all.initialPrice]).toEqual([0.1, 5, 0.02, 42]);
  });

  it('rejects unusable training data (E_DATA) and unusable params or options (E_CONFIG)', () => {
    expectCode(() => ou.fit([], {}, {}), 'E_DATA');
    expectCode(() => ou.fit([barsFromLog([0, 1])], {}, {}), 'E_DATA');
    expectCode(() => ou.fit([barsFromLog([1, 1, 1, 1])], {}, {}), 'E_FIT');
    const one = (over: Partial<OuAssetParams>): OuParams => ({ assets: [asset(over)] });
    expectCode(() => ou.sample(one({ theta: 0 }), Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => ou.sample(one({ sigma: -1 }), Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => ou.sample(one({ mu: NaN }), Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => ou.sample({ assets: [] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => ou.sample(one({}), Rng.fromSeed(1), { length: 0, paths: 1 }), 'E_CONFIG');
  });
});

describe('ou determinism, shape and config', () => {
  const params: OuParams = { assets: [asset(), asset({ symbol: 'NDX', theta: 0.005, sigma: 0.02, overnightShare: 0 })] };
  const opts = { length: 500, paths: 3, start: Date.UTC(2010, 5, 5) }; // a Saturday

  it('same seed gives byte-identical output; a different seed gives different output', () => {
    const a = ou.sample(params, Rng.fromSeed(11), opts);
    expect(bytesOf(a).equals(bytesOf(ou.sample(params, Rng.fromSeed(11), opts)))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(ou.sample(params, Rng.fromSeed(12), opts)))).toBe(false);
  });

  it('params survive a JSON round trip with identical samples', () => {
    const copy = JSON.parse(JSON.stringify(params)) as OuParams;
    expect(copy).toEqual(params);
    expect(bytesOf(ou.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(ou.sample(params, Rng.fromSeed(5), opts)))).toBe(true);
  });

  it('returns paths × assets with the training symbols, shared weekday times and valid bars', () => {
    const out = ou.sample(params, Rng.fromSeed(2), opts);
    expect(out).toHaveLength(3);
    for (const panel of out) {
      expect(panel.map((b) => b.symbol)).toEqual(['SPX', 'NDX']);
      expect(panel[1].time).toEqual(panel[0].time);
      expect(panel[0].time[0]).toBe(Date.UTC(2010, 5, 7)); // the Monday after
      for (const bars of panel) expect(ohlcViolation(bars)).toBeUndefined();
    }
    expect(out[0][0].close).not.toEqual(out[1][0].close);
  });

  it('has optional, described overrides and rejects invalid or unknown keys', () => {
    expect(ouConfigSchema.parse({})).toEqual({ requireMeanReversion: true });
    expect(ouConfigSchema.safeParse({ theta: 0 }).success).toBe(false);
    expect(ouConfigSchema.safeParse({ sigma: -0.1 }).success).toBe(false);
    expect(ouConfigSchema.safeParse({ initialPrice: 0 }).success).toBe(false);
    expect(ouConfigSchema.safeParse({ thetaa: 0.1 }).success).toBe(false);
    for (const key of ['theta', 'mu', 'sigma', 'initialPrice', 'requireMeanReversion'] as const) {
      expect(ouConfigSchema.shape[key].description).toMatch(/\w/);
    }
    expect(ou.id).toBe('ou');
    expect(ou.version).toBe(1);
  });
});
