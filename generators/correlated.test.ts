import { describe, expect, it } from 'vitest';
import { ConfigError, RlError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { DAY_MS, sliceBars } from '../src/data/bars.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { mean, variance } from '../src/stats/descriptive.js';
import { correlationMatrix, matrixToRows, symmetricEigen } from '../src/stats/linalg.js';
import { correlated, correlatedConfigSchema, fitFactorModel, impliedCorrelation } from './correlated.js';
import type { CorrelatedAssetParams, CorrelatedConfig, CorrelatedParams } from './correlated.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import { ohlcViolation, utcWeekday } from './ohlc.js';

const asset = (symbol: string, over: Partial<CorrelatedAssetParams> = {}): CorrelatedAssetParams => ({
  symbol,
  mu: 3e-4,
  sigma: 0.012,
  overnightShare: 0.25,
  volume: { logMean: 14, logStd: 0.5 },
  initialPrice: 100,
  ...over,
});

const staticParams = (assets: CorrelatedAssetParams[], correlation: number[][]): CorrelatedParams => ({
  model: 'static',
  assets,
  correlation,
  factorModel: null,
  repair: null,
});

const config = (over: Partial<Record<keyof CorrelatedConfig, unknown>> = {}): CorrelatedConfig => correlatedConfigSchema.parse(over);

/** Close-to-close log returns of a generated path, the first one taken from the initial price. */
function pathReturns(bars: Bars, initialPrice: number): Float64Array {
  const r = new Float64Array(bars.length);
  for (let t = 0; t < bars.length; t++) r[t] = Math.log(bars.close[t] / (t === 0 ? initialPrice : bars.close[t - 1]));
  return r;
}

/** Overnight log returns ln(open_t/close_{t−1}) of a generated path. */
function gapReturns(bars: Bars, initialPrice: number): Float64Array {
  const r = new Float64Array(bars.length);
  for (let t = 0; t < bars.length; t++) r[t] = Math.log(bars.open[t] / (t === 0 ? initialPrice : bars.close[t - 1]));
  return r;
}

function errorOf(run: () => unknown): RlError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(RlError);
    return e as RlError;
  }
  throw new Error('expected an RlError');
}

function configPath(run: () => unknown): string {
  const e = errorOf(run);
  expect(e).toBeInstanceOf(ConfigError);
  return (e as ConfigError).path;
}

function bytesOf(panels: Panel[]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => [b.time, b.open, b.high, b.low, b.close, b.volume]));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

/**
 * Per-entry band for a sample correlation of n bivariate-normal pairs: its standard deviation is
 * (1 − ρ²)/√n to first order (Fisher), so 4 standard deviations per entry fail by chance with probability about
 * 6e-5 each; the seeds are fixed, so outcomes are reproducible.
 */
function expectCorrelationNear(sample: Float64Array, target: ArrayLike<number>, n: number, count: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const rho = target[i * n + j];
      expect(Math.abs(sample[i * n + j] - rho), `entry (${i}, ${j})`).toBeLessThan(i === j ? 1e-12 : (4 * (1 - rho * rho)) / Math.sqrt(count));
    }
  }
}

/** A positive definite 4×4 target (smallest eigenvalue ≈ 0.27). */
const R4 = [
  [1, 0.6, -0.3, 0.2],
  [0.6, 1, 0.1, 0.4],
  [-0.3, 0.1, 1, -0.5],
  [0.2, 0.4, -0.5, 1],
];

/** An aligned 3-asset training panel, independent assets, 500 bars. */
function trainPanel(): Panel {
  const identity = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1 : 0)));
  const params = staticParams([asset('AAA'), asset('BBB', { sigma: 0.02 }), asset('CCC', { overnightShare: 0.1 })], identity);
  return correlated.sample(params, Rng.fromSeed('train'), { length: 500, paths: 1 })[0];
}

describe('correlated sampling: static correlation of a long sample', () => {
  const n = 50_000;
  const params = staticParams(
    [asset('A'), asset('B', { sigma: 0.02, overnightShare: 0.1 }), asset('C', { mu: -1e-4, overnightShare: 0.4 }), asset('D', { volume: null, overnightShare: 0 })],
    R4,
  );
  const [panel] = correlated.sample(params, Rng.fromSeed('corr-static'), { length: n, paths: 1 });

  it('close-to-close returns have the implied correlation ρ_ij·(√(s_i s_j) + √((1 − s_i)(1 − s_j))) within 4(1 − ρ²)/√n', () => {
    const sample = correlationMatrix(panel.map((b, i) => pathReturns(b, params.assets[i].initialPrice)));
    const { returns, shocks } = impliedCorrelation(params);
    expect(Array.from(shocks)).toEqual(R4.flat());
    // Shares 0.25 and 0.1: a = √0.025 + √0.675 ≈ 0.98; equal shares leave ρ unchanged.
    expect(returns[1]).toBeCloseTo(0.6 * (Math.sqrt(0.025) + Math.sqrt(0.675)), 14);
    expectCorrelationNear(sample, returns, 4, n);
  });

  it('overnight gaps are correlated with the target itself (both legs share the matrix)', () => {
    // Asset D has no overnight leg (s = 0), so only A, B, C are checked.
    const gaps = panel.slice(0, 3).map((b, i) => gapReturns(b, params.assets[i].initialPrice));
    expectCorrelationNear(correlationMatrix(gaps), R4.slice(0, 3).flatMap((row) => row.slice(0, 3)), 3, n);
  });

  it('every asset has valid OHLCV bars on one shared weekday time column', () => {
    for (const bars of panel) {
      expect(ohlcViolation(bars)).toBeUndefined();
      expect(Buffer.from(bars.time.buffer).equals(Buffer.from(panel[0].time.buffer))).toBe(true);
    }
    expect(panel.map((b) => b.symbol)).toEqual(['A', 'B', 'C', 'D']);
    expect(panel[0].time[0]).toBe(DEFAULT_SAMPLE_START);
    for (let t = 0; t < 1000; t++) expect(utcWeekday(panel[0].time[t])).toBeGreaterThanOrEqual(1);
    expect(panel[3].volume.every((v) => v === 0)).toBe(true);
  });

  it('fit(sample(θ)) recovers μ, σ, overnight share and the return correlation per asset', () => {
    const fitted = correlated.fit(panel, config(), {});
    const m = n - 1; // the fit sees returns between generated bars only
    fitted.assets.forEach((a, i) => {
      const p = params.assets[i];
      expect(a.symbol).toBe(p.symbol);
      // sd(μ̂) = σ/√m; sd(σ̂²) = σ²·√(2/m); 4 standard deviations.
      expect(Math.abs(a.mu - p.mu)).toBeLessThan((4 * p.sigma) / Math.sqrt(m));
      expect(Math.abs(a.sigma ** 2 - p.sigma ** 2)).toBeLessThan(4 * p.sigma ** 2 * Math.sqrt(2 / m));
      // sd(ŝ) = 2s·√((1 − s)/m) (delta method; derivation in gbm.test.ts); s = 0 is recovered exactly.
      const s = p.overnightShare;
      expect(Math.abs(a.overnightShare - s)).toBeLessThanOrEqual(4 * 2 * s * Math.sqrt((1 - s) / m));
      expect(a.initialPrice).toBe(panel[i].close[n - 1]);
    });
    expect(fitted.repair).toBeNull();
    expectCorrelationNear(Float64Array.from(fitted.correlation.flat()), impliedCorrelation(params).returns, 4, m);
  });
});

describe('correlated: PSD repair of the target', () => {
  // Higham (2002): [[1, 1, 0], [1, 1, 1], [0, 1, 1]] has eigenvalue 1 − √2 < 0.
  const bad = [
    [1, 1, 0],
    [1, 1, 1],
    [0, 1, 1],
  ];
  const train = trainPanel();

  it("'higham' (the default) replaces a non-PSD configured matrix by its nearest correlation matrix", () => {
    const params = correlated.fit(train, config({ correlation: bad }), {});
    expect(params.repair).not.toBeNull();
    expect(params.repair!.method).toBe('higham');
    expect(params.repair!.minEigenvalue).toBeCloseTo(1 - Math.SQRT2, 12);
    expect(params.repair!.distance).toBeCloseTo(0.5278, 4);
    expect(Math.abs(params.correlation[0][1] - 0.7607)).toBeLessThan(5e-5);
    expect(Math.abs(params.correlation[0][2] - 0.1573)).toBeLessThan(5e-5);
    // The repaired matrix sits on the PSD boundary (singular): sampling takes the eigen square root.
    const n = 20_000;
    const [panel] = correlated.sample(params, Rng.fromSeed('repaired'), { length: n, paths: 1 });
    const sample = correlationMatrix(panel.map((b, i) => pathReturns(b, params.assets[i].initialPrice)));
    expectCorrelationNear(sample, impliedCorrelation(params).returns, 3, n);
    for (const bars of panel) expect(ohlcViolation(bars)).toBeUndefined();
  });

  it("'clip' repairs too; 'none' throws a ConfigError at `correlation`", () => {
    const clipped = correlated.fit(train, config({ correlation: bad, psdRepair: 'clip' }), {});
    expect(clipped.repair!.method).toBe('clip');
    expect(symmetricEigen(clipped.correlation.flat(), 3).values[0]).toBeGreaterThan(-1e-12);
    expect(configPath(() => correlated.fit(train, config({ correlation: bad, psdRepair: 'none' }), {}))).toBe('correlation');
  });

  it('rejects configured matrices that are not correlation matrices, in the schema and in fit', () => {
    const asymmetric = [
      [1, 0.5, 0],
      [0.4, 1, 0],
      [0, 0, 1],
    ];
    const parsed = correlatedConfigSchema.safeParse({ correlation: asymmetric });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual(['correlation']);
    expect(correlatedConfigSchema.safeParse({ correlation: [[2]] }).success).toBe(false);
    expect(correlatedConfigSchema.safeParse({ correlation: [[1, 0.5]] }).success).toBe(false);
    // fit re-checks (configs may come from code, unparsed) and checks the size against the panel.
    expect(configPath(() => correlated.fit(train, { ...config(), correlation: asymmetric }, {}))).toBe('correlation');
    expect(configPath(() => correlated.fit(train, config({ correlation: [[1, 0], [0, 1]] }), {}))).toBe('correlation');
  });

  it('samples a singular (PSD) target: perfectly correlated twins move together', () => {
    const twins = staticParams([asset('X'), asset('Y')], [
      [1, 1],
      [1, 1],
    ]);
    const [[x, y]] = correlated.sample(twins, Rng.fromSeed('twins'), { length: 1000, paths: 1 });
    for (let t = 0; t < 1000; t++) expect(Math.abs(Math.log(x.close[t] / y.close[t]))).toBeLessThan(1e-12);
    expect(ohlcViolation(x)).toBeUndefined();
  });
});

describe('correlated: factor model', () => {
  // One-factor target: R_ij = b_i·b_j off the diagonal, 1 on it (idiosyncratic variance 1 − b_i²).
  const b = [0.9, 0.8, 0.7, 0.6, 0.5];
  const oneFactor = b.map((bi, i) => b.map((bj, j) => (i === j ? 1 : bi * bj)));
  const train = (() => {
    const identity = b.map((_, i) => b.map((__, j) => (i === j ? 1 : 0)));
    return correlated.sample(staticParams(b.map((_, i) => asset(`F${i}`)), identity), Rng.fromSeed('factor-train'), { length: 300, paths: 1 })[0];
  })();

  it("K = 1 'principal-axis' recovers the loadings and idiosyncratic variances of a one-factor structure", () => {
    const params = correlated.fit(train, config({ model: 'factor', factors: 1, factorMethod: 'principal-axis', correlation: oneFactor }), {});
    const fm = params.factorModel!;
    fm.loadings.forEach((row, i) => {
      expect(row).toHaveLength(1);
      expect(Math.abs(row[0] - b[i])).toBeLessThan(1e-6);
      expect(Math.abs(fm.idiosyncratic[i] - (1 - b[i] ** 2))).toBeLessThan(1e-6);
    });
    const { shocks } = impliedCorrelation(params);
    expect(Math.max(...shocks.map((v, k) => Math.abs(v - oneFactor.flat()[k])))).toBeLessThan(1e-6);
  });

  it("K = 1 'pca' gives a one-factor matrix (tetrad conditions hold) with loadings over-stated as documented", () => {
    const params = correlated.fit(train, config({ model: 'factor', factors: 1, correlation: oneFactor }), {});
    const s = matrixToRows(impliedCorrelation(params).shocks, 5);
    // A one-factor matrix satisfies ρ_ij·ρ_kl = ρ_il·ρ_kj for distinct indices.
    expect(s[0][1] * s[2][3]).toBeCloseTo(s[0][3] * s[2][1], 14);
    expect(s[0][2] * s[3][4]).toBeCloseTo(s[0][4] * s[3][2], 14);
    for (let i = 0; i < 5; i++) expect(s[i][i]).toBeCloseTo(1, 14);
    // PCA over-states the common part: total communality λ_1 ≥ Σ b² = 2.55, every implied correlation is too
    // high here, and the loadings keep b's order while being pulled together.
    const loadings = params.factorModel!.loadings.map((row) => row[0]);
    expect(loadings.reduce((acc, l) => acc + l * l, 0)).toBeGreaterThan(2.55);
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) expect(s[i][j]).toBeGreaterThan(oneFactor[i][j]);
    expect(loadings).toEqual([...loadings].sort((p, q) => q - p));
    expect(loadings[0] - loadings[4]).toBeLessThan(b[0] - b[4]);
    // Equicorrelation over n = 5 at ρ = 0.5: PCA loadings² = (1 + (n − 1)ρ)/n = 0.6.
    const eq = Float64Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? 1 : 0.5));
    const fm = fitFactorModel(eq, 5, 1, 'pca');
    for (let i = 0; i < 5; i++) expect(fm.loadings[i] ** 2).toBeCloseTo(0.6, 12);
  });

  it('a sampled factor model has the implied correlation (n = 50,000, 4(1 − ρ²)/√n per entry)', () => {
    const params = correlated.fit(train, config({ model: 'factor', factors: 1, correlation: oneFactor }), {});
    const n = 50_000;
    const [panel] = correlated.sample(params, Rng.fromSeed('factor-sample'), { length: n, paths: 1 });
    const sample = correlationMatrix(panel.map((bars, i) => pathReturns(bars, params.assets[i].initialPrice)));
    expectCorrelationNear(sample, impliedCorrelation(params).returns, 5, n);
  });

  it('K = 2 on data fits; K larger than the panel is a ConfigError at `factors`', () => {
    const params = correlated.fit(train, config({ model: 'factor', factors: 2 }), {});
    expect(params.factorModel!.loadings.every((row) => row.length === 2)).toBe(true);
    expect(configPath(() => correlated.fit(train, config({ model: 'factor', factors: 6 }), {}))).toBe('factors');
  });
});

describe('correlated: fit, shape, determinism and errors', () => {
  const train = trainPanel();

  it('fits an aligned panel to plain JSON that samples identically after a round trip', () => {
    const params = correlated.fit(train, config(), {});
    expect(params.model).toBe('static');
    expect(params.assets.map((a) => a.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(params.correlation).toHaveLength(3);
    const copy = JSON.parse(JSON.stringify(params)) as CorrelatedParams;
    expect(copy).toEqual(params);
    const opts = { length: 200, paths: 2 };
    expect(bytesOf(correlated.sample(copy, Rng.fromSeed(5), opts)).equals(bytesOf(correlated.sample(params, Rng.fromSeed(5), opts)))).toBe(true);
  });

  it('is byte-identical for the same seed and differs for another, in both models', () => {
    for (const model of ['static', 'factor'] as const) {
      const params = correlated.fit(train, config({ model, factors: 2 }), {});
      const opts = { length: 300, paths: 3, start: Date.UTC(2010, 5, 5) };
      const a = bytesOf(correlated.sample(params, Rng.fromSeed(11), opts));
      expect(a.equals(bytesOf(correlated.sample(params, Rng.fromSeed(11), opts)))).toBe(true);
      expect(a.equals(bytesOf(correlated.sample(params, Rng.fromSeed(12), opts)))).toBe(false);
      expect(JSON.stringify(correlated.fit(train, config({ model, factors: 2 }), {}))).toBe(JSON.stringify(params));
    }
  });

  it('overrides μ and σ per asset from the config', () => {
    const params = correlated.fit(train, config({ mu: [0.001, 0, -0.001], sigma: [0.01, 0.02, 0.03], initialPrice: 42 }), {});
    expect(params.assets.map((a) => [a.mu, a.sigma, a.initialPrice])).toEqual([
      [0.001, 0.01, 42],
      [0, 0.02, 42],
      [-0.001, 0.03, 42],
    ]);
    expect(configPath(() => correlated.fit(train, config({ mu: [0, 0] }), {}))).toBe('mu');
    expect(configPath(() => correlated.fit(train, config({ sigma: [0.1] }), {}))).toBe('sigma');
  });

  it('a misaligned training panel is a DataError', () => {
    const shifted = { ...train[1], time: train[1].time.map((t) => t + DAY_MS) };
    expect(errorOf(() => correlated.fit([train[0], shifted, train[2]], config(), {})).code).toBe('E_DATA');
    expect(errorOf(() => correlated.fit([train[0], sliceBars(train[1], 1, 500), train[2]], config(), {})).code).toBe('E_DATA');
  });

  it('works for a single asset (1×1 correlation), in both models, with GBM moments', () => {
    for (const model of ['static', 'factor'] as const) {
      const params = correlated.fit([train[0]], config({ model }), {});
      expect(params.correlation).toEqual([[1]]);
      if (model === 'factor') expect(params.factorModel).toEqual({ loadings: [[1]], idiosyncratic: [0] });
    }
    const p = asset('ONE', { mu: 2e-4, sigma: 0.015 });
    const n = 50_000;
    const [[bars]] = correlated.sample(staticParams([p], [[1]]), Rng.fromSeed('one'), { length: n, paths: 1 });
    const r = pathReturns(bars, p.initialPrice);
    expect(Math.abs(mean(r) - p.mu)).toBeLessThan((4 * p.sigma) / Math.sqrt(n));
    expect(Math.abs(variance(r) - p.sigma ** 2)).toBeLessThan(4 * p.sigma ** 2 * Math.sqrt(2 / n));
    expect(ohlcViolation(bars)).toBeUndefined();
  });

  it('rejects params that cannot be sampled with a ConfigError naming the field', () => {
    const good = correlated.fit(train, config({ model: 'factor', factors: 1 }), {});
    const sample = (p: unknown) => () => correlated.sample(p as CorrelatedParams, Rng.fromSeed(1), { length: 5, paths: 1 });
    expect(configPath(sample({ ...good, assets: [] }))).toBe('params.assets');
    expect(configPath(sample({ ...good, assets: [{ ...good.assets[0], sigma: -1 }, ...good.assets.slice(1)] }))).toBe('params.assets[0].sigma');
    expect(configPath(sample({ ...good, correlation: [[1]] }))).toBe('params.correlation');
    expect(configPath(sample({ ...good, factorModel: null }))).toBe('params.factorModel');
    expect(configPath(sample({ ...good, factorModel: { ...good.factorModel!, idiosyncratic: [0.5, 0.5, 0.5] } }))).toMatch(/^params\.factorModel/);
    const indefinite = staticParams([asset('A'), asset('B'), asset('C')], [
      [1, 1, 0],
      [1, 1, 1],
      [0, 1, 1],
    ]);
    expect(configPath(sample(indefinite))).toBe('params.correlation');
    expect(configPath(() => correlated.sample(good, Rng.fromSeed(1), { length: 0, paths: 1 }))).toBe('length');
  });

  it('sampleReturns gives asset 0 close-to-close returns, row-major paths × length, seed-deterministic', () => {
    const p = staticParams([asset('A', { mu: 1e-3, sigma: 0.02 }), asset('B')], [
      [1, 0.5],
      [0.5, 1],
    ]);
    const opts = { length: 1000, paths: 50 };
    const r = correlated.sampleReturns!(p, Rng.fromSeed(9), opts);
    expect(r).toHaveLength(50_000);
    expect(Buffer.from(r.buffer).equals(Buffer.from(correlated.sampleReturns!(p, Rng.fromSeed(9), opts).buffer))).toBe(true);
    expect(Math.abs(mean(r) - 1e-3)).toBeLessThan((4 * 0.02) / Math.sqrt(r.length));
    expect(Math.abs(variance(r) - 0.02 ** 2)).toBeLessThan(4 * 0.02 ** 2 * Math.sqrt(2 / r.length));
    expect(configPath(() => correlated.sampleReturns!({ ...p, correlation: [[1]] }, Rng.fromSeed(1), opts))).toBe('params.correlation');
  });

  it('has described config keys with defaults and rejects unknown keys', () => {
    expect(config()).toEqual({ model: 'static', factors: 1, factorMethod: 'pca', psdRepair: 'higham' });
    expect(correlatedConfigSchema.safeParse({ psdRepiar: 'none' }).success).toBe(false);
    for (const key of Object.keys(correlatedConfigSchema.shape) as (keyof typeof correlatedConfigSchema.shape)[]) {
      expect(correlatedConfigSchema.shape[key].description).toMatch(/\w/);
    }
    expect([correlated.id, correlated.version]).toEqual(['correlated', 1]);
  });
});
