import type { ZodType } from 'zod';
import type { Env } from '../src/core/env.js';
import type { EpisodeSource } from '../src/data/episode-source.js';
import type { FeatureSource } from '../src/features/feature-source.js';

/** An env with vector observations and either discrete or continuous (Box) actions. */
export type AnyEnv = Env<Float32Array, number> | Env<Float32Array, Float32Array>;

/** What an env factory may need beyond its config. Market envs need `source`; classic-control envs none. */
export interface EnvCreateContext {
  /** Supplies each episode's bars (market envs). */
  readonly source?: EpisodeSource;
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
  /** @throws ConfigError when `config` does not match `configSchema` or the context lacks what it needs. */
  create(config: unknown, ctx?: EnvCreateContext): AnyEnv;
}
