import type { ZodType } from 'zod';
import type { Env } from '../src/core/env.js';
import type { Bars } from '../src/data/bars.js';
import type { EpisodeSource } from '../src/data/episode-source.js';
import type { PanelEpisodeSource } from '../src/data/panel-episode-source.js';
import type { FeatureSource } from '../src/features/feature-source.js';

/** An env with vector observations and either discrete or continuous (Box) actions. */
export type AnyEnv = Env<Float32Array, number> | Env<Float32Array, Float32Array>;

/** What an env factory may need beyond its config. Market envs need `source`; classic-control envs none. */
export interface EnvCreateContext {
  /** Supplies each episode's bars (single-asset market envs). */
  readonly source?: EpisodeSource;
  /** Supplies each episode's aligned multi-asset panel (portfolio envs). */
  readonly panelSource?: PanelEpisodeSource;
  /** Fitted indicator features (normalisation frozen on a training segment), when the config asks for them. */
  readonly features?: FeatureSource;
}

/**
 * A registered environment kind: its id (lowercase with a version, e.g. `trading-v0`), its zod config
 * schema (defaults and help text included) and a factory. `create` parses `config` itself, so it accepts
 * raw user input and throws `ConfigError` with the key path (`env.window`) on invalid values.
 *
 * @example
 * const env = registry.get('trading-v0').create({ window: 30 }, { source: fixedEpisode(bars, 30) });
 */
export interface EnvSpec<C = unknown> {
  readonly id: string;
  readonly description: string;
  readonly configSchema: ZodType<C>;
  /**
   * Steps per episode at most: `makeEnv` wraps the env in `TimeLimit(maxEpisodeSteps)`, which sets
   * `truncated` (Gymnasium's `max_episode_steps`). Omit it when the env ends its episodes itself.
   */
  readonly maxEpisodeSteps?: number;
  /**
   * The creation context the contract suite (tests/contracts/envs.test.ts) gives this env, built from the
   * suite's deterministic single-asset `bars`: episodes must take their first decision at bar `start` and never
   * read a bar at index ≥ `end`. Needed only when the env wants more than the default
   * `{ source: fixedEpisode(bars, start, end) }` (e.g. a Panel source); without it such an env is skipped
   * there, with the reason in the test name. Derive data causally (row i from bars ≤ i): the suite calls it
   * again with every bar after t perturbed and checks that observations up to t stay byte-identical.
   */
  readonly contractFixture?: (bars: Bars, start: number, end: number) => EnvCreateContext;
  /** @throws ConfigError when `config` does not match `configSchema` or the context lacks what it needs. */
  create(config: unknown, ctx?: EnvCreateContext): AnyEnv;
}
