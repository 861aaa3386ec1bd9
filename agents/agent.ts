import type { ZodType } from 'zod';
import type { Rng } from '../src/core/rng.js';
import type { Space } from '../src/core/spaces.js';
import type { VectorEnv } from '../src/core/env.js';

export type Awaitable<T> = T | Promise<T>;

/** Context passed to hooks after each rollout/update: stable, namespaced metric keys (CleanRL's names). */
export interface RolloutContext {
  /** Env steps taken so far (summed over sub-envs). */
  readonly step: number;
  /** e.g. `charts/episodic_return`, `losses/value_loss`, `losses/approx_kl`. Numbers only. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Plain-object hooks; returning `"stop"` ends training early. */
export interface TrainHooks {
  onRolloutEnd?(ctx: RolloutContext): Awaitable<void | 'stop'>;
}

export interface TrainSummary {
  readonly steps: number;
  readonly updates: number;
  readonly episodes: number;
  /** Mean return of the last completed episodes (NaN when none completed). */
  readonly meanEpisodeReturn: number;
}

/**
 * A learning (or fixed) policy over a vector of envs.
 *
 * `act` takes a batch: `obs` is [n × obsDim] row-major and the result holds n actions.
 */
export interface Agent {
  readonly id: string;
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array;
  learn(env: VectorEnv, budget: { steps: number }, hooks?: TrainHooks): Promise<TrainSummary>;
  /** Writes `agent.json` (id, version, config) and weights into `dir`. */
  save(dir: string): Promise<void>;
  /** Releases tensors. */
  dispose(): void;
}

export interface AgentContext {
  readonly observationSpace: Space<Float32Array>;
  readonly actionSpace: Space<number>;
  /** The agent's own stream (initialisation, exploration, minibatch order). */
  readonly rng: Rng;
  /** Trading envs: the target position each discrete action stands for (e.g. [-1, 0, 1]). */
  readonly actionPositions?: readonly number[];
}

/** A registered agent kind: its config schema (defaults included) and a factory. */
export interface AgentSpec<C = unknown> {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  /** Whether `learn` changes the policy (false for fixed baselines, which skip training). */
  readonly learns: boolean;
  readonly configSchema: ZodType<C>;
  create(config: C, ctx: AgentContext): Agent;
}

export function defineAgent<C>(spec: AgentSpec<C>): AgentSpec<C> {
  return spec;
}
