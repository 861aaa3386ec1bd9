import type { Env, Info, ResetOptions, StepResult } from '../../src/core/env.js';
import type { Space } from '../../src/core/spaces.js';

/** The spaces a wrapper exposes when they differ from its inner env's. */
export interface WrapperSpaces<WO, WA> {
  observationSpace?: Space<WO>;
  actionSpace?: Space<WA>;
}

/**
 * The innermost env under any chain of wrappers: follows `unwrapped` when the env declares one (every
 * {@link Wrapper} and the passive checker do), else returns the env itself, as Gymnasium's `Env.unwrapped`.
 *
 * @example
 * unwrap(makeEnv(registry, 'cartpole-v1')) instanceof CartPoleEnv; // true
 */
export function unwrap(env: Env<unknown, unknown>): Env<unknown, unknown> {
  const inner = (env as { readonly unwrapped?: Env<unknown, unknown> }).unwrapped;
  return inner === undefined ? env : inner;
}

/**
 * Wraps an env to change its behaviour (Gymnasium 1.x `Wrapper`): `reset`, `step`, `close` and the two
 * spaces are forwarded to the inner env **explicitly**, and nothing else is: an attribute of the inner env is
 * reached through `env` (one level down) or `unwrapped` (the innermost env), never through the wrapper.
 *
 * Type parameters: `O`, `A` are the inner env's observation and action types; `WO`, `WA` the wrapper's. A
 * wrapper that changes a type must pass the new space to the constructor and override the methods that
 * produce or consume it ({@link ObservationWrapper} and {@link ActionWrapper} do both for you).
 *
 * Reused objects: as {@link Env} allows, wrappers in this folder return a reused result object (and, where
 * they transform observations, a reused observation buffer). Copy what you keep past the next `step`/`reset`.
 *
 * @example
 * class CountSteps<O, A> extends Wrapper<O, A> {
 *   steps = 0;
 *   override step(action: A) {
 *     this.steps++;
 *     return this.env.step(action);
 *   }
 * }
 * const env = new CountSteps(new CartPoleEnv());
 * env.unwrapped;          // the CartPoleEnv
 * String(env);            // "CountSteps<CartPoleEnv>"
 */
export class Wrapper<O, A, WO = O, WA = A> implements Env<WO, WA> {
  readonly observationSpace: Space<WO>;
  readonly actionSpace: Space<WA>;

  constructor(
    /** The env one level down. */
    readonly env: Env<O, A>,
    spaces: WrapperSpaces<WO, WA> = {},
  ) {
    // Without an override the wrapper keeps the inner env's types (WO = O, WA = A), so the spaces carry over.
    this.observationSpace = spaces.observationSpace ?? (env.observationSpace as unknown as Space<WO>);
    this.actionSpace = spaces.actionSpace ?? (env.actionSpace as unknown as Space<WA>);
  }

  /** The innermost env of the chain. */
  get unwrapped(): Env<unknown, unknown> {
    return unwrap(this.env);
  }

  reset(opts?: ResetOptions): { obs: WO; info: Info } {
    return this.env.reset(opts) as unknown as { obs: WO; info: Info };
  }

  step(action: WA): StepResult<WO> {
    return this.env.step(action as unknown as A) as unknown as StepResult<WO>;
  }

  close(): void {
    this.env.close();
  }

  /** The chain from this wrapper inwards, e.g. `TimeLimit<OrderEnforcing<CartPoleEnv>>`. */
  toString(): string {
    return `${this.constructor.name}<${describeEnv(this.env)}>`;
  }
}

/** A wrapper's own `toString` (the chain), else the env's class name. */
function describeEnv(env: object): string {
  return env.toString !== Object.prototype.toString ? String(env) : env.constructor.name;
}

/**
 * Transforms every observation, the one from `reset` included, through {@link ObservationWrapper.observation}
 * (Gymnasium's `ObservationWrapper`). The step result object is reused; `observation` may return a reused
 * buffer too.
 *
 * @example
 * class Negate extends ObservationWrapper<Float32Array, number> {
 *   private readonly out = new Float32Array(4);
 *   observation(obs: Float32Array) { for (let i = 0; i < 4; i++) this.out[i] = -obs[i]; return this.out; }
 * }
 */
export abstract class ObservationWrapper<O, A, WO = O> extends Wrapper<O, A, WO, A> {
  private readonly obsResult: StepResult<WO> = { obs: undefined as unknown as WO, reward: 0, terminated: false, truncated: false, info: {} };

  /** Maps an inner observation to this wrapper's. Called once per `reset` and once per `step`. */
  abstract observation(obs: O): WO;

  override reset(opts?: ResetOptions): { obs: WO; info: Info } {
    const r = this.env.reset(opts);
    return { obs: this.observation(r.obs), info: r.info };
  }

  override step(action: A): StepResult<WO> {
    const r = this.env.step(action);
    const out = this.obsResult;
    out.obs = this.observation(r.obs);
    out.reward = r.reward;
    out.terminated = r.terminated;
    out.truncated = r.truncated;
    out.info = r.info;
    return out;
  }
}

/**
 * Transforms every reward through {@link RewardWrapper.reward} (Gymnasium's `RewardWrapper`). The step
 * result object is reused; the inner env's result is never mutated.
 *
 * @example
 * class Scale extends RewardWrapper<Float32Array, number> {
 *   reward(r: number) { return 100 * r; }   // per-step log return → percent
 * }
 */
export abstract class RewardWrapper<O, A> extends Wrapper<O, A> {
  private readonly rewardResult: StepResult<O> = { obs: undefined as unknown as O, reward: 0, terminated: false, truncated: false, info: {} };

  /** Maps the inner env's per-step reward to this wrapper's. */
  abstract reward(reward: number): number;

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    const out = this.rewardResult;
    out.obs = r.obs;
    out.reward = this.reward(r.reward);
    out.terminated = r.terminated;
    out.truncated = r.truncated;
    out.info = r.info;
    return out;
  }
}

/**
 * Transforms every action through {@link ActionWrapper.action} before the inner env sees it (Gymnasium's
 * `ActionWrapper`). Pass the wrapper's action space to the constructor.
 *
 * @example
 * class Flip extends ActionWrapper<Float32Array, number, number> {
 *   constructor(env: Env<Float32Array, number>) { super(env, { actionSpace: new Discrete(2) }); }
 *   action(a: number) { return 1 - a; }
 * }
 */
export abstract class ActionWrapper<O, A, WA = A> extends Wrapper<O, A, O, WA> {
  /** Maps this wrapper's action to the inner env's. */
  abstract action(action: WA): A;

  override reset(opts?: ResetOptions): { obs: O; info: Info } {
    return this.env.reset(opts);
  }

  override step(action: WA): StepResult<O> {
    return this.env.step(this.action(action));
  }
}
