import type { Env, FinalTransition, Info, VectorEnv, VectorStep } from './env.js';
import { assert, RlError } from './errors.js';
import { Box } from './spaces.js';
import type { Space } from './spaces.js';

/**
 * Optional fast path for {@link SyncVectorEnv}: an env that can write its observations straight into a
 * caller's buffer. After `bindObservation(view)` the env writes every observation into `view` (it copies its
 * current one there at once) and returns `view` itself as `obs` from `reset` and `step`, so the batch needs no
 * per-step copy. Wrappers must not forward it implicitly: an env whose `obs` is not the bound view is simply
 * copied, so binding is always safe.
 */
export interface BindsObservation {
  bindObservation(view: Float32Array): void;
}

/** The space of one sub-env's actions: `Space<number>` for discrete actions, `Space<Float32Array>` for Box ones. */
export type ActionSpaceOf<A extends number | Float32Array> = A extends number ? Space<number> : Space<Float32Array>;

/**
 * Steps N environments in turn, in this thread, into contiguous typed arrays. Sub-envs take discrete actions
 * (`A = number`, one per env) or Box actions (`A = Float32Array`, `actionDim` values per env, row-major).
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
 * Allocation: a step in which no episode ends allocates nothing. Every array (`obs`, `rewards`, `terminated`,
 * `truncated`, `final`, `infos`) and the step object are reused between calls: copy what you keep. The
 * `final` entries themselves are fresh copies. Sub-envs that implement {@link BindsObservation} write their
 * rows of `obs` directly; others are copied. Box actions reach sub-env i through a reused per-env array.
 *
 * @example
 * const venv = new SyncVectorEnv([0, 1, 2, 3].map(() => createTradingEnv({}, source)));
 * const obs = venv.reset(42);               // [4 × obsDim], sub-env i seeded 42 + i
 * const r = venv.step(Int32Array.of(2, 1, 0, 2));
 * for (const f of r.final) bootstrap(f.index, f.obs); // when r.truncated[f.index] === 1
 * @throws RlError (E_ASSERT) from the constructor when the list is empty or the sub-envs' spaces differ in size.
 */
export class SyncVectorEnv<A extends number | Float32Array = number> implements VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  /** Values per sub-env in an action batch: 1 for discrete actions, the Box size otherwise. */
  readonly actionDim: number;
  readonly singleObservationSpace: Space<Float32Array>;
  readonly singleActionSpace: ActionSpaceOf<A>;
  readonly metadata = { autoresetMode: 'same-step' } as const;

  private readonly obs: Float32Array;
  /** Row i of `obs` as a view (created once), the buffer bound to sub-env i when it supports binding. */
  private readonly rows: Float32Array[];
  /** Reused per-env action arrays for Box actions; empty for discrete. */
  private readonly actionRows: Float32Array[];
  private readonly discrete: boolean;
  private readonly result: VectorStep;
  private seeded = false;

  constructor(private readonly envs: readonly Env<Float32Array, A>[]) {
    assert(envs.length > 0, () => 'SyncVectorEnv needs at least one env');
    const space = envs[0].observationSpace;
    if (!(space instanceof Box)) throw new RlError(`SyncVectorEnv needs Box observations, got ${space.toString()}`, 'E_ASSERT');
    const actionSpace = envs[0].actionSpace;
    for (let i = 1; i < envs.length; i++) {
      const s = envs[i].observationSpace;
      assert(s instanceof Box && s.size === space.size, () => `sub-env ${i} observes ${s.toString()}, sub-env 0 ${space.toString()}`);
      const a = envs[i].actionSpace;
      assert(
        a.kind === actionSpace.kind && (!(a instanceof Box) || (actionSpace instanceof Box && a.size === actionSpace.size)),
        () => `sub-env ${i} acts in ${a.toString()}, sub-env 0 in ${actionSpace.toString()}`,
      );
    }
    this.numEnvs = envs.length;
    this.obsDim = space.size;
    this.singleObservationSpace = space;
    this.singleActionSpace = actionSpace as ActionSpaceOf<A>;
    this.discrete = !(actionSpace instanceof Box);
    this.actionDim = actionSpace instanceof Box ? actionSpace.size : 1;
    this.actionRows = this.discrete ? [] : envs.map(() => new Float32Array(this.actionDim));
    this.obs = new Float32Array(this.numEnvs * this.obsDim);
    this.rows = envs.map((_, i) => this.obs.subarray(i * this.obsDim, (i + 1) * this.obsDim));
    envs.forEach((env, i) => {
      const bindable = env as Partial<BindsObservation>;
      if (typeof bindable.bindObservation === 'function') bindable.bindObservation(this.rows[i]);
    });
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
      if (r.obs !== this.rows[i]) this.writeRow(i, r.obs);
      infos[i] = r.info;
    }
    rewards.fill(0);
    terminated.fill(0);
    truncated.fill(0);
    this.result.final.length = 0;
    return this.obs;
  }

  /**
   * Steps sub-env i with its action (`actions[i]` for discrete actions; `actions[i·actionDim … (i+1)·actionDim)`
   * for Box actions) and autoresets the ones that ended.
   *
   * @throws RlError (E_ASSERT) when `actions.length !== numEnvs · actionDim`; the sub-envs' own errors
   *   (InvalidActionError, ResetNeededError before the first reset) propagate.
   */
  step(actions: Int32Array | Float32Array): VectorStep {
    // An explicit branch rather than assert(): no message closure is created on the hot path.
    if (actions.length !== this.numEnvs * this.actionDim) {
      throw new RlError(`expected ${this.numEnvs * this.actionDim} action values (${this.numEnvs} envs × ${this.actionDim}), got ${actions.length}`, 'E_ASSERT');
    }
    const { rewards, terminated, truncated, final, infos } = this.result;
    final.length = 0;
    const envs = this.envs;
    const rows = this.rows;
    const discrete = this.discrete;
    for (let i = 0; i < envs.length; i++) {
      const env = envs[i];
      const r = env.step(discrete ? (actions[i] as A) : this.actionRow(i, actions));
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      if (r.terminated || r.truncated) {
        // Copy before reset: sub-envs may reuse their observation buffer and info object.
        const done: FinalTransition = { index: i, obs: Float32Array.from(r.obs), info: { ...r.info } };
        final.push(done);
        const next = env.reset();
        if (next.obs !== rows[i]) this.writeRow(i, next.obs);
        infos[i] = next.info;
      } else {
        if (r.obs !== rows[i]) this.writeRow(i, r.obs);
        infos[i] = r.info;
      }
    }
    return this.result;
  }

  close(): void {
    for (const env of this.envs) env.close();
  }

  /** Copies sub-env i's slice of a Box action batch into its reused array (a subarray view would allocate). */
  private actionRow(i: number, actions: Int32Array | Float32Array): A {
    const row = this.actionRows[i];
    const dim = this.actionDim;
    const base = i * dim;
    for (let k = 0; k < dim; k++) row[k] = actions[base + k];
    return row as A;
  }

  private writeRow(i: number, row: Float32Array): void {
    if (row.length !== this.obsDim) throw new RlError(`sub-env ${i} returned ${row.length} values, expected ${this.obsDim}`, 'E_ASSERT');
    this.obs.set(row, i * this.obsDim);
  }
}
