import type { CalendarEvent } from '../src/data/calendar.js';
import type { ZodType } from 'zod';
import type { Rng } from '../src/core/rng.js';
import type { Panel } from '../src/data/bars.js';

/** What `fit` may need beyond the bars (the event generator reads the calendar here). */
export interface FitContext {
  /** Calendar events of the training window (never later ones), for generators that use them (`event`). */
  readonly calendar?: readonly CalendarEvent[];
}

export interface SampleOptions {
  /** Bars per path. */
  readonly length: number;
  /** Number of independent paths. */
  readonly paths: number;
  /** Epoch ms of the first bar; generated bars step over weekdays from there. Default 2000-01-03. */
  readonly start?: number;
}

/** Options of {@link GeneratorSpec.sampleReturns}. */
export interface ReturnsOptions {
  /** Returns per path. */
  readonly length: number;
  /** Number of independent paths. */
  readonly paths: number;
}

/**
 * One path's close-to-close natural-log returns, read in chunks: each `next(out)` fills `out` with the path's
 * next `out.length` returns. The stream carries every piece of model state from one call to the next (price or
 * level, conditional variance, regime, bootstrap position, …), so reading a path in chunks of any sizes gives
 * the same bytes as reading it at once, and a path of any length is generated in constant memory.
 *
 * A stream draws from the rng it was opened with, lazily: only inside `next`, and only the draws the values
 * it returns need (`next` on an empty array draws nothing). Drawing from that rng between calls shifts the
 * stream (the law stays the same).
 *
 * @example
 * const stream = gbm.returnStream!(params, Rng.fromSeed(1));
 * const chunk = new Float64Array(1_000_000);
 * for (let done = 0; done < 1e8; done += chunk.length) { stream.next(chunk); write(chunk); }
 */
export interface ReturnStream {
  /** Fills `out` with the next `out.length` returns of the path. */
  next(out: Float64Array): void;
}

/**
 * A synthetic market generator. `fit` is pure and sees the fold's training bars only; its result is plain
 * JSON (persisted beside datasets). `sample` draws every random number from the rng it is given, so the
 * same params, rng state and options give identical bytes.
 *
 * @example
 * const params = gbm.fit([trainBars], gbm.configSchema.parse({}), {});
 * const paths = gbm.sample(params, Rng.fromSeed(1), { length: 252, paths: 8 }); // paths[p][asset]
 */
export interface GeneratorSpec<C = unknown, P = unknown> {
  readonly id: string;
  /** Bumped whenever the same params and seed would produce different bytes. */
  readonly version: number;
  readonly description: string;
  readonly configSchema: ZodType<C>;
  fit(train: Panel, config: C, ctx: FitContext): P;
  /** One Panel per path, each with as many assets as the training panel. */
  sample(params: P, rng: Rng, opts: SampleOptions): Panel[];
  /**
   * Close-to-close natural-log returns only, without building OHLCV bars: for callers that need returns at
   * scale (realism statistics, benchmarks, long streams). Row-major `[paths × length]`: return t of path p
   * is at `p·length + t`, and is ln(close_t/close_{t−1}) of the path's **first asset** (close_{−1} is the
   * close before the first generated bar). Multi-asset generators may return asset 0 only.
   *
   * Contract: every path has the same law as the close-to-close returns of asset 0 in `sample`'s paths with
   * the same params (same starting state, same dynamics), and the output is seed-deterministic byte for byte.
   * The draws need not match `sample`'s: this is a different use of the stream (no range, volume or
   * overnight draws), so the same rng gives different returns from the two methods.
   *
   * When the generator has {@link GeneratorSpec.returnStream}, `sampleReturns` is defined by it: path p is
   * the first `length` values of a stream opened on `rng` once path p − 1 has been read (p consecutive
   * streams on one rng). In particular `sampleReturns(params, rng, { paths: 1, length })` equals the
   * concatenation of `returnStream(params, rng)`'s chunks, whatever their sizes.
   *
   * @throws ConfigError for invalid params or counts (`length` or `paths` not an integer ≥ 1).
   * @example
   * const r = gbm.sampleReturns!(params, Rng.fromSeed(1), { length: 2520, paths: 1000 }); // r[p * 2520 + t]
   */
  sampleReturns?(params: P, rng: Rng, opts: ReturnsOptions): Float64Array;
  /**
   * One path of `sampleReturns` as a {@link ReturnStream}: asset 0's close-to-close log returns from the
   * path's starting state, in chunks of any sizes, in constant memory (a path of 1e8 returns never exists
   * as a whole). Every asset's params are validated when the stream is opened, as `sample` does.
   *
   * @throws ConfigError for invalid params.
   * @example
   * const stream = garch.returnStream!(params, Rng.fromSeed(1).fork('path-0'));
   * stream.next(chunk); // returns 0 … chunk.length − 1; the next call continues the path
   */
  returnStream?(params: P, rng: Rng): ReturnStream;
}

/** Identity helper that keeps the config and params types of a generator spec. */
export function defineGenerator<C, P>(spec: GeneratorSpec<C, P>): GeneratorSpec<C, P> {
  return spec;
}

/** 2000-01-03, the default first bar of generated series (a Monday). */
export const DEFAULT_SAMPLE_START = Date.UTC(2000, 0, 3);
