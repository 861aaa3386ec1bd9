import type { Env, Info, ResetOptions, StepResult } from '../../src/core/env.js';
import { ResetNeededError } from '../../src/core/errors.js';
import { Wrapper } from './wrapper.js';

/**
 * Throws {@link ResetNeededError} when `step` is called before the first `reset`, or after an episode ended
 * (terminated or truncated) without a new `reset` (Gymnasium's `OrderEnforcing`, made strict about the
 * second case too, so envs that do not check it themselves still fail loudly). Results pass through
 * unchanged and unallocated.
 *
 * @example
 * const env = new OrderEnforcing(new CartPoleEnv());
 * env.step(0);            // throws ResetNeededError
 * env.reset({ seed: 1 });
 * env.step(0);            // fine
 */
export class OrderEnforcing<O, A> extends Wrapper<O, A> {
  private resetCalled = false;
  private needsReset = true;

  constructor(env: Env<O, A>) {
    super(env);
  }

  /** Whether `reset` has been called at least once. */
  get hasReset(): boolean {
    return this.resetCalled;
  }

  override reset(opts?: ResetOptions): { obs: O; info: Info } {
    const r = this.env.reset(opts);
    this.resetCalled = true;
    this.needsReset = false;
    return r;
  }

  /** @throws ResetNeededError before the first reset or after the episode ended. */
  override step(action: A): StepResult<O> {
    if (this.needsReset) {
      throw new ResetNeededError(this.resetCalled ? 'the episode ended: call reset() before step()' : 'call reset() before the first step()');
    }
    const r = this.env.step(action);
    if (r.terminated || r.truncated) this.needsReset = true;
    return r;
  }
}
