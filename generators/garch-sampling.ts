import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import type { GarchAssetParams } from './garch.js';
import { writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Sampling of the `garch` generator (model in ./garch.ts): OHLCV bars ({@link sampleGarchPath}) and
 * close-to-close returns only ({@link garchReturnStream}, {@link simulateGarchReturns}), plus the checks both
 * apply to params loaded from JSON.
 */

/** Variance models: GARCH(1,1), or GJR-GARCH(1,1,1) with a leverage term. */
export const GARCH_MODELS = ['garch', 'gjr'] as const;
/** Laws of the standardised innovation z_t. */
export const GARCH_INNOVATIONS = ['normal', 't'] as const;

/**
 * @throws ConfigError naming the bad field when params (e.g. loaded from JSON) cannot be sampled.
 * @example
 * params.assets.forEach(checkGarchAssetParams); // throws at `params.assets[0].beta` for α + γ/2 + β ≥ 1
 */
export function checkGarchAssetParams(a: GarchAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  if (!GARCH_MODELS.includes(a.model)) throw new ConfigError(at('model'), `must be one of ${GARCH_MODELS.join(', ')}, got ${String(a.model)}`);
  if (!GARCH_INNOVATIONS.includes(a.innovations)) throw new ConfigError(at('innovations'), `must be one of ${GARCH_INNOVATIONS.join(', ')}`);
  if (!Number.isFinite(a.mu)) throw new ConfigError(at('mu'), `must be finite, got ${a.mu}`);
  if (!(a.omega > 0 && a.omega < Infinity)) throw new ConfigError(at('omega'), `must be finite and > 0, got ${a.omega}`);
  if (!(a.alpha >= 0)) throw new ConfigError(at('alpha'), `must be ≥ 0, got ${a.alpha}`);
  if (!(a.beta >= 0)) throw new ConfigError(at('beta'), `must be ≥ 0, got ${a.beta}`);
  if (!(a.alpha + a.gamma >= 0) || (a.model === 'garch' && a.gamma !== 0)) throw new ConfigError(at('gamma'), `must be 0 for 'garch' and ≥ −α for 'gjr', got ${a.gamma}`);
  const persistence = a.alpha + 0.5 * a.gamma + a.beta;
  if (!(persistence < 1)) throw new ConfigError(at('beta'), `α + γ/2 + β = ${persistence} ≥ 1: the model is not covariance-stationary`);
  if (a.innovations === 't' ? !(a.nu !== null && a.nu > 2 && a.nu < Infinity) : a.nu !== null) throw new ConfigError(at('nu'), `must be > 2 for 't' and null for 'normal', got ${a.nu}`);
  if (!(a.lastVariance > 0 && a.lastVariance < Infinity)) throw new ConfigError(at('lastVariance'), `must be finite and > 0, got ${a.lastVariance}`);
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  const vol = a.volume;
  if (vol !== null && !(Number.isFinite(vol.logMean) && vol.logStd >= 0 && vol.logStd < Infinity && vol.elasticity >= 0 && vol.elasticity < Infinity)) {
    throw new ConfigError(at('volume'), 'needs a finite logMean, a finite logStd ≥ 0 and a finite elasticity ≥ 0');
  }
}

/** Unconditional variance ω / (1 − α − γ/2 − β), percent². */
export function unconditionalVariance(a: GarchAssetParams): number {
  return a.omega / (1 - a.alpha - 0.5 * a.gamma - a.beta);
}

/**
 * A unit-variance Student-t draw: Z·sqrt((ν − 2)/(2G)) with Z ~ N(0, 1) and G ~ Gamma(ν/2, 1)
 * (so 2G ~ χ²_ν), G by Marsaglia & Tsang (2000), valid since ν/2 > 1. Draws: one normal for Z, then per
 * gamma trial one normal and one uniform.
 */
export function standardT(rng: Rng, nu: number): number {
  const zn = rng.normal();
  const d = nu / 2 - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let g: number;
  for (;;) {
    const x = rng.normal();
    let w = 1 + c * x;
    if (w <= 0) continue;
    w = w * w * w;
    const u = 1 - rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - w + Math.log(w))) {
      g = d * w;
      break;
    }
  }
  return zn * Math.sqrt((nu - 2) / (2 * g));
}

/**
 * One path's close-to-close natural-log returns only (no bars), as a stream that starts from the asset's
 * initial variance and carries the conditional variance σ²_t from one call to the next: the fast path for
 * Monte Carlo studies and long paths. Draws per step: one normal (normal innovations) or one Student-t draw.
 *
 * @throws ConfigError for invalid params.
 * @example
 * const stream = garchReturnStream(params.assets[0], Rng.fromSeed(1));
 * stream.next(chunk); // chunk.length returns; the next call continues from the current σ²
 */
export function garchReturnStream(a: GarchAssetParams, rng: Rng): RangeReturnStream {
  checkGarchAssetParams(a, 0);
  return new GarchReturnStream(a, rng);
}

/** {@link garchReturnStream}'s state: the conditional variance σ²_t of the next return, percent². */
class GarchReturnStream implements RangeReturnStream {
  private readonly mu: number;
  private readonly omega: number;
  private readonly beta: number;
  /**
   * α + γ/2 and γ/2: (α + γ·[e < 0])·e² = (α + γ/2)·e² − (γ/2)·e·|e| exactly, with no branch on the sign of a
   * random shock, which the CPU would mispredict half the time (it halves the loop's speed).
   */
  private readonly alphaMid: number;
  private readonly halfGamma: number;
  /** Student-t degrees of freedom; 0 for normal innovations. */
  private readonly nu: number;
  private h: number;

  constructor(
    a: GarchAssetParams,
    private readonly rng: Rng,
  ) {
    this.mu = a.mu;
    this.omega = a.omega;
    this.beta = a.beta;
    this.alphaMid = a.alpha + 0.5 * a.gamma;
    this.halfGamma = 0.5 * a.gamma;
    this.nu = a.innovations === 't' ? (a.nu ?? 0) : 0;
    this.h = a.initialVariance === 'last' ? a.lastVariance : unconditionalVariance(a);
  }

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    const { mu, omega, beta, alphaMid, halfGamma, nu, rng } = this; // locals: the hot loop reads registers, not fields
    let h = this.h;
    // Two loops rather than a per-step branch on the innovation law: the normal one is the hot path.
    if (nu > 0) {
      for (let i = from; i < to; i++) {
        const e = Math.sqrt(h) * standardT(rng, nu);
        out[i] = 0.01 * (mu + e);
        h = omega + alphaMid * e * e - halfGamma * e * Math.abs(e) + beta * h;
      }
    } else {
      for (let i = from; i < to; i++) {
        const e = Math.sqrt(h) * rng.normal();
        out[i] = 0.01 * (mu + e);
        h = omega + alphaMid * e * e - halfGamma * e * Math.abs(e) + beta * h;
      }
    }
    this.h = h;
  }
}

/**
 * Close-to-close natural-log returns only (no bars), `paths × steps` values path-major in one array: path p
 * is a fresh {@link garchReturnStream} on `rng` (so each starts from the asset's initial variance).
 *
 * @throws ConfigError for invalid params or counts; RangeError when `out` is too short.
 * @example
 * const r = simulateGarchReturns(params.assets[0], Rng.fromSeed(1), 1000, 2520); // r[p·2520 + t]
 */
export function simulateGarchReturns(a: GarchAssetParams, rng: Rng, paths: number, steps: number, out: Float64Array = new Float64Array(paths * steps)): Float64Array {
  if (!(Number.isInteger(paths) && paths >= 1)) throw new ConfigError('paths', `must be an integer ≥ 1, got ${paths}`);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new ConfigError('length', `must be an integer ≥ 1, got ${steps}`);
  if (out.length < paths * steps) throw new RangeError(`out holds ${out.length} values, needs paths × steps = ${paths * steps}`);
  checkGarchAssetParams(a, 0);
  for (let p = 0; p < paths; p++) garchReturnStream(a, rng).nextInto(out, p * steps, (p + 1) * steps);
  return out;
}

/**
 * Fills `out` (already holding its time column) with one path of bars; `a` must have passed
 * {@link checkGarchAssetParams}. Per bar, in this order: the innovation z (one normal, or one Student-t draw),
 * one normal u that splits it, one normal for ln(volume) (only when the asset has volume), then the two
 * uniforms of the high and the low.
 *
 * The split is a rotation: z_on = √s·z + √(1−s)·u and z_id = √(1−s)·z − √s·u are uncorrelated with unit
 * variance (independent normals when z is normal), and √s·z_on + √(1−s)·z_id = z exactly, so the close-to-close
 * return is μ + σ_t·z whatever the share s.
 *
 * @example
 * sampleGarchPath(params.assets[0], rng, allocBars('SPX', 252));
 */
export function sampleGarchPath(a: GarchAssetParams, rng: Rng, out: Bars): void {
  const s = a.overnightShare;
  const rs = Math.sqrt(s);
  const rc = Math.sqrt(1 - s);
  const { mu, omega, alpha, beta } = a;
  const alphaNeg = alpha + a.gamma;
  const hBar = unconditionalVariance(a);
  const nu = a.nu ?? 0;
  const tDist = a.innovations === 't';
  const vol = a.volume;
  let h = a.initialVariance === 'last' ? a.lastVariance : hBar;
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    const z = tDist ? standardT(rng, nu) : rng.normal();
    const u = rng.normal();
    const sd = Math.sqrt(h);
    const rOn = 0.01 * (mu * s + sd * rs * (rs * z + rc * u));
    const rId = 0.01 * (mu * (1 - s) + sd * rc * (rc * z - rs * u));
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.elasticity * 0.5 * Math.log(h / hBar) + vol.logStd * rng.normal());
    prev = writeBrownianBar(out, t, prev, rOn, rId, 1e-4 * h * (1 - s), volume, rng);
    const e = sd * z;
    h = omega + (e < 0 ? alphaNeg : alpha) * e * e + beta * h;
  }
}
