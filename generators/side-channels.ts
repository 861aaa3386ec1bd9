import { z } from 'zod';
import type { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { parseConfig } from '../src/core/config.js';

/**
 * Microstructure side channels derived causally from bars: a quoted spread, the depth at the touch and an
 * order-flow imbalance. Row t reads bars 0..t only (and, for the imbalance, the t + 1 first normal draws), so
 * the channels can sit beside observations without leaking the future.
 *
 * Units: the spread is a fraction of price (0.0002 = 2 bps), like the Bars `spread` column the cost model
 * reads; config keys ending in `Bps` are basis points (1 bp = 1e-4); depth is notional in the series'
 * currency; imbalance is a dimensionless number in [−1, 1] (+1: all buy pressure); volatilities are per bar.
 *
 * Per bar t, with r_t = ln(close_t/close_{t−1}) (r_0 = ln(close_0/open_0), bar 0 having no previous close):
 * - σ_t: the zero-mean EWMA volatility sqrt(Σ_s w_s·r_s² / Σ_s w_s), s ≤ t, w_s = 2^(−(t − s)/ewmaHalfLife)
 *   (normalised weights, so it is defined from the first bar on);
 * - σ̄_t: `referenceVol` when set, else the running mean of σ_0..σ_t; v_t = σ_t/σ̄_t (1 when σ̄_t = 0). The
 *   running mean makes the spread relative to the path's own history so far (after a stressed stretch the
 *   reference is higher, so calm spreads are tighter than before it); `referenceVol` gives a fixed anchor;
 * - spread_t = max(minSpreadBps, baseSpreadBps·(1 + volSensitivity·(v_t − 1))·stress_t) / 1e4;
 * - depth_t = depthBase·exp(−depthVolSensitivity·(v_t − 1)) / stress_t;
 * - imbalance: u_t = tanh(r_t/σ_{t−1} + imbalanceNoise·ε_t), ε_t ~ N(0, 1) (σ_{−1} := σ_0; the term is 0
 *   when the volatility is 0), and x_t = φ·x_{t−1} + (1 − φ)·u_t with φ = imbalancePersistence, started at
 *   x_0 = sqrt((1 − φ)/(1 + φ))·u_0 so its variance is stationary from the first bar. x_t is a convex
 *   combination of values in [−1, 1], so it stays there; its lag-1 autocorrelation is φ when the u_t are iid,
 *   and it moves with the bar's return (up bars push it towards +1).
 *
 * stress_t is an optional per-bar multiplier (≥ 1 in a liquidity shock, see ./shocks.ts): it widens the
 * spread and thins the depth by the same factor.
 */

/**
 * Config of the side channels: the single source of their defaults and help text. Unknown keys are rejected.
 *
 * @example
 * sideChannelConfigSchema.parse({ baseSpreadBps: 5 }); // other keys take defaults
 */
export const sideChannelConfigSchema = z.strictObject({
  baseSpreadBps: z
    .number()
    .min(0)
    .default(2)
    .describe('quoted spread in bps of price when volatility is at its reference σ̄ and no stress applies'),
  volSensitivity: z
    .number()
    .min(0)
    .default(1)
    .describe('a in spread = base·(1 + a·(σ_t/σ̄ − 1)): 0 = constant spread, 1 = proportional to volatility'),
  minSpreadBps: z.number().min(0).default(0.5).describe('floor on the spread, in bps of price'),
  depthBase: z
    .number()
    .positive()
    .default(1_000_000)
    .describe('notional available at the touch, in currency, when σ_t = σ̄ and no stress applies'),
  depthVolSensitivity: z
    .number()
    .min(0)
    .default(1)
    .describe('η in depth = depthBase·exp(−η·(σ_t/σ̄ − 1))/stress: how fast depth falls as volatility rises'),
  imbalancePersistence: z
    .number()
    .min(0)
    .lt(1)
    .default(0.5)
    .describe('φ in [0, 1): AR(1) coefficient of the order imbalance, its lag-1 autocorrelation'),
  imbalanceNoise: z
    .number()
    .min(0)
    .default(1)
    .describe('sd of the Gaussian noise added to the standardised bar return before squashing; larger = weaker link to returns'),
  ewmaHalfLife: z.number().positive().default(10).describe('half-life, in bars, of the EWMA of squared log returns giving σ_t'),
  referenceVol: z
    .number()
    .positive()
    .optional()
    .describe('σ̄: per-bar volatility (fraction) at which the spread is baseSpreadBps; default the running mean of σ_0..σ_t (causal)'),
});

/** Side-channel config as written (defaults optional). */
export type SideChannelInput = z.input<typeof sideChannelConfigSchema>;
/** Resolved side-channel config (defaults applied). */
export type SideChannelConfig = z.output<typeof sideChannelConfigSchema>;

/** Per-bar side channels of one series. */
export interface SideChannels {
  /** The input bars with `spread` set (fraction of price). The other columns are shared with the input, not copied. */
  readonly bars: Bars;
  /** Notional available at the touch, in currency (> 0). */
  readonly depth: Float64Array;
  /** Order-flow imbalance in [−1, 1]. */
  readonly imbalance: Float64Array;
}

/** Optional inputs of {@link withSideChannels}. */
export interface SideChannelOptions {
  /** Per-bar stress multiplier (> 0, length = bars.length) on the spread and divisor of the depth; default 1. */
  readonly stress?: ArrayLike<number>;
}

/**
 * Derives spread, depth and order imbalance from `bars` (see the module doc for the formulas). Draws exactly
 * one `rng.normal()` per bar, in bar order, whatever the config.
 *
 * @throws ConfigError naming the key (`sideChannels.minSpreadBps`) when `config` is invalid.
 * @throws RangeError when `opts.stress` has the wrong length or a value that is not finite and > 0.
 * @example
 * const { bars: quoted, depth, imbalance } = withSideChannels(bars, { baseSpreadBps: 3 }, rng.fork('side-channels'));
 * quoted.spread![t]; // fraction of price, e.g. 0.0003
 */
export function withSideChannels(bars: Bars, config: SideChannelInput, rng: Rng, opts: SideChannelOptions = {}): SideChannels {
  const c = parseConfig(sideChannelConfigSchema, config, 'sideChannels');
  const n = bars.length;
  const stress = opts.stress;
  if (stress !== undefined && stress.length !== n) throw new RangeError(`stress has ${stress.length} values for ${n} bars`);

  const spread = new Float64Array(n);
  const depth = new Float64Array(n);
  const imbalance = new Float64Array(n);
  const lambda = Math.pow(2, -1 / c.ewmaHalfLife);
  const base = c.baseSpreadBps / 1e4;
  const floor = c.minSpreadBps / 1e4;
  const phi = c.imbalancePersistence;
  const { open, close } = bars;

  let num = 0;
  let den = 0;
  let sigma = 0;
  let sigmaSum = 0;
  let x = 0;
  for (let t = 0; t < n; t++) {
    const m = stress === undefined ? 1 : stress[t];
    if (!(m > 0 && m < Infinity)) throw new RangeError(`stress[${t}] must be finite and > 0, got ${m}`);
    const r = Math.log(close[t] / (t === 0 ? open[0] : close[t - 1]));
    const sigmaBefore = sigma;
    num = lambda * num + r * r;
    den = lambda * den + 1;
    sigma = Math.sqrt(num / den);
    sigmaSum += sigma;
    const ref = c.referenceVol ?? sigmaSum / (t + 1);
    const v = ref > 0 ? sigma / ref : 1;

    const quoted = base * (1 + c.volSensitivity * (v - 1)) * m;
    spread[t] = quoted > floor ? quoted : floor;
    depth[t] = (c.depthBase * Math.exp(-c.depthVolSensitivity * (v - 1))) / m;

    const scale = t === 0 ? sigma : sigmaBefore;
    const standardised = scale > 0 ? r / scale : 0;
    const u = Math.tanh(standardised + c.imbalanceNoise * rng.normal());
    x = t === 0 ? Math.sqrt((1 - phi) / (1 + phi)) * u : phi * x + (1 - phi) * u;
    // Guards against rounding only: x is a convex combination of values in [−1, 1].
    if (x > 1) x = 1;
    else if (x < -1) x = -1;
    imbalance[t] = x;
  }
  return { bars: { ...bars, spread }, depth, imbalance };
}
