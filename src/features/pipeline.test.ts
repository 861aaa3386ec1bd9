import { describe, expect, it } from 'vitest';
import { RlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { allocBars, DAY_MS, sliceBars } from '../data/bars.js';
import type { Bars } from '../data/bars.js';
import { loadBuiltinSp500 } from '../data/builtin.js';
import { featuresSchema } from './config.js';
import type { FeaturesConfig } from './config.js';
import { computeIndicators } from './indicators.js';
import { Normalizer } from './normalizer.js';
import type { NormalizerStats } from './normalizer.js';
import { featureSourceFromStats, fitFeatures } from './pipeline.js';

/** Writes a seeded random walk with valid OHLCV into bars[from..], continuing from `close`. */
function fillWalk(bars: Bars, from: number, rng: Rng, close: number, volumeScale = 1e6): void {
  for (let i = from; i < bars.length; i++) {
    const open = close * Math.exp(0.002 * rng.normal());
    close = open * Math.exp(0.01 * rng.normal());
    bars.time[i] = i === 0 ? 0 : bars.time[i - 1] + DAY_MS;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * Math.exp(0.004 * Math.abs(rng.normal()));
    bars.low[i] = Math.min(open, close) * Math.exp(-0.004 * Math.abs(rng.normal()));
    bars.volume[i] = Math.round(volumeScale * Math.exp(0.4 * rng.normal()));
  }
}

function randomWalk(seed: string, n: number): Bars {
  const bars = allocBars('TEST', n);
  fillWalk(bars, 0, Rng.fromSeed(seed), 100);
  return bars;
}

/** A copy of `bars` whose bars after t are replaced by a different (valid) path. */
function perturbAfter(bars: Bars, t: number, seed: string): Bars {
  const out = allocBars(bars.symbol, bars.length);
  for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) out[key].set(bars[key].subarray(0, t + 1));
  fillWalk(out, t + 1, Rng.fromSeed(seed), bars.close[t] * 1.05, 3e6);
  return out;
}

function copyBars(bars: Bars): Bars {
  const out = allocBars(bars.symbol, bars.length);
  for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) out[key].set(bars[key]);
  return out;
}

const bytes = (m: Float32Array, rows: number, dim: number): Buffer => Buffer.from(m.buffer, m.byteOffset, rows * dim * 4);

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RlError);
  expect((caught as RlError).code).toBe(code);
}

/** Per-column mean and population std of a row-major matrix over rows ≥ each column's warm-up. */
function columnMoments(m: Float32Array, dim: number, warmup: readonly number[]): { mean: number; std: number; max: number }[] {
  const rows = m.length / dim;
  return warmup.map((w, j) => {
    let s = 0;
    let max = 0;
    for (let i = w; i < rows; i++) {
      s += m[i * dim + j];
      max = Math.max(max, Math.abs(m[i * dim + j]));
    }
    const mean = s / (rows - w);
    let ss = 0;
    for (let i = w; i < rows; i++) ss += (m[i * dim + j] - mean) ** 2;
    return { mean, std: Math.sqrt(ss / (rows - w)), max };
  });
}

const FULL: FeaturesConfig = featuresSchema.parse({
  indicators: [{ kind: 'rsi' }, { kind: 'macd' }, { kind: 'bollinger' }, { kind: 'atr' }, { kind: 'volatility' }, { kind: 'volume-z' }],
});
const RAW: FeaturesConfig = { ...FULL, normalize: false };

describe('causality', () => {
  const bars = randomWalk('causal', 400);
  const train = randomWalk('causal-train', 500);

  it.each([
    ['normalised', FULL],
    ['raw', RAW],
  ] as const)('%s: perturbing every bar after t leaves rows 0..t byte-identical', (_, config) => {
    const features = fitFeatures(config, train);
    const dim = features.dim;
    expect(dim).toBe(9);
    const base = features.rows(bars);
    let changedAfter = 0;
    for (const t of [0, 1, 13, 25, 33, 100, 250, 398]) {
      const other = features.rows(perturbAfter(bars, t, `perturb-${t}`));
      expect(bytes(other, t + 1, dim).equals(bytes(base, t + 1, dim)), `rows 0..${t}`).toBe(true);
      if (!bytes(other, t + 2, dim).equals(bytes(base, t + 2, dim))) changedAfter++;
    }
    expect(changedAfter).toBeGreaterThanOrEqual(6); // the perturbation does reach the rows after t
  });

  it('rows before each warm-up are 0', () => {
    const features = fitFeatures(FULL, train);
    const m = features.rows(bars);
    expect(features.warmup).toEqual([14, 25, 33, 33, 19, 19, 14, 20, 19]);
    features.warmup.forEach((w, j) => {
      for (let i = 0; i < w; i++) expect(m[i * features.dim + j]).toBe(0);
      expect(m[w * features.dim + j]).not.toBe(0);
    });
  });
});

describe('normalisation', () => {
  const full = randomWalk('series', 1200);
  const train = sliceBars(full, 0, 600);

  it('statistics depend on the training bars only', () => {
    const stats = fitFeatures(FULL, train).stats();
    const altered = perturbAfter(full, 599, 'outside');
    expect(fitFeatures(FULL, sliceBars(altered, 0, 600)).stats()).toEqual(stats);
    const longer = perturbAfter(full, 599, 'inside'); // bar 600 differs; a 601-bar train sees it
    expect(fitFeatures(FULL, sliceBars(longer, 0, 601)).stats()).not.toEqual(fitFeatures(FULL, sliceBars(full, 0, 601)).stats());
  });

  it('training rows have mean ≈ 0 and std ≈ 1 per column after warm-up, unclipped', () => {
    const features = fitFeatures(FULL, train);
    const stats = features.stats() as NormalizerStats;
    expect(stats.count).toEqual(features.warmup.map((w) => 600 - w));
    for (const { mean, std, max } of columnMoments(features.rows(train), features.dim, features.warmup)) {
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.abs(std - 1)).toBeLessThan(1e-6);
      expect(max).toBeLessThan(10);
    }
  });

  it('frozen statistics are applied unchanged to other bars', () => {
    const features = fitFeatures(FULL, train);
    const before = JSON.stringify(features.stats());
    const test = sliceBars(full, 600, 1200);
    const rows = features.rows(test);
    expect(JSON.stringify(features.stats())).toBe(before);
    const norm = Normalizer.fromStats(features.stats() as NormalizerStats);
    const raw = computeIndicators(FULL.indicators, test).values;
    const expected = new Float32Array(raw.length);
    norm.applyMatrix(raw, expected);
    expect(Buffer.from(rows.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    // Not re-standardised on the test bars: some column's test mean is away from 0.
    expect(Math.max(...columnMoments(rows, features.dim, features.warmup).map((c) => Math.abs(c.mean)))).toBeGreaterThan(0.01);
  });

  it('a JSON round trip of the statistics rebuilds a source with byte-identical rows', () => {
    const features = fitFeatures(FULL, train);
    const rebuilt = featureSourceFromStats(FULL, JSON.parse(JSON.stringify(features.stats())) as NormalizerStats);
    expect(rebuilt.names).toEqual(features.names);
    expect(rebuilt.stats()).toEqual(features.stats());
    for (const bars of [train, sliceBars(full, 600, 1200), randomWalk('elsewhere', 300)]) {
      expect(Buffer.from(rebuilt.rows(bars).buffer).equals(Buffer.from(features.rows(bars).buffer))).toBe(true);
    }
  });

  it('a column constant in training is centred, not blown up by the std floor', () => {
    const flatTrain = copyBars(train);
    flatTrain.volume.fill(1e6);
    const config = featuresSchema.parse({ indicators: [{ kind: 'volume-z', period: 5 }] });
    const features = fitFeatures(config, flatTrain);
    expect(features.stats()?.std).toEqual([0]);
    const raw = computeIndicators(config.indicators, full).values;
    const rows = features.rows(full);
    for (let i = 4; i < full.length; i++) expect(rows[i]).toBe(Math.fround(raw[i]));
  });

  it('clips to ±10 standard deviations by default, and as configured', () => {
    const config = featuresSchema.parse({ indicators: [{ kind: 'volatility', period: 5 }] });
    const jump = copyBars(full); // every price from bar 700 on tripled: one huge return
    for (const key of ['open', 'high', 'low', 'close'] as const) for (let i = 700; i < jump.length; i++) jump[key][i] *= 3;
    expect(fitFeatures(config, train).rows(jump)[700]).toBe(10);
    expect(fitFeatures(config, train, { clip: 2 }).rows(jump)[700]).toBe(2);
    const unclipped = fitFeatures(config, train, { clip: null });
    expect(unclipped.stats()?.clip).toBeNull();
    expect(unclipped.rows(jump)[700]).toBeGreaterThan(10);
  });

  it('normalize: false gives the raw indicator values and no statistics', () => {
    const features = fitFeatures(RAW, train);
    expect(features.stats()).toBeNull();
    const raw = computeIndicators(RAW.indicators, full).values;
    const rows = features.rows(full);
    raw.forEach((v, k) => expect(rows[k]).toBe(Number.isFinite(v) ? Math.fround(v) : 0));
    expect(featureSourceFromStats(RAW, null).rows(full)).toEqual(rows);
  });
});

describe('caching and shape', () => {
  const train = randomWalk('cache-train', 300);
  const features = fitFeatures(FULL, train);

  it('returns the same array for the same Bars object, and equal bytes for an equal copy', () => {
    const bars = randomWalk('cache', 200);
    const a = features.rows(bars);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(200 * features.dim);
    expect(features.rows(bars)).toBe(a);
    const copy = copyBars(bars);
    expect(features.rows(copy)).not.toBe(a);
    expect(features.rows(copy)).toEqual(a);
    // The training rows cached while fitting equal a fresh computation.
    expect(Buffer.from(features.rows(copyBars(train)).buffer).equals(Buffer.from(features.rows(train).buffer))).toBe(true);
  });

  it('no indicators: a dim-0 source', () => {
    const empty = fitFeatures(featuresSchema.parse({}), train);
    expect(empty.dim).toBe(0);
    expect(empty.names).toEqual([]);
    expect(empty.rows(train)).toEqual(new Float32Array(0));
    const rebuilt = featureSourceFromStats(featuresSchema.parse({}), JSON.parse(JSON.stringify(empty.stats())) as NormalizerStats);
    expect(rebuilt.dim).toBe(0);
    expect(fitFeatures({ indicators: [], normalize: false }, train).rows(train).length).toBe(0);
  });

  it('empty bars give an empty matrix', () => {
    expect(features.rows(allocBars('EMPTY', 0)).length).toBe(0);
  });
});

describe('errors', () => {
  const train = randomWalk('errors', 300);

  it('a training segment not longer than the warm-up', () => {
    expectCode(() => fitFeatures(FULL, sliceBars(train, 0, 33)), 'E_CONFIG');
    expect(fitFeatures(FULL, sliceBars(train, 0, 34)).stats()?.count).toEqual([20, 9, 1, 1, 15, 15, 20, 14, 15]);
    expect(fitFeatures(RAW, sliceBars(train, 0, 5)).dim).toBe(9); // nothing to fit without normalisation
  });

  it('invalid or duplicate indicators', () => {
    expectCode(() => fitFeatures({ indicators: [{ kind: 'rsi', period: 1 }], normalize: true }, train), 'E_CONFIG');
    expectCode(() => fitFeatures(featuresSchema.parse({ indicators: [{ kind: 'atr' }, { kind: 'atr', period: 14 }] }), train), 'E_CONFIG');
  });

  it('missing, malformed or mismatched statistics', () => {
    const stats = fitFeatures(FULL, train).stats() as NormalizerStats;
    expectCode(() => featureSourceFromStats(FULL, null), 'E_CONFIG');
    expectCode(() => featureSourceFromStats(featuresSchema.parse({ indicators: [{ kind: 'rsi' }] }), stats), 'E_CONFIG');
    expectCode(() => featureSourceFromStats(FULL, { ...stats, std: stats.std.slice(1) }), 'E_CONFIG');
    expectCode(() => featureSourceFromStats(FULL, { ...stats, mean: stats.mean.map(() => NaN) }), 'E_CONFIG');
    expectCode(() => featureSourceFromStats(FULL, { ...stats, version: 2 } as unknown as NormalizerStats), 'E_CONFIG');
  });
});

describe('built-in S&P 500', () => {
  it('fits on the first 3000 bars; causal, finite and standardised on the training part', () => {
    const spx = loadBuiltinSp500();
    const train = sliceBars(spx, 0, 3000);
    const features = fitFeatures(FULL, train);
    const rows = features.rows(spx);
    expect(rows.every(Number.isFinite)).toBe(true);
    const trainRows = features.rows(train);
    expect(bytes(rows, 3000, features.dim).equals(bytes(trainRows, 3000, features.dim))).toBe(true);
    for (const { mean, std } of columnMoments(trainRows, features.dim, features.warmup)) {
      expect(Math.abs(mean)).toBeLessThan(0.01); // a few clipped volume spikes shift it slightly
      expect(Math.abs(std - 1)).toBeLessThan(0.05);
    }
    const t = 4000;
    const other = features.rows(perturbAfter(spx, t, 'spx'));
    expect(bytes(other, t + 1, features.dim).equals(bytes(rows, t + 1, features.dim))).toBe(true);
  });
});
