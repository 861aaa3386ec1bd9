import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { writeBrownianBar } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';
import type { RegimeAssetParams, RegimeJump } from './regime.js';

/**
 * Sampling of the `regime` generator (model in ./regime.ts): the chain, the per-regime returns and jumps, as
 * OHLCV bars ({@link sampleRegimePath}) and as close-to-close returns only ({@link regimeReturnStream},
 * {@link sampleRegimeReturns}), plus
 * the checks both apply to params loaded from JSON.
 */

/** Most jumps drawn for one bar (the Poisson inversion stops there; reached only for absurd intensities). */
const MAX_JUMPS_PER_BAR = 1000;

/**
 * @throws ConfigError naming the bad field when params (e.g. loaded from JSON) cannot be sampled.
 * @example
 * params.assets.forEach(checkRegimeAssetParams); // throws at `params.assets[0].transition[1]` for a row not summing to 1
 */
export function checkRegimeAssetParams(a: RegimeAssetParams, index: number): void {
  const at = (field: string): string => `params.assets[${index}].${field}`;
  const k = a.mu.length;
  if (k < 1) throw new ConfigError(at('mu'), 'needs at least one regime');
  const isDistribution = (p: readonly number[]): boolean =>
    p.length === k && p.every((x) => x >= 0 && x <= 1) && Math.abs(p.reduce((s, x) => s + x, 0) - 1) < 1e-9;
  if (a.sigma.length !== k || !a.sigma.every((s) => s >= 0 && s < Infinity)) throw new ConfigError(at('sigma'), `needs ${k} finite values ≥ 0`);
  if (!a.mu.every(Number.isFinite)) throw new ConfigError(at('mu'), 'values must be finite');
  if (a.transition.length !== k) throw new ConfigError(at('transition'), `needs ${k} rows`);
  a.transition.forEach((row, i) => {
    if (!isDistribution(row)) throw new ConfigError(at(`transition[${i}]`), `must be ${k} probabilities summing to 1`);
  });
  if (!isDistribution(a.initial)) throw new ConfigError(at('initial'), `must be ${k} probabilities summing to 1`);
  if (!isDistribution(a.stationary)) throw new ConfigError(at('stationary'), `must be ${k} probabilities summing to 1`);
  if (a.jumps.length !== k) throw new ConfigError(at('jumps'), `needs ${k} entries (null for none)`);
  a.jumps.forEach((j, i) => {
    if (j !== null && !(j.intensity >= 0 && j.intensity < Infinity && Number.isFinite(j.mean) && j.sd >= 0 && j.sd < Infinity)) {
      throw new ConfigError(at(`jumps[${i}]`), 'needs a finite intensity ≥ 0, a finite mean and a finite sd ≥ 0');
    }
  });
  if (!(a.overnightShare >= 0 && a.overnightShare <= 1)) throw new ConfigError(at('overnightShare'), `must be in [0, 1], got ${a.overnightShare}`);
  if (!(a.initialPrice > 0 && a.initialPrice < Infinity)) throw new ConfigError(at('initialPrice'), `must be finite and > 0, got ${a.initialPrice}`);
  const v = a.volume;
  const volumeOk = (x: NonNullable<typeof v>): boolean =>
    x.logMean.length === k && x.logStd.length === k && x.logMean.every(Number.isFinite) && x.logStd.every((s) => s >= 0 && s < Infinity);
  if (v !== null && !volumeOk(v)) {
    throw new ConfigError(at('volume'), `needs ${k} finite logMean values and ${k} finite logStd values ≥ 0`);
  }
}

/** Cumulative rows: cum[i·K + j] = Σ_{l ≤ j} P[i][l], and the initial law's cumulative in the extra last row. */
function cumulativeTable(a: RegimeAssetParams): Float64Array {
  const k = a.mu.length;
  const cum = new Float64Array((k + 1) * k);
  const rows = [...a.transition, a.initial];
  rows.forEach((row, i) => {
    let s = 0;
    for (let j = 0; j < k; j++) cum[i * k + j] = s += row[j];
  });
  return cum;
}

/** The regime whose cumulative-probability slot in row `row` holds u (inversion; the last regime takes any rounding slack). */
function drawRegime(cum: Float64Array, row: number, k: number, u: number): number {
  let j = 0;
  while (j < k - 1 && u >= cum[row * k + j]) j++;
  return j;
}

/** Sum of N ~ Poisson(λ) jumps of N(mean, sd²): one uniform (inversion), then one normal if N > 0. */
function drawJumps(j: RegimeJump, rng: Rng): number {
  const u = rng.uniform();
  let count = 0;
  let p = Math.exp(-j.intensity);
  let cdf = p;
  while (u >= cdf && count < MAX_JUMPS_PER_BAR) {
    count++;
    p *= j.intensity / count;
    cdf += p;
  }
  return count === 0 ? 0 : count * j.mean + Math.sqrt(count) * j.sd * rng.normal();
}

/**
 * Per regime i, for drawing the chain one run at a time: logStay[i] = ln P[i][i], and row i of `exit` the
 * cumulative law of the next regime given that the chain leaves i, P[i][j]/(1 − P[i][i]) over j ≠ i (0 at
 * j = i). Rows of absorbing regimes (P[i][i] = 1) are unused.
 */
function runTables(a: RegimeAssetParams): { logStay: Float64Array; exit: Float64Array } {
  const k = a.mu.length;
  const logStay = new Float64Array(k);
  const exit = new Float64Array(k * k);
  a.transition.forEach((row, i) => {
    logStay[i] = row[i] >= 1 ? 0 : Math.log(row[i]); // rows may sum to 1 only within rounding
    const leave = 1 - row[i];
    let c = 0;
    for (let j = 0; j < k; j++) exit[i * k + j] = c += j === i || !(leave > 0) ? 0 : row[j] / leave;
  });
  return { logStay, exit };
}

/** The regime the chain moves to from `i` given that it leaves (u uniform in [0, 1)); the last j ≠ i takes any rounding slack. */
function drawExit(exit: Float64Array, i: number, k: number, u: number): number {
  let last = i;
  for (let j = 0; j < k; j++) {
    if (j === i) continue;
    if (u < exit[i * k + j]) return j;
    last = j;
  }
  return last;
}

/** A {@link ReturnStream} of regime-switching returns that can also report each return's regime. */
export interface RegimeReturnStream extends RangeReturnStream {
  /**
   * Fills `out` with the next returns; `regimes`, when given (tests and diagnostics), receives each one's regime.
   *
   * @throws RangeError if `regimes` has fewer slots than `out`.
   */
  next(out: Float64Array, regimes?: Int32Array): void;
  /** {@link RegimeReturnStream.next} into out[from, to), and regimes[from, to) when given. */
  nextInto(out: Float64Array, from: number, to: number, regimes?: Int32Array): void;
}

/**
 * One path's close-to-close log returns only (no bars), as a stream whose chain starts from `initial` and
 * carries its regime and the bars left in the current run from one call to the next: the fast path for
 * statistics and long paths.
 *
 * The chain is drawn one run at a time rather than one bar at a time, which has the same law: the first
 * regime from `initial`; a run in regime i lasts L bars with P(L = l) = P[i][i]^{l−1}·(1 − P[i][i]) (the
 * chain's holding time), L = 1 + ⌊ln(1 − U)/ln P[i][i]⌋; then the chain leaves i for j with probability
 * P[i][j]/(1 − P[i][i]). Draws, in this order, each made when the first value that needs it is requested: a
 * uniform for the first regime; per run, a uniform for its length, then per bar the jump draws when the regime
 * has jumps (a uniform for their count, a normal for their sum if any) and a normal for the diffusion return
 * N(μ_k, σ_k²); at the end of a run, a uniform for the next regime.
 *
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * const stream = regimeReturnStream(params.assets[0], Rng.fromSeed(1));
 * stream.next(chunk, states); // states[t]: the regime of return t
 */
export function regimeReturnStream(a: RegimeAssetParams, rng: Rng): RegimeReturnStream {
  return regimeReturnStreams(a)(rng);
}

/**
 * Validates `a` and builds its sampling tables once; each call of the result opens a fresh
 * {@link regimeReturnStream} on the rng it is given (cheap: for many paths of one asset).
 *
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * const open = regimeReturnStreams(params.assets[0]);
 * for (let p = 0; p < 1000; p++) open(rng).nextInto(out, p * 2520, (p + 1) * 2520);
 */
export function regimeReturnStreams(a: RegimeAssetParams): (rng: Rng) => RegimeReturnStream {
  checkRegimeAssetParams(a, 0);
  const tables: RegimeTables = { k: a.mu.length, cum: cumulativeTable(a), ...runTables(a), mu: a.mu, sigma: a.sigma, jumps: a.jumps };
  return (rng) => new RegimeStream(tables, rng);
}

/** What every stream of one asset shares: the chain's tables and the per-regime laws. */
interface RegimeTables {
  readonly k: number;
  /** {@link cumulativeTable}: row k holds the initial law. */
  readonly cum: Float64Array;
  readonly logStay: Float64Array;
  readonly exit: Float64Array;
  readonly mu: readonly number[];
  readonly sigma: readonly number[];
  readonly jumps: readonly (RegimeJump | null)[];
}

/** {@link regimeReturnStream}'s state: the current regime (−1 before the first run) and the bars left in its run. */
class RegimeStream implements RegimeReturnStream {
  private regime = -1;
  private left = 0;

  constructor(
    private readonly tables: RegimeTables,
    private readonly rng: Rng,
  ) {}

  next(out: Float64Array, regimes?: Int32Array): void {
    this.nextInto(out, 0, out.length, regimes);
  }

  nextInto(out: Float64Array, from: number, to: number, regimes?: Int32Array): void {
    if (regimes !== undefined && regimes.length < to) throw new RangeError(`regimes has ${regimes.length} slots for ${to} returns`);
    const { k, cum, logStay, exit, mu, sigma, jumps } = this.tables; // locals: the hot loop reads registers, not fields
    const rng = this.rng;
    const end = to;
    let s = this.regime;
    let left = this.left;
    let t = from;
    while (t < end) {
      if (left === 0) {
        s = s < 0 ? drawRegime(cum, k, k, rng.uniform()) : drawExit(exit, s, k, rng.uniform());
        const draw = Math.log(1 - rng.uniform()); // ≤ 0
        left = logStay[s] === 0 ? Infinity : 1 + Math.floor(draw / logStay[s]); // ln P[i][i] = −∞ gives 1
      }
      const stop = Math.min(end, t + left);
      left -= stop - t;
      if (regimes !== undefined) regimes.fill(s, t, stop);
      const m = mu[s];
      const sd = sigma[s];
      const jump = jumps[s];
      if (jump === null) {
        for (; t < stop; t++) out[t] = m + sd * rng.normal();
      } else {
        for (; t < stop; t++) {
          const j = drawJumps(jump, rng);
          out[t] = m + sd * rng.normal() + j;
        }
      }
    }
    this.regime = s;
    this.left = left;
  }
}

/**
 * Close-to-close log returns only (no bars) of `paths` paths: `out` holds out.length/paths returns per path
 * back to back, each a fresh {@link regimeReturnStream} on `rng` (its own chain started from `initial`).
 *
 * @param regimes when given (tests and diagnostics), receives the regime of every bar (length ≥ out.length).
 * @param paths number of paths in `out` (default 1); must divide out.length.
 * @throws ConfigError if the params cannot be sampled; RangeError if `paths` does not divide out.length.
 * @example
 * const r = sampleRegimeReturns(params.assets[0], rng, new Float64Array(2520));
 */
export function sampleRegimeReturns(a: RegimeAssetParams, rng: Rng, out: Float64Array, regimes?: Int32Array, paths = 1): Float64Array {
  const open = regimeReturnStreams(a);
  if (!(Number.isInteger(paths) && paths >= 1 && out.length % paths === 0)) {
    throw new RangeError(`paths must be an integer ≥ 1 dividing out.length = ${out.length}, got ${paths}`);
  }
  if (regimes !== undefined && regimes.length < out.length) throw new RangeError(`regimes has ${regimes.length} slots for ${out.length} returns`);
  const length = out.length / paths;
  for (let p = 0; p < paths; p++) open(rng).nextInto(out, p * length, (p + 1) * length, regimes);
  return out;
}

/**
 * Fills `out` (already holding its time column) with one path. Draws per bar, in this order: a uniform for the
 * regime; jump draws as in {@link sampleRegimeReturns} when the regime has jumps; a normal for the overnight
 * return N(μ_k·s, σ_k²·s); a normal for the intraday return N(μ_k·(1 − s), σ_k²·(1 − s)); a normal for ln(volume)
 * (only when the asset has volume); the two uniforms of the high and the low. Jumps land in the overnight gap
 * (news moves the open), so the intraday path stays Brownian and its high/low exact.
 *
 * @param regimes when given (tests and diagnostics), receives the regime of every bar; never written into the bars.
 * @throws ConfigError if the params cannot be sampled.
 * @example
 * sampleRegimePath(params.assets[0], rng, allocBars('SPX', 252));
 */
export function sampleRegimePath(a: RegimeAssetParams, rng: Rng, out: Bars, regimes?: Int32Array): void {
  checkRegimeAssetParams(a, 0);
  const k = a.mu.length;
  const cum = cumulativeTable(a);
  const sh = a.overnightShare;
  const sqOn = Math.sqrt(sh);
  const sqId = Math.sqrt(1 - sh);
  const { mu, sigma, jumps } = a;
  const vol = a.volume;
  let s = k;
  let prev = a.initialPrice;
  for (let t = 0; t < out.length; t++) {
    s = drawRegime(cum, s, k, rng.uniform());
    if (regimes !== undefined) regimes[t] = s;
    const jump = jumps[s];
    const j = jump === null ? 0 : drawJumps(jump, rng);
    const rOn = mu[s] * sh + sigma[s] * sqOn * rng.normal() + j;
    const rId = mu[s] * (1 - sh) + sigma[s] * sqId * rng.normal();
    const volume = vol === null ? 0 : Math.exp(vol.logMean[s] + vol.logStd[s] * rng.normal());
    prev = writeBrownianBar(out, t, prev, rOn, rId, sigma[s] * sigma[s] * (1 - sh), volume, rng);
  }
}
