import type { Env, FinalTransition, Info, VectorEnv, VectorStep } from './env.js';
import { assert, RlError } from './errors.js';
import { Box } from './spaces.js';
import type { Space } from './spaces.js';

/**
 * Steps N discrete-action environments in turn, in this thread, into contiguous typed arrays.
 *
 * Autoreset mode: same-step (`metadata.autoresetMode`). When sub-env i terminates or truncates inside
 * `step`, its final observation and a shallow copy of its final info go to `final` (typed, with the index),
 * the sub-env is reset at once, and row i of `obs` holds the first observation of its next episode;
 * `rewards[i]`, `terminated[i]` and `truncated[i]` still describe the transition that ended. `infos[i]` is the
 * sub-env's latest info (its reset info after an autoreset).
 *
 * Seeding: `reset(seed)` resets sub-env i with `seed + i`. Without a seed the sub-envs continue their own
 * streams, except on the very first reset, which seeds them 0 … N−1 so that they never replay one stream.
 *
 * Every array (`obs`, `rewards`, `terminated`, `truncated`, `final`, `infos`) and the step object are reused
 * between calls: copy what you keep. The `final` entries themselves are fresh copies.
 *
 * @example
 * const venv = new SyncVectorEnv([0, 1, 2, 3].map(() => createTradingEnv({}, source)));
 * const obs = venv.reset(42);               // [4 × obsDim], sub-env i seeded 42 + i
 * const r = venv.step(Int32Array.of(2, 1, 0, 2));
 * for (const f of r.final) bootstrap(f.index, f.obs); // when r.truncated[f.index] === 1
 * @throws RlError (E_ASSERT) from the constructor when the list is empty or the sub-envs' spaces differ in size.
 */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly singleObservationSpace: Space<Float32Array>;
  readonly singleActionSpace: Space<number>;
  readonly metadata = { autoresetMode: 'same-step' } as const;

  private readonly obs: Float32Array;
  private readonly result: VectorStep;
  private seeded = false;

  constructor(private readonly envs: readonly Env<Float32Array, number>[]) {
    assert(envs.length > 0, () => 'SyncVectorEnv needs at least one env');
    const space = envs[0].observationSpace;
    if (!(space instanceof Box)) throw new RlError(`SyncVectorEnv needs Box observations, got ${space.toString()}`, 'E_ASSERT');
    for (let i = 1; i < envs.length; i++) {
      const s = envs[i].observationSpace;
      assert(s instanceof Box && s.size === space.size, () => `sub-env ${i} observes ${s.toString()}, sub-env 0 ${space.toString()}`);
    }
    this.numEnvs = envs.length;
    this.obsDim = space.size;
    this.singleObservationSpace = space;
    this.singleActionSpace = envs[0].actionSpace;
    this.obs = new Float32Array(this.numEnvs * this.obsDim);
    this.result = {
      obs: this.obs,
      rewards: new Float64Array(this.numEnvs),
      terminated: new Uint8Array(this.numEnvs),
      truncated: new Uint8Array(this.numEnvs),
      final: [],
      infos: new Array<Info>(this.numEnvs).fill({}),
    };
  }

  /** Resets every sub-env (sub-env i with `seed + i` when a seed is given); returns the reused obs batch. */
  reset(seed?: number): Float32Array {
    const base = seed ?? (this.seeded ? undefined : 0);
    this.seeded = true;
    const { rewards, terminated, truncated, infos } = this.result;
    for (let i = 0; i < this.numEnvs; i++) {
      const r = this.envs[i].reset(base === undefined ? undefined : { seed: base + i });
      this.writeRow(i, r.obs);
      infos[i] = r.info;
    }
    rewards.fill(0);
    terminated.fill(0);
    truncated.fill(0);
    this.result.final.length = 0;
    return this.obs;
  }

  /**
   * Steps sub-env i with `actions[i]` and autoresets the ones that ended.
   *
   * @throws RlError (E_ASSERT) when `actions.length !== numEnvs`; the sub-envs' own errors
   *   (InvalidActionError, ResetNeededError before the first reset) propagate.
   */
  step(actions: Int32Array | Float32Array): VectorStep {
    assert(actions.length === this.numEnvs, () => `expected ${this.numEnvs} actions, got ${actions.length}`);
    const { rewards, terminated, truncated, final, infos } = this.result;
    final.length = 0;
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i];
      const r = env.step(actions[i]);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      if (r.terminated || r.truncated) {
        // Copy before reset: sub-envs may reuse their observation buffer and info object.
        const done: FinalTransition = { index: i, obs: Float32Array.from(r.obs), info: { ...r.info } };
        final.push(done);
        const next = env.reset();
        this.writeRow(i, next.obs);
        infos[i] = next.info;
      } else {
        this.writeRow(i, r.obs);
        infos[i] = r.info;
      }
    }
    return this.result;
  }

  close(): void {
    for (const env of this.envs) env.close();
  }

  private writeRow(i: number, row: Float32Array): void {
    assert(row.length === this.obsDim, () => `sub-env ${i} returned ${row.length} values, expected ${this.obsDim}`);
    this.obs.set(row, i * this.obsDim);
  }
}
