import { z } from 'zod';
import { ConfigError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import { parseConfig } from '../src/core/config.js';
import { writeBar } from './ohlc.js';

/**
 * A library of market shocks that any generator's bars can go through: flash crashes, volatility spikes,
 * gaps, drift shifts and liquidity shocks. Every shock is a pure function of a copy of the bars (the input
 * is never mutated) and keeps each bar valid OHLCV (high ≥ max(open, close), low ≤ min(open, close), prices
 * finite and > 0, volume ≥ 0).
 *
 * Returns are natural-log returns per bar; fractions are plain fractions (0.2 = 20%); half-lives are in bars.
 * Shocks compose in list order, each acting on the previous one's output.
 */

// ---------------------------------------------------------------------------------------------- config

const atSchema = z
  .union([z.number().int().min(0), z.literal('random')])
  .describe("bar index (0-based, into the sampled path) where the shock starts, or 'random': a bar drawn uniformly per path");

const probabilitySchema = z
  .number()
  .min(0)
  .max(1)
  .default(1)
  .describe('chance in [0, 1] that the shock hits a given path (drawn from the rng per path); 1 = always');

const halfLifeSchema = (fallback: number) =>
  z.number().positive().default(fallback).describe('bars after which the excess effect has halved (geometric decay, 2^(−k/halfLife))');

/**
 * A flash crash inside bar `at`: the price falls by `depth` (a fraction of the level the bar would have
 * closed at) and recovers a fraction `recovery` of that drop before the close. So the low becomes
 * min(low, close·(1 − depth)), the close becomes close·(1 − depth·(1 − recovery)), the open and high are
 * untouched, and every later bar is scaled by the same retained factor (later returns are unchanged).
 */
export const flashCrashSchema = z.strictObject({
  kind: z.literal('flash-crash'),
  at: atSchema,
  probability: probabilitySchema,
  depth: z.number().gt(0).lt(1).describe('intraday drop from the undisturbed close to the trough, as a fraction in (0, 1)'),
  recovery: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('fraction in [0, 1] of the drop recovered by the close: 0 closes at the trough, 1 closes where it would have'),
});

/**
 * A volatility spike from bar `at`: every log return of bar s ≥ at (overnight, open→close, and the high and
 * low relative to the open) is multiplied by k_s = 1 + (multiplier − 1)·2^(−(s − at)/halfLife), and prices
 * are rebuilt from the scaled returns, so the bars stay consistent and later levels follow the new path.
 * Returns are scaled as they are, drift included (no demeaning). A multiplier below 1 calms the market.
 */
export const volatilitySpikeSchema = z.strictObject({
  kind: z.literal('volatility-spike'),
  at: atSchema,
  probability: probabilitySchema,
  multiplier: z.number().positive().describe('factor (> 0) on the log returns of bar `at`; the excess over 1 decays with halfLife'),
  halfLife: halfLifeSchema(10),
});

/**
 * A gap at bar `at`: an overnight jump of `size` in log terms, so open[at] = close[at − 1]·e^size and every
 * price of every bar from `at` on is multiplied by e^size. At bar 0 (no previous close) it rescales the path.
 */
export const gapSchema = z.strictObject({
  kind: z.literal('gap'),
  at: atSchema,
  probability: probabilitySchema,
  size: z.number().describe('log jump (e.g. ln(0.9) ≈ −0.105 for a 10% gap down)'),
});

/**
 * A drift shift: `delta` is added to the close-to-close log return of bars at … at + duration − 1 (cut at the
 * path's end). It accrues overnight (between the previous close and the open), so each affected bar keeps its
 * intraday shape; bar s of the window is scaled by e^(delta·(s − at + 1)) and every later bar by
 * e^(delta·duration).
 */
export const driftShiftSchema = z.strictObject({
  kind: z.literal('drift-shift'),
  at: atSchema,
  probability: probabilitySchema,
  delta: z.number().describe('log return added per bar (per bar, not annualised; e.g. −0.002 for a bear drift)'),
  duration: z.number().int().min(1).describe('bars (≥ 1) over which the drift applies'),
});

/**
 * A liquidity shock from bar `at`: volume is multiplied by 1 + (volumeFactor − 1)·d_s and the quoted spread by
 * 1 + (spreadFactor − 1)·d_s, with d_s = 2^(−(s − at)/halfLife) for s ≥ at. Prices are untouched. The spread
 * factor acts on the bars' `spread` column when there is one, and otherwise through the side channels
 * (see {@link ShockResult.spreadMultiplier}); with neither, only volume changes.
 */
export const liquidityShockSchema = z.strictObject({
  kind: z.literal('liquidity-shock'),
  at: atSchema,
  probability: probabilitySchema,
  volumeFactor: z.number().positive().describe('factor (> 0) on volume at bar `at` (below 1: volume dries up)'),
  spreadFactor: z.number().positive().describe('factor (> 0) on the quoted spread at bar `at` (above 1: spreads widen)'),
  halfLife: halfLifeSchema(5),
});

/**
 * One shock, discriminated on `kind`.
 *
 * @example
 * shockSchema.parse({ kind: 'gap', at: 100, size: Math.log(0.9) }); // probability defaults to 1
 */
export const shockSchema = z.discriminatedUnion('kind', [
  flashCrashSchema,
  volatilitySpikeSchema,
  gapSchema,
  driftShiftSchema,
  liquidityShockSchema,
]);

/** A shock as written in a config file (defaults optional). */
export type ShockInput = z.input<typeof shockSchema>;
/** A resolved shock (defaults applied). */
export type ShockConfig = z.output<typeof shockSchema>;
export type ShockKind = ShockConfig['kind'];

/**
 * Validates a list of shocks, applying defaults.
 *
 * @throws ConfigError naming the key (`shocks.0.depth`), prefixed by `prefix`.
 * @example
 * parseShocks([{ kind: 'flash-crash', at: 'random', probability: 0.1, depth: 0.08 }]);
 */
export function parseShocks(shocks: readonly ShockInput[], prefix = 'shocks'): ShockConfig[] {
  return parseConfig(z.array(shockSchema), shocks, prefix);
}

// ---------------------------------------------------------------------------------------------- application

/** A shock that hit a path: its kind and the bar where it started. */
export interface AppliedShock {
  readonly kind: ShockKind;
  readonly at: number;
}

export interface ShockResult {
  /** A copy of the input bars with the shocks applied. */
  readonly bars: Bars;
  /**
   * The shocks that hit, in list order. A label that goes beside the data (for analysis, stress reports and
   * stratified evaluation), never into observations: an agent that saw it would know the future.
   */
  readonly applied: AppliedShock[];
  /**
   * Per bar, the product of the spread factors of the liquidity shocks that hit (1 elsewhere). Already applied
   * to `bars.spread` when the bars have one; side channels take it as their stress multiplier.
   */
  readonly spreadMultiplier: Float64Array;
}

/**
 * Applies `shocks` in list order to a copy of `bars`.
 *
 * Randomness, from `rng` only: per shock in list order, one `rng.uniform()` decides whether it hits
 * (u < probability), then, for `at: 'random'`, one `rng.int(length)` gives its bar. Both are drawn whether or
 * not the shock hits, so the number of draws depends on the config only.
 *
 * @param prefix the config path of the list, for error messages (`generator.shocks` in an experiment).
 * @throws ConfigError naming the key: an invalid shock (`shocks.0.depth`), a fixed `at` beyond the path
 *   (`shocks.0.at`), or a shock that drives prices out of the finite positive range (`shocks.0`).
 * @example
 * const { bars: shocked, applied } = applyShocks(bars, [{ kind: 'gap', at: 50, size: -0.1 }], rng);
 * shocked.close[60] === bars.close[60] * Math.exp(-0.1); // true
 */
export function applyShocks(bars: Bars, shocks: readonly ShockInput[], rng: Rng, prefix = 'shocks'): ShockResult {
  const parsed = parseShocks(shocks, prefix);
  const n = bars.length;
  const out = copyBars(bars);
  const spreadMultiplier = new Float64Array(n).fill(1);
  const applied: AppliedShock[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const shock = parsed[i];
    if (shock.at !== 'random' && shock.at >= n) throw new ConfigError(`${prefix}.${i}.at`, `bar ${shock.at} is beyond the path (${n} bars)`);
    const hits = rng.uniform() < shock.probability;
    const at = shock.at === 'random' ? (n > 0 ? rng.int(n) : 0) : shock.at;
    if (!hits || n === 0) continue;
    applyOne(out, shock, at, spreadMultiplier);
    const bad = firstBadPrice(out, at);
    if (bad !== undefined) throw new ConfigError(`${prefix}.${i}`, `${shock.kind} at bar ${at} drives ${bad}: reduce its intensity`);
    applied.push({ kind: shock.kind, at });
  }
  return { bars: out, applied, spreadMultiplier };
}

/**
 * A deep copy of `bars`: every column is a fresh typed array (the spread column only when present).
 *
 * @example
 * const mine = copyBars(bars); // writing to mine.close leaves bars.close alone
 */
export function copyBars(bars: Bars): Bars {
  return {
    symbol: bars.symbol,
    time: bars.time.slice(),
    open: bars.open.slice(),
    high: bars.high.slice(),
    low: bars.low.slice(),
    close: bars.close.slice(),
    volume: bars.volume.slice(),
    ...(bars.spread !== undefined ? { spread: bars.spread.slice() } : {}),
    length: bars.length,
    ...(bars.events !== undefined ? { events: bars.events } : {}), // labels of an event path survive its shocks
  };
}

function applyOne(bars: Bars, shock: ShockConfig, at: number, spreadMultiplier: Float64Array): void {
  switch (shock.kind) {
    case 'flash-crash':
      return flashCrash(bars, at, shock.depth, shock.recovery);
    case 'volatility-spike':
      return volatilitySpike(bars, at, shock.multiplier, shock.halfLife);
    case 'gap':
      return scaleFrom(bars, at, Math.exp(shock.size));
    case 'drift-shift':
      return driftShift(bars, at, shock.delta, shock.duration);
    case 'liquidity-shock':
      return liquidityShock(bars, at, shock, spreadMultiplier);
  }
}

/** Multiplies open, high, low and close of bar `from` and every later bar by `factor` (> 0). */
function scaleFrom(bars: Bars, from: number, factor: number): void {
  for (let s = from; s < bars.length; s++) scaleBar(bars, s, factor);
}

function scaleBar(bars: Bars, s: number, factor: number): void {
  bars.open[s] *= factor;
  bars.high[s] *= factor;
  bars.low[s] *= factor;
  bars.close[s] *= factor;
}

function flashCrash(bars: Bars, at: number, depth: number, recovery: number): void {
  const undisturbed = bars.close[at];
  const trough = undisturbed * (1 - depth);
  const retained = 1 - depth * (1 - recovery);
  const close = undisturbed * retained;
  bars.close[at] = close;
  // trough ≤ close and the old low ≤ open: the new low covers both; the high already covers open and the
  // (lower) new close.
  if (bars.low[at] > trough) bars.low[at] = trough;
  if (bars.low[at] > close) bars.low[at] = close;
  scaleFrom(bars, at + 1, retained);
}

/** Decay weight 2^(−k/halfLife) of the excess effect k bars after the shock. */
function decay(k: number, halfLife: number): number {
  return Math.pow(2, -k / halfLife);
}

function volatilitySpike(bars: Bars, at: number, multiplier: number, halfLife: number): void {
  const { open, high, low, close, volume } = bars;
  // Bar 0 has no previous close: its open stays where it is.
  let prevOld = at === 0 ? open[0] : close[at - 1];
  let prevNew = prevOld;
  for (let s = at; s < bars.length; s++) {
    const k = 1 + (multiplier - 1) * decay(s - at, halfLife);
    const o = open[s];
    const overnight = Math.log(o / prevOld);
    const highLog = Math.log(high[s] / o);
    const lowLog = Math.log(low[s] / o);
    const closeLog = Math.log(close[s] / o);
    prevOld = close[s];
    prevNew = writeBar(bars, s, prevNew, k * overnight, k * highLog, k * lowLog, k * closeLog, volume[s]);
  }
}

function driftShift(bars: Bars, at: number, delta: number, duration: number): void {
  const end = Math.min(bars.length, at + duration);
  for (let s = at; s < end; s++) scaleBar(bars, s, Math.exp(delta * (s - at + 1)));
  scaleFrom(bars, end, Math.exp(delta * duration));
}

function liquidityShock(
  bars: Bars,
  at: number,
  shock: Extract<ShockConfig, { kind: 'liquidity-shock' }>,
  spreadMultiplier: Float64Array,
): void {
  const { volumeFactor, spreadFactor, halfLife } = shock;
  const spread = bars.spread;
  for (let s = at; s < bars.length; s++) {
    const d = decay(s - at, halfLife);
    bars.volume[s] *= 1 + (volumeFactor - 1) * d;
    const m = 1 + (spreadFactor - 1) * d;
    spreadMultiplier[s] *= m;
    if (spread !== undefined) spread[s] *= m;
  }
}

/** The first price or volume from bar `from` on that a shock pushed out of range, described; else undefined. */
function firstBadPrice(bars: Bars, from: number): string | undefined {
  for (let s = from; s < bars.length; s++) {
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const v = bars[field][s];
      if (!(v > 0 && v < Infinity)) return `${field}[${s}] to ${v}`;
    }
    if (!(bars.volume[s] >= 0 && bars.volume[s] < Infinity)) return `volume[${s}] to ${bars.volume[s]}`;
    if (bars.spread !== undefined && !(bars.spread[s] >= 0 && bars.spread[s] < Infinity)) return `spread[${s}] to ${bars.spread[s]}`;
  }
  return undefined;
}
