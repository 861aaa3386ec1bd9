import type { Env } from '../src/core/env.js';
import { PassiveEnvChecker } from '../src/core/check-env.js';
import { ConfigError } from '../src/core/errors.js';
import type { Registry } from '../src/core/registry.js';
import type { EnvCreateContext, EnvSpec } from './env-spec.js';
import { FrameStack } from './wrappers/frame-stack.js';
import { NormalizeObservation } from './wrappers/normalize-observation.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { RecordEpisodeStatistics } from './wrappers/record-episode-statistics.js';
import { TimeLimit } from './wrappers/time-limit.js';
import type { Wrapper } from './wrappers/wrapper.js';

/** What {@link makeEnv} may change about a registered env. */
export interface MakeEnvOverrides {
  /** Raw config for the spec's `create` (validated by its schema). Default `{}`. */
  config?: unknown;
  /** Episode source and features for market envs. */
  ctx?: EnvCreateContext;
  /** Replaces the spec's `maxEpisodeSteps` (the TimeLimit). */
  maxEpisodeSteps?: number;
  /** Wrap in RecordEpisodeStatistics (`info.episode` at each episode's end). */
  recordStatistics?: boolean;
  /** Wrap in NormalizeObservation (running statistics; freeze them for evaluation). */
  normalizeObservation?: boolean;
  /** Wrap in FrameStack with this many observations (≥ 1). */
  frameStack?: number;
}

/** An env built by {@link makeEnv}: the outermost wrapper of its chain (`.env` one level down, `.unwrapped` the env). */
export type WrappedEnv = Wrapper<Float32Array, number> | Wrapper<Float32Array, Float32Array>;

/**
 * Builds a registered env and wraps it in Gymnasium's `make` order, innermost first:
 *
 * 1. `PassiveEnvChecker` — only when `process.env.NODE_ENV === 'test'`: checks the first reset and step;
 * 2. `OrderEnforcing` — always: `step` before `reset` or after an episode ended throws ResetNeededError;
 * 3. `TimeLimit(n)` — when `overrides.maxEpisodeSteps` or the spec's `maxEpisodeSteps` gives n: sets
 *    `truncated` at step n;
 * 4. `RecordEpisodeStatistics` — when `recordStatistics`: sees the true (unnormalised) rewards and the
 *    episode lengths including the time limit;
 * 5. `NormalizeObservation` — when `normalizeObservation`;
 * 6. `FrameStack(k)` — when `frameStack` is given: stacks the normalised observations.
 *
 * @example
 * const env = makeEnv(registry, 'cartpole-v1', { recordStatistics: true });
 * env.env;        // TimeLimit(500) → OrderEnforcing → (PassiveEnvChecker under tests) → CartPoleEnv
 * env.unwrapped;  // the CartPoleEnv
 * @throws UnknownPluginError (with did-you-mean) for an unknown id; ConfigError for an invalid config,
 * context or override.
 */
export function makeEnv(registry: Registry<EnvSpec>, id: string, overrides: MakeEnvOverrides = {}): WrappedEnv {
  const spec = registry.get(id);
  const maxSteps = overrides.maxEpisodeSteps ?? spec.maxEpisodeSteps;
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps >= 1)) {
    throw new ConfigError('maxEpisodeSteps', `must be a positive integer, got ${maxSteps}`);
  }
  const k = overrides.frameStack;
  if (k !== undefined && !(Number.isInteger(k) && k >= 1)) throw new ConfigError('frameStack', `must be a positive integer, got ${k}`);

  // Discrete- and Box-action envs share every wrapper; the union is restored at the end.
  type Inner = Env<Float32Array, number | Float32Array>;
  let env: Inner = spec.create(overrides.config ?? {}, overrides.ctx);
  if (process.env.NODE_ENV === 'test') env = new PassiveEnvChecker(env);
  env = new OrderEnforcing(env);
  if (maxSteps !== undefined) env = new TimeLimit(env, maxSteps);
  if (overrides.recordStatistics === true) env = new RecordEpisodeStatistics(env);
  if (overrides.normalizeObservation === true) env = new NormalizeObservation(env);
  if (k !== undefined) env = new FrameStack(env, k);
  return env as WrappedEnv;
}
