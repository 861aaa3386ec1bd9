import { RlError } from '../src/core/errors.js';
import type { VectorEnv, VectorStep } from '../src/core/env.js';

/**
 * Every batch of actions a training session sent to its vector env, in order. Envs are deterministic
 * functions of their seed and the actions they receive (the env contract tests pin this), so replaying
 * the log through a freshly seeded env restores its exact state — position, episode, RNG — without any
 * env having to serialise itself. Checkpoints store the log; resuming replays it. Cost: 4 bytes per
 * action (400 kB for 100k steps of one discrete action).
 */
export class ActionLog {
  private data: Int32Array | Float32Array;
  private rows = 0;

  /** @param width values per vector step (numEnvs × action size) */
  constructor(
    readonly kind: 'int32' | 'float32',
    readonly width: number,
    initial?: Int32Array | Float32Array,
  ) {
    this.data = kind === 'int32' ? new Int32Array(width * 1024) : new Float32Array(width * 1024);
    if (initial !== undefined) {
      if (initial.length % width !== 0 || (kind === 'int32') !== initial instanceof Int32Array) {
        throw new RlError(`action log of ${initial.length} ${initial.constructor.name} values does not fit width ${width} (${kind})`, 'E_SHAPE');
      }
      this.grow(initial.length / width);
      this.data.set(initial);
      this.rows = initial.length / width;
    }
  }

  /** Vector steps logged. */
  get steps(): number {
    return this.rows;
  }

  append(actions: Int32Array | Float32Array): void {
    if (actions.length !== this.width) throw new RlError(`expected ${this.width} actions per step, got ${actions.length}`, 'E_SHAPE');
    this.grow(this.rows + 1);
    this.data.set(actions, this.rows * this.width);
    this.rows++;
  }

  /** The actions of vector step `t` (a view). */
  row(t: number): Int32Array | Float32Array {
    return this.data.subarray(t * this.width, (t + 1) * this.width);
  }

  /** A trimmed copy, for checkpoints. */
  toArray(): Int32Array | Float32Array {
    return this.data.slice(0, this.rows * this.width);
  }

  clear(): void {
    this.rows = 0;
  }

  private grow(rows: number): void {
    if (rows * this.width <= this.data.length) return;
    const next = this.kind === 'int32' ? new Int32Array(Math.max(rows, 2 * (this.data.length / this.width)) * this.width) : new Float32Array(Math.max(rows, 2 * (this.data.length / this.width)) * this.width);
    next.set(this.data);
    this.data = next;
  }
}

/**
 * Steps `env` through every logged batch, calling `onStep` after each so a learner can rebuild whatever
 * is a pure function of the transitions (episode statistics, a replay buffer). `obs` must hold the
 * observation returned by the env's reset; it is updated in place and ends as the current observation.
 */
export function replayActions(env: VectorEnv, log: ActionLog, obs: Float32Array, onStep?: (res: VectorStep, actions: Int32Array | Float32Array, prevObs: Float32Array) => void): void {
  for (let t = 0; t < log.steps; t++) {
    const actions = log.row(t);
    const res = env.step(actions);
    onStep?.(res, actions, obs);
    obs.set(res.obs);
  }
}
