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

/** Context passed to {@link TrainHooks.onStep} after every vector step. */
export interface StepContext {
  /** Env steps taken so far (summed over sub-envs). */
  readonly step: number;
  readonly numEnvs: number;
}

/**
 * Plain-object hooks; returning `"stop"` ends training early. `agent.save(dir)` called from
 * `onRolloutEnd` writes a checkpoint training can resume from (PPO resumes only at update boundaries;
 * DQN from either hook).
 * `onRolloutEnd` fires after each update (PPO: each rollout; DQN: every `logInterval` steps).
 * Evaluation, early stopping, periodic checkpoints and metric files are built on these in
 * src/training/callbacks.ts.
 */
export interface TrainHooks {
  onStep?(ctx: StepContext): Awaitable<void | 'stop'>;
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
 * `act` takes a batch: `obs` is [n × obsDim] row-major; the result holds n actions (Int32Array, discrete
 * spaces) or [n × actionDim] values (Float32Array, Box spaces).
 *
 * `learn(env, { steps })` is one training session of `steps` env steps on an env the caller has seeded.
 * An agent restored from a checkpoint taken mid-session continues that session: called with a freshly
 * created and identically seeded env and the same budget, it ends byte-identical to an uninterrupted run.
 */
export interface Agent {
  readonly id: string;
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array | Float32Array;
  learn(env: VectorEnv, budget: { steps: number }, hooks?: TrainHooks): Promise<TrainSummary>;
  /** Writes a checkpoint into `dir` (config, weights, normaliser statistics, optimizer, RNG and session state). */
  save(dir: string): Promise<void>;
  /** Releases resources (tensors, if any). */
  dispose(): void;
}

export interface AgentContext {
  readonly observationSpace: Space<Float32Array>;
  readonly actionSpace: Space<number> | Space<Float32Array>;
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
  /** Named configurations (e.g. `sb3`, `cartpole`), selected with `rl train --agent-preset <name>`. */
  readonly presets?: Readonly<Record<string, C>>;
  /** Restores an agent written by `save`; absent for agents with nothing to restore. */
  load?(dir: string, ctx: AgentContext): Promise<Agent>;
}

export function defineAgent<C>(spec: AgentSpec<C>): AgentSpec<C> {
  return spec;
}
