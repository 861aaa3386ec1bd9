import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import type { HestonAssetParams } from './heston.js';
import { brownianMax, brownianMin, writeBar, writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

/**
 * Sampling of the `heston` generator: the full-truncation Euler discretisation described in ./heston.ts, as
 * OHLCV bars ({@link sampleHestonPath}) and as close-to-close returns only ({@link hestonReturnStream},
 * {@link sampleHestonReturns}), plus
 * the checks both apply to params loaded from JSON.
 */

/**
 * @throws ConfigError naming the bad field when params (e.g. loaded from JSON) cannot be sampled.
 * @example
 * params.assets.forEach(checkHestonAssetParams); // throws at `params.assets[1].rho` for ρ = 1.5
 */
export function checkHestonAssetParams(a: HestonAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  for (const field of ['mu', 'kappa'] as const) {
    if (!Number.isFinite(a[field])) throw new ConfigError(at(field), `must be finite, got ${a[field]}`);
  }
  for (const field of ['theta', 'xi', 'v0'] as const) {
    if (!(a[field] >= 0 && a[field] < Infinity)) throw new ConfigError(at(field), `must be finite and ≥ 0, got ${a[field]}`);
  }
  if (!(a.rho >= -1 && a.rho <= 1)) throw new ConfigError(at('rho'), `must be in [−1, 1], got ${a.rho}`);
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  if (a.volume !== null && !(Number.isFinite(a.volume.logMean) && a.volume.logStd >= 0 && a.volume.logStd < Infinity)) {
    throw new ConfigError(at('volume'), 'needs a finite logMean and a finite logStd ≥ 0');
  }
}

/**
 * @throws ConfigError unless `substeps` is an integer ≥ 1.
 * @example
 * checkSubsteps(params.substeps);
 */
export function checkSubsteps(substeps: number): void {
  if (!(Number.isInteger(substeps) && substeps >= 1)) throw new ConfigError('params.substeps', `must be an integer ≥ 1, got ${substeps}`);
}

/**
 * Fills `out` (already holding its time column) with one Heston path (see ./heston.ts for the scheme).
 * Draws per bar, in this order, with two or more sub-steps: for the overnight sub-step a normal Z₁ then a
 * normal Z⊥; for each intraday sub-step a normal Z₁, a normal Z⊥, the uniform of the sub-step's high and the
 * uniform of its low; finally a normal for ln(volume) (only when the asset has volume). With one sub-step: a
 * normal Z₁, a normal Z⊥, the normal U of the overnight/intraday split, the normal for ln(volume) (only with
 * volume), then the uniforms of the high and the low.
 *
 * @param substeps sub-steps per bar (≥ 1).
 * @throws ConfigError if `substeps` or the params cannot be sampled.
 * @param usedVariance when given (tests and diagnostics), receives every variance the scheme uses, v⁺ ≥ 0, in
 *   order: bar t's sub-step j at index t·substeps + j. Length ≥ out.length·substeps.
 * @example
 * sampleHestonPath(params.assets[0], params.substeps, rng, allocBars('SPX', 252));
 */
export function sampleHestonPath(a: HestonAssetParams, substeps: number, rng: Rng, out: Bars, usedVariance?: Float64Array): void {
  checkSubsteps(substeps);
  checkHestonAssetParams(a, 0);
  if (substeps === 1) {
    sampleOneStepPath(a, rng, out, usedVariance);
    return;
  }
  const { mu, kappa, theta, xi, rho } = a;
  const rhoPerp = Math.sqrt(1 - rho * rho);
  const h0 = a.overnightShare;
  const sq0 = Math.sqrt(h0);
  const h = (1 - h0) / (substeps - 1);
  const sq = Math.sqrt(h);
  const vol = a.volume;
  const invTheta = theta > 0 ? 1 / theta : 0;
  const trace = usedVariance !== undefined;
  let k = 0;
  let v = a.v0;
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    let vp = v > 0 ? v : 0;
    if (trace) usedVariance[k++] = vp;
    let sv = Math.sqrt(vp);
    let z1 = rng.normal();
    let z2 = rho * z1 + rhoPerp * rng.normal();
    const overnight = (mu - 0.5 * vp) * h0 + sv * sq0 * z1;
    v += kappa * (theta - vp) * h0 + xi * sv * sq0 * z2;
    let integrated = vp * h0;
    let x = 0;
    let hi = 0;
    let lo = 0;
    for (let j = 1; j < substeps; j++) {
      vp = v > 0 ? v : 0;
      if (trace) usedVariance[k++] = vp;
      sv = Math.sqrt(vp);
      z1 = rng.normal();
      z2 = rho * z1 + rhoPerp * rng.normal();
      const dx = (mu - 0.5 * vp) * h + sv * sq * z1;
      const w = vp * h;
      const up = x + brownianMax(dx, w, 1 - rng.uniform());
      const down = x + brownianMin(dx, w, 1 - rng.uniform());
      if (up > hi) hi = up;
      if (down < lo) lo = down;
      x += dx;
      v += kappa * (theta - vp) * h + xi * sv * sq * z2;
      integrated += w;
    }
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.logStd * rng.normal()) * (invTheta > 0 ? Math.sqrt(integrated * invTheta) : 1);
    prev = writeBar(out, t, prev, overnight, hi, lo, x, volume);
  }
}

/**
 * {@link sampleHestonPath} with one sub-step per bar: the bar's increment (μ − v⁺/2) + √v⁺·Z₁ is split by the
 * rotation z_on = √s·Z₁ + √(1−s)·U, z_id = √(1−s)·Z₁ − √s·U (uncorrelated unit normals whose combination
 * √s·z_on + √(1−s)·z_id is Z₁ exactly), so the close-to-close return is the one-step increment.
 */
function sampleOneStepPath(a: HestonAssetParams, rng: Rng, out: Bars, usedVariance?: Float64Array): void {
  const { mu, kappa, theta, xi, rho } = a;
  const rhoPerp = Math.sqrt(1 - rho * rho);
  const s = a.overnightShare;
  const rs = Math.sqrt(s);
  const rc = Math.sqrt(1 - s);
  const vol = a.volume;
  const invTheta = theta > 0 ? 1 / theta : 0;
  let v = a.v0;
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    const vp = v > 0 ? v : 0;
    if (usedVariance !== undefined) usedVariance[t] = vp;
    const sv = Math.sqrt(vp);
    const z1 = rng.normal();
    const zPerp = rng.normal();
    const u = rng.normal();
    const drift = mu - 0.5 * vp;
    const rOn = drift * s + sv * rs * (rs * z1 + rc * u);
    const rId = drift * (1 - s) + sv * rc * (rc * z1 - rs * u);
    v += kappa * (theta - vp) + xi * sv * (rho * z1 + rhoPerp * zPerp);
    const volume = vol === null ? 0 : Math.exp(vol.logMean + vol.logStd * rng.normal()) * (invTheta > 0 ? Math.sqrt(vp * invTheta) : 1);
    prev = writeBrownianBar(out, t, prev, rOn, rId, vp * (1 - s), volume, rng);
  }
}

/**
 * One path's close-to-close log returns only (no bars), by the same scheme as {@link sampleHestonPath}, as a
 * stream from v0 that carries the variance v from one call to the next: the fast path for statistics, realism
 * checks and long paths. Draws per sub-step (overnight first): a normal Z₁, then a normal Z⊥. The draws
 * therefore differ from {@link sampleHestonPath}'s (no split, high/low or volume draws), but the law of the
 * returns is the same.
 *
 * @param substeps sub-steps per bar (≥ 1).
 * @throws ConfigError if `substeps` or the params cannot be sampled.
 * @example
 * const stream = hestonReturnStream(params.assets[0], params.substeps, Rng.fromSeed(1));
 * stream.next(chunk); // chunk.length returns; the next call continues from the current variance
 */
export function hestonReturnStream(a: HestonAssetParams, substeps: number, rng: Rng): RangeReturnStream {
  checkSubsteps(substeps);
  checkHestonAssetParams(a, 0);
  return substeps === 1 ? new OneStepReturnStream(a, rng) : new HestonReturnStream(a, substeps, rng);
}

/** {@link hestonReturnStream}'s state with two or more sub-steps: the variance v at the start of the next bar. */
class HestonReturnStream implements RangeReturnStream {
  private readonly rhoPerp: number;
  /** Overnight sub-step length and its square root. */
  private readonly h0: number;
  private readonly sq0: number;
  /** Intraday sub-step length and its square root. */
  private readonly h: number;
  private readonly sq: number;
  private v: number;

  constructor(
    private readonly a: HestonAssetParams,
    private readonly substeps: number,
    private readonly rng: Rng,
  ) {
    this.rhoPerp = Math.sqrt(1 - a.rho * a.rho);
    this.h0 = a.overnightShare;
    this.sq0 = Math.sqrt(this.h0);
    this.h = (1 - this.h0) / (substeps - 1);
    this.sq = Math.sqrt(this.h);
    this.v = a.v0;
  }

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    const { mu, kappa, theta, xi, rho } = this.a; // locals: the hot loop reads registers, not fields
    const { substeps, rng, rhoPerp, h0, sq0, h, sq } = this;
    let v = this.v;
    for (let t = from; t < to; t++) {
      let vp = v > 0 ? v : 0;
      let sv = Math.sqrt(vp) * sq0;
      let z1 = rng.normal();
      let x = (mu - 0.5 * vp) * h0 + sv * z1;
      v += kappa * (theta - vp) * h0 + xi * sv * (rho * z1 + rhoPerp * rng.normal());
      for (let j = 1; j < substeps; j++) {
        vp = v > 0 ? v : 0;
        sv = Math.sqrt(vp) * sq;
        z1 = rng.normal();
        x += (mu - 0.5 * vp) * h + sv * z1;
        v += kappa * (theta - vp) * h + xi * sv * (rho * z1 + rhoPerp * rng.normal());
      }
      out[t] = x;
    }
    this.v = v;
  }
}

/**
 * The one-sub-step case of {@link hestonReturnStream}: per bar r = (μ − v⁺/2) + √v⁺·Z₁ and
 * v ← v + κ(θ − v⁺) + ξ√v⁺·(ρZ₁ + √(1 − ρ²)·Z⊥), a loop of its own because it is the benchmark's hot path.
 */
class OneStepReturnStream implements RangeReturnStream {
  private readonly mu: number;
  private readonly kappa: number;
  private readonly kappaTheta: number;
  private readonly xiRho: number;
  private readonly xiPerp: number;
  private v: number;

  constructor(
    a: HestonAssetParams,
    private readonly rng: Rng,
  ) {
    this.mu = a.mu;
    this.kappa = a.kappa;
    this.kappaTheta = a.kappa * a.theta;
    this.xiRho = a.xi * a.rho;
    this.xiPerp = a.xi * Math.sqrt(1 - a.rho * a.rho);
    this.v = a.v0;
  }

  next(out: Float64Array): void {
    this.nextInto(out, 0, out.length);
  }

  nextInto(out: Float64Array, from: number, to: number): void {
    const { mu, kappa, kappaTheta, xiRho, xiPerp, rng } = this; // locals: the hot loop reads registers, not fields
    let v = this.v;
    for (let t = from; t < to; t++) {
      const vp = v > 0 ? v : 0;
      const sv = Math.sqrt(vp);
      const z1 = rng.normal();
      out[t] = mu - 0.5 * vp + sv * z1;
      v += kappaTheta - kappa * vp + sv * (xiRho * z1 + xiPerp * rng.normal());
    }
    this.v = v;
  }
}

/**
 * Close-to-close log returns only (no bars) of `paths` paths: `out` holds out.length/paths returns per path
 * back to back, each a fresh {@link hestonReturnStream} on `rng` (so each starts from v0).
 *
 * @param out receives out.length returns; returned for chaining.
 * @param paths number of paths in `out` (default 1); must divide out.length.
 * @throws ConfigError if `substeps` or the params cannot be sampled; RangeError if `paths` does not divide out.length.
 * @example
 * const r = sampleHestonReturns(params.assets[0], 4, rng, new Float64Array(2520));
 * const many = sampleHestonReturns(params.assets[0], 1, rng, new Float64Array(1000 * 2520), 1000);
 */
export function sampleHestonReturns(a: HestonAssetParams, substeps: number, rng: Rng, out: Float64Array, paths = 1): Float64Array {
  checkSubsteps(substeps);
  checkHestonAssetParams(a, 0);
  if (!(Number.isInteger(paths) && paths >= 1 && out.length % paths === 0)) {
    throw new RangeError(`paths must be an integer ≥ 1 dividing out.length = ${out.length}, got ${paths}`);
  }
  const length = out.length / paths;
  for (let p = 0; p < paths; p++) hestonReturnStream(a, substeps, rng).nextInto(out, p * length, (p + 1) * length);
  return out;
}
