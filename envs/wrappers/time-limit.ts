import type { Env, Info, ResetOptions, StepResult } from '../../src/core/env.js';
import { ResetNeededError } from '../../src/core/errors.js';
import { Wrapper } from './wrapper.js';

/**
 * Ends episodes after `maxSteps` steps by setting `truncated` (Gymnasium's `TimeLimit`). `terminated` is
 * never touched: hitting the limit is not a terminal state of the MDP, so learners bootstrap from the final
 * observation. Steps are counted from the last `reset`.
 *
 * Stepping before the first reset, or again after an episode this wrapper returned as ended (terminated or
 * truncated), throws {@link ResetNeededError}: the step count of a finished episode has no meaning.
 *
 * The step result object is reused (the observation and info are the inner env's).
 *
 * @example
 * const env = new TimeLimit(new CartPoleEnv(), 500);
 * env.reset({ seed: 0 });
 * env.step(1).truncated; // true on the 500th step unless the pole fell first
 * @throws RangeError from the constructor unless maxSteps is a positive integer.
 */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  private readonly result: StepResult<O> = { obs: undefined as unknown as O, reward: 0, terminated: false, truncated: false, info: {} };
  private elapsed = 0;
  private active = false;

  constructor(
    env: Env<O, A>,
    /** Steps per episode at most. */
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps >= 1)) {
      throw new RangeError(`TimeLimit needs a positive integer maxEpisodeSteps, got ${maxEpisodeSteps}`);
    }
  }

  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(opts?: ResetOptions): { obs: O; info: Info } {
    const r = this.env.reset(opts);
    this.elapsed = 0;
    this.active = true;
    return r;
  }

  /** @throws ResetNeededError before the first reset or after the episode ended. */
  override step(action: A): StepResult<O> {
    if (!this.active) throw new ResetNeededError();
    const r = this.env.step(action);
    this.elapsed++;
    const out = this.result;
    out.obs = r.obs;
    out.reward = r.reward;
    out.terminated = r.terminated;
    out.truncated = r.truncated || this.elapsed >= this.maxEpisodeSteps;
    out.info = r.info;
    this.active = !(out.terminated || out.truncated);
    return out;
  }
}
