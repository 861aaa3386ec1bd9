import { describe, expect, it } from 'vitest';
import { RlError } from '../src/core/errors.js';
import { Registry } from '../src/core/registry.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import type { Bars } from '../src/data/bars.js';
import { autocorrelation, excessKurtosis, mean, skewness, variance } from '../src/stats/descriptive.js';
import { gbm, gbmConfigSchema } from './gbm.js';
import type { GbmAssetParams, GbmParams } from './gbm.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import type { GeneratorSpec } from './generator.js';
import { registerGenerators } from './index.js';
import { ohlcViolation, utcWeekday } from './ohlc.js';

const asset = (over: Partial<GbmAssetParams> = {}): GbmAssetParams => ({
  symbol: 'SPX',
  mu: 2e-4,
  sigma: 0.012,
  overnightShare: 0.3,
  volume: { logMean: 14, logStd: 0.5 },
  initialPrice: 100,
  ...over,
});

/** Close-to-close log returns of a generated path, the first one taken from the initial price. */
function pathReturns(bars: Bars, initialPrice: number): Float64Array {
  const r = new Float64Array(bars.length);
  for (let t = 0; t < bars.length; t++) r[t] = Math.log(bars.close[t] / (t === 0 ? initialPrice : bars.close[t - 1]));
  return r;
}

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

/*
 * Tolerance bands. For n iid N(μ, σ²) returns: sd(mean) = σ/√n; sd(sample variance) = σ²·sqrt(2/(n − 1));
 * sd(skewness) ≈ sqrt(6/n); sd(excess kurtosis) ≈ sqrt(24/n). Every check uses 4 standard deviations, a
 * chance failure rate of about 6e-5 per check, and the seeds are fixed so the outcome is reproducible.
 */
describe('gbm sampling: moments of a long path', () => {
  const n = 200_000;
  const p = asset();
  const [path] = gbm.sample({ assets: [p] }, Rng.fromSeed('gbm-moments'), { length: n, paths: 1 });
  const bars = path[0];
  const r = pathReturns(bars, p.initialPrice);

  it('log returns are N(μ, σ²): mean, variance, skewness and kurtosis within 4 standard errors', () => {
    expect(Math.abs(mean(r) - p.mu)).toBeLessThan((4 * p.sigma) / Math.sqrt(n));
    expect(Math.abs(variance(r) - p.sigma ** 2)).toBeLessThan(4 * p.sigma ** 2 * Math.sqrt(2 / n));
    expect(Math.abs(skewness(r))).toBeLessThan(4 * Math.sqrt(6 / n));
    expect(Math.abs(excessKurtosis(r))).toBeLessThan(4 * Math.sqrt(24 / n));
    // Independent increments: Bartlett's sd of the lag-1 autocorrelation is 1/√n.
    expect(Math.abs(autocorrelation(r, 1))).toBeLessThan(4 / Math.sqrt(n));
  });

  it('every bar is valid OHLCV and times are strictly increasing weekdays from the default start', () => {
    expect(ohlcViolation(bars)).toBeUndefined();
    expect(bars.time[0]).toBe(DEFAULT_SAMPLE_START);
    for (let t = 0; t < 2000; t++) {
      const dow = utcWeekday(bars.time[t]);
      expect(dow >= 1 && dow <= 5).toBe(true);
      if (t > 0) expect([DAY_MS, 3 * DAY_MS]).toContain(bars.time[t] - bars.time[t - 1]);
    }
    expect(bars.symbol).toBe('SPX');
  });

  it('fit(sample(θ)) recovers θ within the same bands (parameter recovery)', () => {
    const [fitted] = gbm.fit(path, {}, {}).assets;
    const m = n - 1; // the fit sees returns between generated bars only
    expect(Math.abs(fitted.mu - p.mu)).toBeLessThan((4 * p.sigma) / Math.sqrt(m));
    expect(Math.abs(fitted.sigma ** 2 - p.sigma ** 2)).toBeLessThan(4 * p.sigma ** 2 * Math.sqrt(2 / m));
    // Overnight share ŝ = var(r_on)/var(r) with independent r_on ~ (s·σ²), r_id ~ ((1 − s)·σ²): the delta
    // method gives ŝ − s ≈ ((1 − s)·m_on,on − 2s·m_on,id − s·m_id,id)/σ², whose variance is
    // [(1 − s)²·2s² + 4s²·s(1 − s) + s²·2(1 − s)²]/n = 4s²(1 − s)/n, so sd(ŝ) = 2s·sqrt((1 − s)/n).
    const s = p.overnightShare;
    expect(Math.abs(fitted.overnightShare - s)).toBeLessThan(4 * 2 * s * Math.sqrt((1 - s) / m));
    // ln(volume) is N(14, 0.5²): sd of its sample mean 0.5/√n, of its sample sd ≈ 0.5/sqrt(2n).
    const vol = p.volume!;
    expect(Math.abs(fitted.volume!.logMean - vol.logMean)).toBeLessThan((4 * vol.logStd) / Math.sqrt(n));
    expect(Math.abs(fitted.volume!.logStd - vol.logStd)).toBeLessThan((4 * vol.logStd) / Math.sqrt(2 * n));
    expect(fitted.initialPrice).toBe(bars.close[n - 1]);
    expect(fitted.symbol).toBe('SPX');
  });
});

describe('gbm sampling: intraday range', () => {
  it('without drift, ln(high/open) and ln(open/low) are distributed as |N(0, v)| with v = σ²(1 − s)', () => {
    // The maximum of a driftless Brownian motion over variance v has the law of |B_v| (reflection principle):
    // mean sqrt(2v/π), variance v(1 − 2/π). Bands are 4 standard errors of the sample mean.
    const n = 200_000;
    const p = asset({ mu: 0, overnightShare: 0.25 });
    const [[bars]] = gbm.sample({ assets: [p] }, Rng.fromSeed('gbm-range'), { length: n, paths: 1 });
    const v = p.sigma ** 2 * (1 - p.overnightShare);
    const up = new Float64Array(n).map((_, t) => Math.log(bars.high[t] / bars.open[t]));
    const down = new Float64Array(n).map((_, t) => Math.log(bars.open[t] / bars.low[t]));
    const band = 4 * Math.sqrt((v * (1 - 2 / Math.PI)) / n);
    expect(Math.abs(mean(up) - Math.sqrt((2 * v) / Math.PI))).toBeLessThan(band);
    expect(Math.abs(mean(down) - Math.sqrt((2 * v) / Math.PI))).toBeLessThan(band);
  });

  it('with σ = 0 the path is the deterministic drift and every bar is flat between open and close', () => {
    const p = asset({ mu: 0.01, sigma: 0, volume: null, initialPrice: 50 });
    const [[bars]] = gbm.sample({ assets: [p] }, Rng.fromSeed(1), { length: 20, paths: 1 });
    for (let t = 0; t < 20; t++) {
      expect(bars.close[t]).toBeCloseTo(50 * Math.exp(0.01 * (t + 1)), 10);
      expect(bars.high[t]).toBe(Math.max(bars.open[t], bars.close[t]));
      expect(bars.low[t]).toBe(Math.min(bars.open[t], bars.close[t]));
      expect(bars.volume[t]).toBe(0);
    }
    expect(bars.open[0]).toBeCloseTo(50 * Math.exp(0.01 * 0.3), 12); // the overnight share of the drift
  });
});

describe('gbm determinism and shape', () => {
  const params: GbmParams = { assets: [asset(), asset({ symbol: 'NDX', sigma: 0.02, overnightShare: 0 })] };
  const opts = { length: 500, paths: 3, start: Date.UTC(2010, 5, 5) }; // a Saturday

  it('same seed gives byte-identical output; a different seed gives different output', () => {
    const a = gbm.sample(params, Rng.fromSeed(11), opts);
    const b = gbm.sample(params, Rng.fromSeed(11), opts);
    const c = gbm.sample(params, Rng.fromSeed(12), opts);
    expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(c))).toBe(false);
  });

  it('params survive a JSON round trip with identical samples', () => {
    const copy = JSON.parse(JSON.stringify(params)) as GbmParams;
    expect(copy).toEqual(params);
    expect(bytesOf(gbm.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(gbm.sample(params, Rng.fromSeed(5), opts)))).toBe(true);
  });

  it('returns paths × assets with the training symbols, shared weekday times, and distinct paths', () => {
    const out = gbm.sample(params, Rng.fromSeed(2), opts);
    expect(out).toHaveLength(3);
    for (const panel of out) {
      expect(panel.map((b) => b.symbol)).toEqual(['SPX', 'NDX']);
      expect(panel[1].time).toEqual(panel[0].time);
      expect(panel[0].time).not.toBe(panel[1].time); // own copies
      expect(panel[0].time[0]).toBe(Date.UTC(2010, 5, 7)); // the Monday after
      for (const bars of panel) expect(ohlcViolation(bars)).toBeUndefined();
    }
    expect(out[0][0].close).not.toEqual(out[1][0].close);
  });

  it('samples assets independently (lag-0 cross-correlation within 4/√n of 0)', () => {
    const n = 50_000;
    const [[x, y]] = gbm.sample(params, Rng.fromSeed(3), { length: n, paths: 1 });
    const rx = pathReturns(x, 100);
    const ry = pathReturns(y, 100);
    const mx = mean(rx);
    const my = mean(ry);
    let sxy = 0;
    for (let t = 0; t < n; t++) sxy += (rx[t] - mx) * (ry[t] - my);
    const corr = sxy / (n * Math.sqrt(variance(rx, 0) * variance(ry, 0)));
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(n));
  });
});

describe('gbm fit', () => {
  /**
   * Four bars with closes 100·e^{0, 0.02, −0.01, 0.03}: returns r = (0.02, −0.03, 0.04), so μ = 0.01 and
   * σ² = (0.01² + 0.04² + 0.03²)/3 = 0.0026/3. Overnight gaps (0.01, −0.02, 0.01) have mean 0 and variance
   * 0.0006/3, so s = 0.0006/0.0026 = 3/13. Volumes (0, e^10, e^12, e^11): the zero is skipped, ln-volumes
   * (10, 12, 11) have mean 11 and MLE sd sqrt(2/3).
   */
  function tiny(): Bars {
    const logClose = [0, 0.02, -0.01, 0.03];
    const gaps = [0, 0.01, -0.02, 0.01];
    const bars = allocBars('TINY', 4);
    for (let t = 0; t < 4; t++) {
      bars.time[t] = DEFAULT_SAMPLE_START + t * DAY_MS;
      bars.close[t] = 100 * Math.exp(logClose[t]);
      bars.open[t] = t === 0 ? 100 : bars.close[t - 1] * Math.exp(gaps[t]);
      bars.high[t] = Math.max(bars.open[t], bars.close[t]) * 1.01;
      bars.low[t] = Math.min(bars.open[t], bars.close[t]) * 0.99;
    }
    bars.volume.set([0, Math.exp(10), Math.exp(12), Math.exp(11)]);
    return bars;
  }

  it('equals the hand-computed MLE on a tiny series', () => {
    const [a] = gbm.fit([tiny()], gbmConfigSchema.parse({}), {}).assets;
    expect(a.symbol).toBe('TINY');
    expect(a.mu).toBeCloseTo(0.01, 14);
    expect(a.sigma).toBeCloseTo(Math.sqrt(0.0026 / 3), 14);
    expect(a.overnightShare).toBeCloseTo(3 / 13, 12);
    expect(a.volume!.logMean).toBeCloseTo(11, 12);
    expect(a.volume!.logStd).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(a.initialPrice).toBe(100 * Math.exp(0.03));
  });

  it('config overrides replace the fitted drift, volatility and initial price', () => {
    const config = gbmConfigSchema.parse({ mu: 0.001, sigma: 0.02, initialPrice: 42 });
    const [a] = gbm.fit([tiny()], config, {}).assets;
    expect([a.mu, a.sigma, a.initialPrice]).toEqual([0.001, 0.02, 42]);
    expect(a.overnightShare).toBeCloseTo(3 / 13, 12);
  });

  it('fits each asset of a panel independently', () => {
    const other = tiny();
    const bars = { ...other, symbol: 'OTHER', close: other.close.map((c, t) => c * Math.exp(0.01 * t)) };
    const params = gbm.fit([tiny(), bars], {}, {});
    expect(params.assets.map((a) => a.symbol)).toEqual(['TINY', 'OTHER']);
    expect(params.assets[1].mu).toBeCloseTo(0.02, 14);
    expect(params.assets[1].sigma).toBeCloseTo(params.assets[0].sigma, 14);
  });

  it('all-zero volume fits to null and generates zero volume', () => {
    const bars = tiny();
    bars.volume.fill(0);
    const params = gbm.fit([bars], {}, {});
    expect(params.assets[0].volume).toBeNull();
    const [[out]] = gbm.sample(params, Rng.fromSeed(4), { length: 100, paths: 1 });
    expect(out.volume.every((v) => v === 0)).toBe(true);
    expect(ohlcViolation(out)).toBeUndefined();
  });

  it('rejects unusable training data (E_DATA) and unusable params or options (E_CONFIG)', () => {
    expectCode(() => gbm.fit([], {}, {}), 'E_DATA');
    expectCode(() => gbm.fit([allocBars('X', 1)], {}, {}), 'E_DATA');
    const zero = tiny();
    zero.close[2] = 0;
    expectCode(() => gbm.fit([zero], {}, {}), 'E_DATA');
    expectCode(() => gbm.sample({ assets: [asset({ sigma: -1 })] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => gbm.sample({ assets: [asset({ overnightShare: 1.5 })] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => gbm.sample({ assets: [] }, Rng.fromSeed(1), { length: 5, paths: 1 }), 'E_CONFIG');
    expectCode(() => gbm.sample({ assets: [asset()] }, Rng.fromSeed(1), { length: 0, paths: 1 }), 'E_CONFIG');
  });
});

describe('gbm config schema and registration', () => {
  it('has optional, described overrides and rejects invalid or unknown keys', () => {
    expect(gbmConfigSchema.parse({})).toEqual({});
    expect(gbmConfigSchema.safeParse({ sigma: -0.1 }).success).toBe(false);
    expect(gbmConfigSchema.safeParse({ initialPrice: 0 }).success).toBe(false);
    expect(gbmConfigSchema.safeParse({ sigmaa: 0.1 }).success).toBe(false);
    for (const key of ['mu', 'sigma', 'initialPrice'] as const) expect(gbmConfigSchema.shape[key].description).toMatch(/\w/);
  });

  it('registerGenerators adds real and gbm, explicitly', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry erases each generator's types
    const registry = new Registry<GeneratorSpec<any, any>>('generator');
    registerGenerators(registry);
    expect(registry.ids().slice(0, 2)).toEqual(['real', 'gbm']);
    expect(registry.get('gbm')).toBe(gbm);
    expect(gbm.version).toBe(1);
  });
});
