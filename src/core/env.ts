import { Rng } from './rng.js';
import type { Space } from './spaces.js';

/** Free-form diagnostics. Nothing an algorithm branches on lives here: those are typed fields. */
export type Info = Record<string, unknown>;

export interface ResetOptions {
  /** Re-seeds the env's rng when given; otherwise the stream continues. */
  seed?: number;
  options?: Record<string, unknown>;
}

export interface StepResult<O> {
  obs: O;
  /** Per-step reward; for trading envs the log change of net equity from t to t+1. */
  reward: number;
  /** A true terminal state of the MDP (ruin: equity at or below the floor). Do not bootstrap. */
  terminated: boolean;
  /** The episode was cut (end of data window or step limit). Bootstrap from the final observation. */
  truncated: boolean;
  info: Info;
}

/**
 * The environment contract, Gymnasium 1.x semantics with named fields.
 *
 * Seeding rule: `reset({ seed })` re-seeds the env's rng only when a seed is given; otherwise the stream
 * continues, so successive episodes differ. Two envs reset with the same seed produce the same episode.
 *
 * `terminated` means a terminal state of the MDP (ruin, margin-out): its value is zero.
 * `truncated` means the data window or `maxSteps` ended: the state still has value, and learners bootstrap
 * `γ·V(obs)` from the returned observation.
 *
 * `step` is synchronous because it is the hot loop. Implementations may return a reused result object and
 * a reused observation buffer: copy what you keep past the next `step`/`reset`.
 */
export interface Env<O, A> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  reset(opts?: ResetOptions): { obs: O; info: Info };
  step(action: A): StepResult<O>;
  close(): void;
}

/**
 * Base class owning the env's rng and the seeding rule. Subclasses implement `resetEpisode` (called after
 * the rng is re-seeded when a seed was given) and `step`.
 *
 * @example
 * class MyEnv extends BaseEnv<Float32Array, number> {
 *   protected resetEpisode() { const start = this.rng.int(100); ...; return { obs, info: {} }; }
 * }
 */
export abstract class BaseEnv<O, A> implements Env<O, A> {
  abstract readonly observationSpace: Space<O>;
  abstract readonly actionSpace: Space<A>;
  protected rng: Rng = Rng.fromSeed(0);

  reset(opts?: ResetOptions): { obs: O; info: Info } {
    if (opts?.seed !== undefined) this.rng = Rng.fromSeed(opts.seed);
    return this.resetEpisode(opts?.options ?? {});
  }

  /** Starts a new episode using `this.rng` for any randomness. */
  protected abstract resetEpisode(options: Record<string, unknown>): { obs: O; info: Info };

  abstract step(action: A): StepResult<O>;

  close(): void {}
}

/** The final transition of a sub-env that autoreset in this step. */
export interface FinalTransition {
  index: number;
  /** The observation the episode ended on (copied; the batch `obs` row already holds the next episode's first). */
  obs: Float32Array;
  info: Info;
}

/** One batched step; arrays are reused between calls. */
export interface VectorStep {
  /** [numEnvs × obsDim], row i is sub-env i's current observation (after autoreset, the new episode's first). */
  obs: Float32Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** Sub-envs whose episode ended in this step, with their final observations (same-step autoreset). */
  final: FinalTransition[];
  infos: Info[];
}

/**
 * N environments stepped together into contiguous typed arrays. Autoreset mode: same-step — when sub-env i
 * ends, it is reset inside the same `step` call, its final observation goes to `final`, and row i of `obs`
 * holds the first observation of its next episode. Sub-env i is seeded with `seed + i`.
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly singleObservationSpace: Space<Float32Array>;
  readonly singleActionSpace: Space<number> | Space<Float32Array>;
  readonly metadata: { autoresetMode: 'same-step' };
  reset(seed?: number): Float32Array;
  step(actions: Int32Array | Float32Array): VectorStep;
  close(): void;
}
