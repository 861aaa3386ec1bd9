import type { ZodType } from 'zod';
import type { Rng } from '../src/core/rng.js';
import type { Panel } from '../src/data/bars.js';

/** What `fit` may need beyond the bars (the event generator reads the calendar here). */
export interface FitContext {
  /** Calendar events for the training window, when the generator uses them. */
  readonly calendar?: readonly unknown[];
}

export interface SampleOptions {
  /** Bars per path. */
  readonly length: number;
  /** Number of independent paths. */
  readonly paths: number;
  /** Epoch ms of the first bar; generated bars step over weekdays from there. Default 2000-01-03. */
  readonly start?: number;
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
}

/** Identity helper that keeps the config and params types of a generator spec. */
export function defineGenerator<C, P>(spec: GeneratorSpec<C, P>): GeneratorSpec<C, P> {
  return spec;
}

/** 2000-01-03, the default first bar of generated series (a Monday). */
export const DEFAULT_SAMPLE_START = Date.UTC(2000, 0, 3);
