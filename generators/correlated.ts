import { z } from 'zod';
import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { mean, variance } from '../src/stats/descriptive.js';
import { cholesky, correlationMatrix, matrixFromRows, matrixToRows, nearestCorrelation, symmetricEigen } from '../src/stats/linalg.js';
import { barLogReturns, fitLogVolume, fitOvernightShare } from './bar-shape.js';
import { gbmReturnStream } from './gbm.js';
import type { GbmAssetParams } from './gbm.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { allocPanel, checkTrainPanel, returnsFromStreams, sampleTimes, writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Multi-asset geometric Brownian motion with cross-sectional correlation, on daily bars.
 *
 * Each asset i is `gbm`: close-to-close log returns r_i = μ_i + σ_i·(√s_i·z_on,i + √(1 − s_i)·z_id,i), split
 * into an overnight part (close → next open, variance share s_i) and an intraday part (open → close), high and
 * low the Brownian extremes of the intraday leg, iid lognormal volume. The standard-normal shock vectors z_on
 * and z_id are drawn independently each bar, and **both** have the same correlation matrix:
 * - `model: 'static'`: z = L·ε with ε iid N(0, I) and L·Lᵀ = R (Cholesky; an eigen square root when R is only
 *   semidefinite), R the target correlation.
 * - `model: 'factor'`: z = B·f + Ψ^{1/2}·e with K factors f ~ N(0, I_K), e ~ N(0, I_n), loadings B (n×K) and
 *   idiosyncratic variances ψ_i = 1 − Σ_k B_ik², so corr(z) = B·Bᵀ + Ψ, a unit-diagonal rank-K-plus-diagonal
 *   approximation of R (see {@link fitFactorModel}).
 *
 * Because both legs share the correlation ρ_ij of the shocks, the close-to-close returns have correlation
 * ρ_ij·a_ij with a_ij = √(s_i·s_j) + √((1 − s_i)(1 − s_j)) ≤ 1: exactly ρ_ij when the two assets have the same
 * overnight share, slightly less otherwise (a_ij ≈ 0.97 for shares 0.1 and 0.3, ≈ 0.99 for 0.3 and 0.45). Correlating the legs
 * separately keeps overnight gaps co-moving across assets, as they do in real markets (news lands while all
 * of them are closed). {@link impliedCorrelation} gives both matrices.
 *
 * Fit: from an aligned panel (one shared time column). Per asset, μ and σ are the Gaussian MLE of the
 * close-to-close log returns (as `gbm`), plus the overnight share and lognormal volume of ./bar-shape.ts. R is
 * the Pearson correlation of the close-to-close log returns, repaired to the nearest correlation matrix when it
 * is not positive semidefinite (`psdRepair`).
 */

/** Eigenvalues down to −PSD_TOL count as 0: a valid correlation matrix computed in floating point may land there. */
const PSD_TOL = 1e-10;
/** How far from 1 a diagonal, and from symmetric an entry pair, may be in configs and params. */
const MATRIX_TOL = 1e-9;
const MODELS = ['static', 'factor'] as const;

/**
 * The first structural problem of a correlation matrix given as rows, or undefined: square, finite, symmetric
 * and unit diagonal within 1e-9, entries in [−1, 1]. Positive semidefiniteness is checked separately.
 */
function correlationIssue(rows: readonly (readonly number[])[], n?: number): string | undefined {
  if (n !== undefined && rows.length !== n) return `is ${rows.length}×${rows.length} but there are ${n} assets`;
  for (let i = 0; i < rows.length; i++) {
    if (!Array.isArray(rows[i]) || rows[i].length !== rows.length) return `row ${i} has ${rows[i]?.length} entries, expected ${rows.length} (the matrix must be square)`;
    for (let j = 0; j < rows.length; j++) {
      const x = rows[i][j];
      if (!(Math.abs(x) <= 1)) return `entry [${i}][${j}] = ${x} is not in [−1, 1]`;
      if (i === j && Math.abs(x - 1) > MATRIX_TOL) return `diagonal entry [${i}][${i}] = ${x}, must be 1`;
      if (j < i && Math.abs(x - rows[j][i]) > MATRIX_TOL) return `not symmetric: [${i}][${j}] = ${x} but [${j}][${i}] = ${rows[j][i]}`;
    }
  }
  return undefined;
}

/** Config of `correlated`. Unknown keys are rejected (typos fail loudly). */
export const correlatedConfigSchema = z
  .strictObject({
    model: z
      .enum(MODELS)
      .default('static')
      .describe("'static': shocks with the full target correlation (Cholesky); 'factor': K common factors plus idiosyncratic noise."),
    factors: z.number().int().min(1).default(1).describe("Number of factors K (model 'factor' only); at most the number of assets."),
    factorMethod: z
      .enum(['pca', 'principal-axis'])
      .default('pca')
      .describe(
        "How loadings are fitted (model 'factor'): 'pca' = the top K principal components of the correlation; 'principal-axis' = iterated principal axes (the diagonal replaced by communalities), which recovers an exact K-factor structure.",
      ),
    psdRepair: z
      .enum(['higham', 'clip', 'none'])
      .default('higham')
      .describe(
        "Repair of a target correlation that is not positive semidefinite: 'higham' = nearest correlation matrix (Higham 2002); 'clip' = clip negative eigenvalues and rescale (cruder); 'none' = refuse (ConfigError).",
      ),
    correlation: z
      .array(z.array(z.number()))
      .optional()
      .describe('Target correlation of the shocks, one row per asset in panel order: square, symmetric, unit diagonal, entries in [−1, 1]. Default: fitted.'),
    mu: z
      .array(z.number())
      .optional()
      .describe('Drift of close-to-close log returns per asset, per bar (not annualised), in panel order. Default: fitted.'),
    sigma: z
      .array(z.number().nonnegative())
      .optional()
      .describe('Standard deviation of close-to-close log returns per asset, per bar (not annualised), in panel order. Default: fitted.'),
    initialPrice: z
      .number()
      .positive()
      .optional()
      .describe("Close before the first generated bar, in price units, for every asset. Default: each asset's last training close."),
  })
  .superRefine((c, ctx) => {
    const issue = c.correlation === undefined ? undefined : correlationIssue(c.correlation);
    if (issue) ctx.addIssue({ code: 'custom', path: ['correlation'], message: issue });
  });

export type CorrelatedConfig = z.infer<typeof correlatedConfigSchema>;

/** One asset's marginal parameters: exactly those of `gbm` (per-bar log returns, overnight share, volume, start price). */
export type CorrelatedAssetParams = GbmAssetParams;

/** Loadings and idiosyncratic variances of the factor model (plain JSON). */
export interface FactorModelParams {
  /** n×K loadings B, asset-major (`loadings[i][k]`); each factor's sign makes its largest loading positive. */
  readonly loadings: readonly (readonly number[])[];
  /** ψ_i = 1 − Σ_k B_ik² ∈ [0, 1], the variance of asset i's shock the factors leave unexplained. */
  readonly idiosyncratic: readonly number[];
}

/** How a target correlation that was not positive semidefinite was repaired. */
export interface CorrelationRepair {
  readonly method: 'higham' | 'clip';
  /** Smallest eigenvalue of the matrix before repair (< 0). */
  readonly minEigenvalue: number;
  /** Frobenius distance between the matrix before and after repair. */
  readonly distance: number;
  readonly iterations: number;
}

/** Fitted parameters of `correlated` (plain JSON). */
export interface CorrelatedParams {
  readonly model: 'static' | 'factor';
  /** One entry per asset, in panel order. */
  readonly assets: readonly CorrelatedAssetParams[];
  /** n×n target correlation of the shocks (fitted or configured, after repair): a valid correlation matrix. */
  readonly correlation: readonly (readonly number[])[];
  /** The factor model that model 'factor' samples; null for 'static'. */
  readonly factorModel: FactorModelParams | null;
  /** Set when the target was not PSD and was repaired; null otherwise. */
  readonly repair: CorrelationRepair | null;
}

// ---------------------------------------------------------------------------------------------------
// Fit

/**
 * K-factor model of a correlation matrix R (n×n row-major): loadings B (n×K, row-major) and idiosyncratic
 * variances ψ with B·Bᵀ + diag(ψ) unit-diagonal.
 *
 * `'pca'`: with R = V·Λ·Vᵀ, B = V_K·Λ_K^{1/2} (the K largest eigenpairs) and ψ_i = 1 − Σ_k B_ik², the residual
 * diagonal, in [0, 1] for a PSD R. It is the best rank-K approximation of R, but it over-states the common part
 * of a true factor structure, because the components also absorb idiosyncratic variance: the total communality
 * Σ_i h_i² exceeds the true one (for K = 1, λ_1 ≥ bᵀRb/bᵀb ≥ Σ b_i²), the loadings are pulled towards each
 * other, and implied correlations come out too high (for n equicorrelated assets at ρ: loadings²
 * (1 + (n − 1)ρ)/n instead of ρ; for loadings 0.9 … 0.5 over 5 assets, off-diagonals up to 0.13 too high).
 *
 * `'principal-axis'`: iterated principal axis factoring, starting from the PCA communalities h_i² = Σ_k B_ik²:
 * replace R's diagonal by h², take B from its K largest eigenpairs, update h² (capped at 1), until h² moves by
 * less than 1e-12 (at most 1,000 iterations, typically 10–100; the last iterate is kept). Its fixed point reproduces every off-diagonal entry of an exact
 * K-factor matrix B·Bᵀ + Ψ.
 *
 * A row with Σ_k B_ik² > 1 (rounding, or a capped Heywood case) is scaled to unit norm and gets ψ_i = 0.
 *
 * @throws RangeError if K is not in 1..n or R is not finite and symmetric.
 * @example
 * const { loadings, idiosyncratic } = fitFactorModel(matrixFromRows(rows), 5, 1, 'pca');
 */
export function fitFactorModel(
  r: Float64Array,
  n: number,
  k: number,
  method: 'pca' | 'principal-axis',
): { loadings: Float64Array; idiosyncratic: Float64Array } {
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`fitFactorModel: K must be an integer in 1..${n}, got ${k}`);
  const loadings = new Float64Array(n * k);
  const fromEigen = (m: Float64Array): void => {
    const { values, vectors } = symmetricEigen(m, n);
    for (let f = 0; f < k; f++) {
      const col = n - 1 - f;
      const scale = Math.sqrt(Math.max(0, values[col]));
      for (let i = 0; i < n; i++) loadings[i * k + f] = vectors[i * n + col] * scale;
    }
  };
  const communality = (i: number): number => {
    let h = 0;
    for (let f = 0; f < k; f++) h += loadings[i * k + f] ** 2;
    return h;
  };
  fromEigen(r);
  if (method === 'principal-axis') {
    const reduced = r.slice();
    for (let iter = 0; iter < 1000; iter++) {
      let moved = 0;
      for (let i = 0; i < n; i++) {
        const h = Math.min(1, communality(i));
        moved = Math.max(moved, Math.abs(h - reduced[i * n + i]));
        reduced[i * n + i] = h;
      }
      if (iter > 0 && moved < 1e-12) break;
      fromEigen(reduced);
    }
  }
  const idiosyncratic = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const h = communality(i);
    if (h > 1) for (let f = 0; f < k; f++) loadings[i * k + f] /= Math.sqrt(h);
    idiosyncratic[i] = Math.max(0, 1 - Math.min(1, h));
  }
  return { loadings, idiosyncratic };
}

/** Marginal parameters of asset i, as `gbm` fits them, with the config's per-asset overrides. */
function fitAsset(bars: Bars, r: Float64Array, config: CorrelatedConfig, i: number): CorrelatedAssetParams {
  const vol = fitLogVolume(bars);
  return {
    symbol: bars.symbol,
    mu: config.mu?.[i] ?? mean(r),
    sigma: config.sigma?.[i] ?? Math.sqrt(variance(r, 0)),
    overnightShare: fitOvernightShare(bars),
    volume: vol === null ? null : { logMean: vol.logMean, logStd: vol.logStd },
    initialPrice: config.initialPrice ?? bars.close[bars.length - 1],
  };
}

/**
 * Fits a whole panel: marginals, the target correlation (configured, or the Pearson correlation of the
 * close-to-close log returns, where an asset with constant prices gets correlation 0 with the others), its
 * repair when it is not PSD (smallest eigenvalue below −1e-10), and the factor model.
 *
 * @throws DataError for a panel that is not aligned or has unusable bars; ConfigError at `mu`, `sigma`,
 *   `correlation` (wrong size, not a correlation matrix, or not PSD with psdRepair 'none'), `psdRepair` (fitted
 *   matrix not PSD with 'none') or `factors` (more than the assets).
 */
function fitCorrelated(train: Panel, config: CorrelatedConfig): CorrelatedParams {
  checkTrainPanel(train, 2, true);
  const n = train.length;
  for (const key of ['mu', 'sigma'] as const) {
    const v = config[key];
    if (v !== undefined && v.length !== n) throw new ConfigError(key, `has ${v.length} entries but the panel has ${n} assets`);
  }
  if (config.model === 'factor' && config.factors > n) throw new ConfigError('factors', `K = ${config.factors} exceeds the ${n} assets`);
  const returns = train.map((bars) => barLogReturns(bars).r);
  const assets = train.map((bars, i) => fitAsset(bars, returns[i], config, i));
  assets.forEach(checkAssetParams);

  let target: Float64Array;
  if (config.correlation !== undefined) {
    const issue = correlationIssue(config.correlation, n);
    if (issue) throw new ConfigError('correlation', issue);
    target = matrixFromRows(config.correlation);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) target[i * n + j] = target[j * n + i] = 0.5 * (target[i * n + j] + target[j * n + i]);
  } else {
    target = correlationMatrix(returns);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (Number.isNaN(target[i * n + j])) target[i * n + j] = i === j ? 1 : 0;
  }
  for (let i = 0; i < n; i++) target[i * n + i] = 1;

  let repair: CorrelationRepair | null = null;
  const minEigenvalue = symmetricEigen(target, n).values[0];
  if (minEigenvalue < -PSD_TOL) {
    if (config.psdRepair === 'none') {
      const key = config.correlation !== undefined ? 'correlation' : 'psdRepair';
      throw new ConfigError(key, `the ${config.correlation !== undefined ? 'configured' : 'fitted'} correlation is not positive semidefinite (smallest eigenvalue ${minEigenvalue}); use psdRepair 'higham' or 'clip'`);
    }
    const fixed = nearestCorrelation(target, n, { method: config.psdRepair });
    repair = { method: config.psdRepair, minEigenvalue, distance: fixed.distance, iterations: fixed.iterations };
    target = fixed.matrix;
  }

  let factorModel: FactorModelParams | null = null;
  if (config.model === 'factor') {
    const k = config.factors;
    const fm = fitFactorModel(target, n, k, config.factorMethod);
    factorModel = {
      loadings: Array.from({ length: n }, (_, i) => Array.from(fm.loadings.subarray(i * k, (i + 1) * k))),
      idiosyncratic: Array.from(fm.idiosyncratic),
    };
  }
  return { model: config.model, assets, correlation: matrixToRows(target, n), factorModel, repair };
}

// ---------------------------------------------------------------------------------------------------
// Sample

/** @throws ConfigError naming the bad field when asset params (e.g. loaded from JSON) cannot be sampled. */
function checkAssetParams(a: CorrelatedAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  if (!Number.isFinite(a.mu)) throw new ConfigError(at('mu'), `must be finite, got ${a.mu}`);
  if (!(a.sigma >= 0 && a.sigma < Infinity)) throw new ConfigError(at('sigma'), `must be finite and ≥ 0, got ${a.sigma}`);
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  if (a.volume !== null && !(Number.isFinite(a.volume.logMean) && a.volume.logStd >= 0 && a.volume.logStd < Infinity)) {
    throw new ConfigError(at('volume'), 'needs a finite logMean and a finite logStd ≥ 0');
  }
}

/**
 * Draws correlated standard-normal shock vectors: z = A·ε with A n×m. Static: A = L (m = n). Factor:
 * A = [B | Ψ^{1/2}] (m = K + n), applied without the zeros of the diagonal block.
 */
class ShockSampler {
  private readonly eps: Float64Array;

  constructor(
    readonly n: number,
    /** Static: n×n square root of R. Factor: n×K loadings. Row-major. */
    private readonly a: Float64Array,
    /** Columns of `a`. */
    private readonly k: number,
    /** Factor model: √ψ_i; null for static. */
    private readonly idioSd: Float64Array | null,
  ) {
    this.eps = new Float64Array(k + (idioSd === null ? 0 : n));
  }

  /** Writes one shock vector into `z`: draws m normals (static: n; factor: K factors, then n idiosyncratic). */
  draw(rng: Rng, z: Float64Array): void {
    const { n, a, k, eps, idioSd } = this;
    for (let j = 0; j < eps.length; j++) eps[j] = rng.normal();
    for (let i = 0; i < n; i++) {
      let s = idioSd === null ? 0 : idioSd[i] * eps[k + i];
      for (let j = 0; j < k; j++) s += a[i * k + j] * eps[j];
      z[i] = s;
    }
  }
}

/**
 * A square root A of a correlation matrix R (A·Aᵀ = R): the Cholesky factor when R is positive definite;
 * otherwise (singular R, e.g. perfectly correlated assets or a repaired matrix on the PSD boundary)
 * V·max(Λ, 0)^{1/2} from the eigen-decomposition, each row rescaled to unit norm so every shock keeps variance 1.
 *
 * @throws ConfigError at `params.correlation` if R has an eigenvalue below −1e-10.
 */
function correlationRoot(r: Float64Array, n: number): Float64Array {
  try {
    return cholesky(r, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  const { values, vectors } = symmetricEigen(r, n);
  if (values[0] < -PSD_TOL) throw new ConfigError('params.correlation', `is not positive semidefinite (smallest eigenvalue ${values[0]})`);
  const root = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < n; j++) {
      root[i * n + j] = vectors[i * n + j] * Math.sqrt(Math.max(0, values[j]));
      norm += root[i * n + j] ** 2;
    }
    if (norm > 0) for (let j = 0; j < n; j++) root[i * n + j] /= Math.sqrt(norm);
  }
  return root;
}

/** Validates params and builds the shock sampler. @throws ConfigError naming the bad field. */
function prepare(params: CorrelatedParams): ShockSampler {
  const n = params.assets.length;
  if (n === 0) throw new ConfigError('params.assets', 'needs at least one asset');
  if (!MODELS.includes(params.model)) throw new ConfigError('params.model', `must be one of ${MODELS.join(', ')}, got ${String(params.model)}`);
  params.assets.forEach(checkAssetParams);
  const issue = Array.isArray(params.correlation) ? correlationIssue(params.correlation, n) : 'is missing';
  if (issue) throw new ConfigError('params.correlation', issue);
  if (params.model === 'static') return new ShockSampler(n, correlationRoot(matrixFromRows(params.correlation), n), n, null);

  const fm = params.factorModel;
  if (fm === null || !Array.isArray(fm.loadings) || fm.loadings.length !== n || !Array.isArray(fm.idiosyncratic) || fm.idiosyncratic.length !== n) {
    throw new ConfigError('params.factorModel', `needs ${n} rows of loadings and ${n} idiosyncratic variances`);
  }
  const k = Array.isArray(fm.loadings[0]) ? fm.loadings[0].length : 0;
  const a = new Float64Array(n * k);
  const idioSd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = fm.loadings[i];
    if (!Array.isArray(row) || row.length !== k || !(k >= 1) || !row.every(Number.isFinite)) throw new ConfigError(`params.factorModel.loadings[${i}]`, `needs ${k} ≥ 1 finite loadings`);
    a.set(row, i * k);
    const psi = fm.idiosyncratic[i];
    const total = row.reduce((s: number, b: number) => s + b * b, psi);
    if (!(psi >= 0 && Math.abs(total - 1) <= MATRIX_TOL)) {
      throw new ConfigError(`params.factorModel.idiosyncratic[${i}]`, `must be ≥ 0 and make Σ loading² + ψ = 1, got ${total}`);
    }
    idioSd[i] = Math.sqrt(psi);
  }
  return new ShockSampler(n, a, k, idioSd);
}

/**
 * Correlations a params object produces, as n×n row-major arrays: `shocks` is the correlation of the shock
 * vectors z (the target for 'static', B·Bᵀ + Ψ for 'factor'); `returns` is that of the close-to-close log
 * returns, ρ_ij·(√(s_i·s_j) + √((1 − s_i)(1 − s_j))) off the diagonal (the overnight and intraday legs are
 * correlated separately; see the module note).
 *
 * @example
 * const { returns } = impliedCorrelation(params); // compare with the sample correlation of generated returns
 */
export function impliedCorrelation(params: CorrelatedParams): { shocks: Float64Array; returns: Float64Array } {
  const n = params.assets.length;
  let shocks = matrixFromRows(params.correlation);
  const fm = params.factorModel;
  if (params.model === 'factor' && fm !== null) {
    shocks = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? fm.idiosyncratic[i] : 0;
        for (let f = 0; f < fm.loadings[i].length; f++) s += fm.loadings[i][f] * fm.loadings[j][f];
        shocks[i * n + j] = s;
      }
    }
  }
  const returns = shocks.slice();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const si = params.assets[i].overnightShare;
      const sj = params.assets[j].overnightShare;
      returns[i * n + j] *= Math.sqrt(si * sj) + Math.sqrt((1 - si) * (1 - sj));
    }
  }
  return { shocks, returns };
}

/**
 * Fills `panel` (time columns already set) with one path. Per bar, in this order: the overnight shock vector
 * ({@link ShockSampler.draw}: n normals for 'static', K + n for 'factor'), the intraday shock vector (as
 * many), then for each asset in panel order a normal for ln(volume) (only when it has volume) and the two
 * uniforms of its high and low.
 */
function samplePath(params: CorrelatedParams, shocks: ShockSampler, rng: Rng, panel: Panel): void {
  const n = panel.length;
  const { assets } = params;
  const muOn = assets.map((a) => a.mu * a.overnightShare);
  const sdOn = assets.map((a) => a.sigma * Math.sqrt(a.overnightShare));
  const muId = assets.map((a) => a.mu * (1 - a.overnightShare));
  const sdId = assets.map((a) => a.sigma * Math.sqrt(1 - a.overnightShare));
  const varId = assets.map((a) => a.sigma * a.sigma * (1 - a.overnightShare));
  const prev = Float64Array.from(assets, (a) => a.initialPrice);
  const zOn = new Float64Array(n);
  const zId = new Float64Array(n);
  const length = panel[0].length;
  for (let t = 0; t < length; t++) {
    shocks.draw(rng, zOn);
    shocks.draw(rng, zId);
    for (let i = 0; i < n; i++) {
      const vol = assets[i].volume;
      const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.logStd * rng.normal());
      prev[i] = writeBrownianBar(panel[i], t, prev[i], muOn[i] + sdOn[i] * zOn[i], muId[i] + sdId[i] * zId[i], varId[i], volume, rng);
    }
  }
}

/** Validates every param as `sample` does; opens streams of asset 0's returns (its marginal is `gbm`'s). */
function assetZeroStreams(params: CorrelatedParams): (rng: Rng) => RangeReturnStream {
  prepare(params);
  const a = params.assets[0];
  return (rng) => gbmReturnStream(a, rng);
}

/**
 * The `correlated` generator.
 *
 * @example
 * const params = correlated.fit([spy, tlt, gld], correlated.configSchema.parse({ model: 'factor', factors: 1 }), {});
 * const [panel] = correlated.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 }); // panel[i]: asset i
 */
export const correlated = defineGenerator<CorrelatedConfig, CorrelatedParams>({
  id: 'correlated',
  version: 1,
  description: 'Multi-asset GBM with a static (Cholesky) or K-factor correlation of the shocks, PSD-repaired (Higham), with gbm-style bars.',
  configSchema: correlatedConfigSchema,
  fit(train: Panel, config: CorrelatedConfig): CorrelatedParams {
    return fitCorrelated(train, config);
  },
  sample(params: CorrelatedParams, rng: Rng, opts): Panel[] {
    const times = sampleTimes(opts);
    const shocks = prepare(params);
    const symbols = params.assets.map((a) => a.symbol);
    const out: Panel[] = [];
    for (let p = 0; p < opts.paths; p++) {
      const panel = allocPanel(symbols, times);
      samplePath(params, shocks, rng, panel);
      out.push(panel);
    }
    return out;
  },
  /**
   * Asset 0's close-to-close log returns: μ_0 + σ_0·z with one `rng.normal()` per value (consecutive
   * {@link gbmReturnStream}s of asset 0). Exact in law: asset 0's shock has unit variance whatever the
   * correlation, and the overnight and intraday legs add up to N(μ_0, σ_0²); the other assets' draws are not
   * made. Every param is validated as `sample` does.
   */
  sampleReturns(params: CorrelatedParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: CorrelatedParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
