import type { Env, Info, ResetOptions } from '../../src/core/env.js';
import { RlError } from '../../src/core/errors.js';
import { Box } from '../../src/core/spaces.js';
import { ObservationWrapper } from './wrapper.js';

/**
 * Stacks the last `k` observations of a Box env into one flat Float32Array, oldest first (Gymnasium's
 * `FrameStackObservation` with `padding_type="reset"`): at reset every slot holds the reset observation;
 * each step shifts the stack by one observation and appends the new one. The observation space tiles the
 * inner bounds `k` times, with shape `[k, ...innerShape]` (row-major, so row `k − 1` is the newest).
 *
 * Allocation-free per step: the stack is one reused Float32Array, overwritten by the next `step`/`reset`
 * (copy what you keep). Inner observations are copied in, so an inner env reusing its buffer is fine.
 *
 * @example
 * const env = new FrameStack(new CartPoleEnv(), 4);
 * env.reset({ seed: 0 }).obs.length; // 16: the reset observation four times
 * env.step(1).obs.subarray(12);      // the newest observation
 * @throws RangeError unless k is a positive integer; RlError (E_ASSERT) when the inner space is not a Box.
 */
export class FrameStack<A> extends ObservationWrapper<Float32Array, A> {
  private readonly stack: Float32Array;
  private readonly frameSize: number;

  constructor(
    env: Env<Float32Array, A>,
    /** Observations per stack. */
    readonly k: number,
  ) {
    if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`FrameStack needs a positive integer k, got ${k}`);
    const inner = env.observationSpace;
    if (!(inner instanceof Box)) throw new RlError(`FrameStack needs a Box observation space, got ${inner.toString()}`, 'E_ASSERT');
    const low = new Float32Array(k * inner.size);
    const high = new Float32Array(k * inner.size);
    for (let j = 0; j < k; j++) {
      low.set(inner.low, j * inner.size);
      high.set(inner.high, j * inner.size);
    }
    super(env, { observationSpace: new Box(low, high, [k, ...inner.shape]) });
    this.frameSize = inner.size;
    this.stack = new Float32Array(k * inner.size);
  }

  override reset(opts?: ResetOptions): { obs: Float32Array; info: Info } {
    const r = this.env.reset(opts);
    for (let j = 0; j < this.k; j++) this.stack.set(r.obs, j * this.frameSize);
    return { obs: this.stack, info: r.info };
  }

  /** Drops the oldest observation and appends `obs`; returns the reused stack. */
  observation(obs: Float32Array): Float32Array {
    const stack = this.stack;
    const size = this.frameSize;
    stack.copyWithin(0, size);
    stack.set(obs, stack.length - size);
    return stack;
  }
}
