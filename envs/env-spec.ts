import type { ZodType } from 'zod';
import type { Env } from '../src/core/env.js';
import type { EpisodeSource } from '../src/data/episode-source.js';

/**
 * A registered environment kind: its id (lowercase with a version, e.g. `trading-v0`), its zod config
 * schema (defaults and help text included) and a factory. `create` parses `config` itself, so it accepts
 * raw user input and throws `ConfigError` with the key path (`env.window`) on invalid values.
 *
 * @example
 * const env = registry.get('trading-v0').create({ window: 30 }, fixedEpisode(bars, 30));
 */
export interface EnvSpec<C = unknown> {
  readonly id: string;
  readonly description: string;
  readonly configSchema: ZodType<C>;
  /** @throws ConfigError when `config` does not match `configSchema`. */
  create(config: unknown, source: EpisodeSource): Env<Float32Array, number>;
}
