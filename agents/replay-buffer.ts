import { RlError } from '../src/core/errors.js';
import type { VectorStep } from '../src/core/env.js';
import type { Rng } from '../src/core/rng.js';

/** How a {@link ReplayBuffer} is sized and which returns it stores. */
export interface ReplayBufferOptions {
  /** Most transitions kept; beyond it the oldest is overwritten (SB3 `buffer_size`). */
  readonly capacity: number;
  readonly obsDim: number;
  /** Sub-envs of the vector env feeding {@link ReplayBuffer.add}. */
  readonly numEnvs: number;
  /** Discount per env step: folds n-step returns and is stored as γᵏ with each transition. */
  readonly gamma: number;
  /** Env steps per stored return: 1 (default) is one-step TD. */
  readonly nStep?: number;
  /** Rows allocated up front; storage doubles as transitions arrive, up to `capacity`. Default min(capacity, 1024). */
  readonly initialRows?: number;
}

/** A minibatch of transitions, row-major typed arrays of `size` rows. Reused between samples. */
export interface ReplayBatch {
  readonly size: number;
  /** `[size × obsDim]`: the observation the action was taken on. */
  readonly obs: Float32Array;
  /** `[size × obsDim]`: the observation to bootstrap from (the final one when the episode ended). */
  readonly nextObs: Float32Array;
  readonly actions: Int32Array;
  /** Discounted sum of the (up to n) rewards, raw env units. */
  readonly rewards: Float64Array;
  /** 1 when the episode terminated inside the window: no bootstrap. Truncation stores 0. */
  readonly dones: Uint8Array;
  /** γᵏ, k the env steps between `obs` and `nextObs`: the bootstrap's discount. */
  readonly discounts: Float64Array;
}

/**
 * Allocates a batch for {@link ReplayBuffer.sample}.
 * @example
 * const batch = createReplayBatch(32, env.obsDim);
 */
export function createReplayBatch(size: number, obsDim: number): ReplayBatch {
  return {
    size,
    obs: new Float32Array(size * obsDim),
    nextObs: new Float32Array(size * obsDim),
    actions: new Int32Array(size),
    rewards: new Float64Array(size),
    dones: new Uint8Array(size),
    discounts: new Float64Array(size),
  };
}

/**
 * A circular experience-replay buffer in flat typed arrays (row k of `obs` is `obs[k·obsDim … (k+1)·obsDim)`),
 * fed one vector step at a time and sampled uniformly with replacement from a caller's {@link Rng}, as SB3's
 * `ReplayBuffer.sample`.
 *
 * Episode ends follow SB3's `handle_timeout_termination`: a *terminated* transition stores done = 1 (the
 * terminal state has no value); a *truncated* one stores done = 0 with the final observation from
 * `VectorStep.final` as its next observation, so the target bootstraps from the state the episode was cut in
 * rather than from the next episode's first observation (which the autoreset put in the batch's row).
 *
 * With `nStep = n > 1` each sub-env keeps its last n steps pending; a transition is stored once its n-step
 * return is complete: `R = Σₖ γᵏ r_{t+k}` over k < n with next observation s_{t+n} and discount γⁿ. An episode
 * end inside the window cuts it: the pending steps are stored at once with the rewards up to the end and
 * discount γ^(steps to the end), bootstrapping from the final observation when truncated, not at all when
 * terminated. So the last n − 1 steps of a running episode are not yet sampleable (see {@link pending}).
 *
 * Storage grows by doubling up to `capacity`, so a 1M-transition buffer costs only what a session fills.
 * The buffer's contents are a pure function of the transitions added, which is what lets a resumed session
 * rebuild it by replaying its action log.
 *
 * @example
 * const buffer = new ReplayBuffer({ capacity: 100_000, obsDim: env.obsDim, numEnvs: env.numEnvs, gamma: 0.99 });
 * const res = env.step(actions);
 * buffer.add(obs, actions, res);    // obs: the batch the actions were chosen on
 * buffer.sample(rng, batch);        // batch from createReplayBatch(32, env.obsDim)
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly numEnvs: number;
  readonly gamma: number;
  readonly nStep: number;
  /** Storage, `rows` long; views are replaced when it grows, so read them after the last `add`. */
  obs: Float32Array;
  nextObs: Float32Array;
  actions: Int32Array;
  rewards: Float64Array;
  dones: Uint8Array;
  discounts: Float64Array;
  private rows: number;
  private pos = 0;
  private stored = 0;
  /** Per sub-env FIFO of up to nStep steps awaiting their return: slot (head + k) mod n of env i at i·n + …. */
  private readonly pendObs: Float32Array;
  private readonly pendAction: Int32Array;
  private readonly pendReward: Float64Array;
  private readonly pendHead: Int32Array;
  private readonly pendCount: Int32Array;
  private readonly returns: Float64Array;
  /** γᵏ for k = 0 … nStep. */
  private readonly gammaPow: Float64Array;

  /** @throws RlError (E_CONFIG) on a non-positive capacity, obsDim, numEnvs or nStep, or γ outside [0, 1]. */
  constructor(opts: ReplayBufferOptions) {
    const nStep = opts.nStep ?? 1;
    for (const [name, v] of [['capacity', opts.capacity], ['obsDim', opts.obsDim], ['numEnvs', opts.numEnvs], ['nStep', nStep]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new RlError(`replay buffer ${name} must be a positive integer, got ${v}`, 'E_CONFIG', 2);
    }
    if (!(opts.gamma >= 0 && opts.gamma <= 1)) throw new RlError(`replay buffer gamma must be in [0, 1], got ${opts.gamma}`, 'E_CONFIG', 2);
    this.capacity = opts.capacity;
    this.obsDim = opts.obsDim;
    this.numEnvs = opts.numEnvs;
    this.gamma = opts.gamma;
    this.nStep = nStep;
    this.rows = Math.max(1, Math.min(this.capacity, opts.initialRows ?? 1024));
    this.obs = new Float32Array(this.rows * this.obsDim);
    this.nextObs = new Float32Array(this.rows * this.obsDim);
    this.actions = new Int32Array(this.rows);
    this.rewards = new Float64Array(this.rows);
    this.dones = new Uint8Array(this.rows);
    this.discounts = new Float64Array(this.rows);
    const slots = nStep > 1 ? this.numEnvs * nStep : 0;
    this.pendObs = new Float32Array(slots * this.obsDim);
    this.pendAction = new Int32Array(slots);
    this.pendReward = new Float64Array(slots);
    this.pendHead = new Int32Array(this.numEnvs);
    this.pendCount = new Int32Array(this.numEnvs);
    this.returns = new Float64Array(nStep);
    this.gammaPow = Float64Array.from({ length: nStep + 1 }, (_, k) => this.gamma ** k);
  }

  /** Transitions stored (at most `capacity`). */
  get size(): number {
    return this.stored;
  }

  /** The row the next transition is written to. */
  get position(): number {
    return this.pos;
  }

  /** Steps waiting for their n-step return (always 0 when nStep = 1). */
  get pending(): number {
    let c = 0;
    for (let i = 0; i < this.numEnvs; i++) c += this.pendCount[i];
    return c;
  }

  /**
   * Adds one vector step: sub-env i took `actions[i]` on row i of `obs` and `step` is what the env returned.
   * @throws RlError (E_VECTOR_STEP) when a truncated sub-env's final observation is missing from `step.final`.
   */
  add(obs: Float32Array, actions: Int32Array, step: VectorStep): void {
    const d = this.obsDim;
    for (let i = 0; i < this.numEnvs; i++) {
      const terminated = step.terminated[i] !== 0;
      const ended = terminated || step.truncated[i] !== 0;
      let next = step.obs;
      let nextOff = i * d;
      if (ended) {
        const final = finalObsOf(step, i);
        if (final !== undefined) {
          next = final;
          nextOff = 0;
        } else if (!terminated) throw new RlError(`VectorStep.final lacks the final observation of truncated sub-env ${i}`, 'E_VECTOR_STEP');
      }
      if (this.nStep === 1) {
        this.store(obs, i * d, actions[i], step.rewards[i], next, nextOff, terminated ? 1 : 0, this.gammaPow[1]);
        continue;
      }
      this.push(i, obs, actions[i], step.rewards[i]);
      if (ended) this.flush(i, next, nextOff, terminated ? 1 : 0);
      else if (this.pendCount[i] === this.nStep) this.emitOldest(i, next, nextOff);
    }
  }

  /** Writes one complete transition (rows read at `obsOff` / `nextOff`), overwriting the oldest when full. */
  store(obs: Float32Array, obsOff: number, action: number, reward: number, next: Float32Array, nextOff: number, done: number, discount: number): void {
    if (this.pos === this.rows && this.rows < this.capacity) this.grow();
    const d = this.obsDim;
    const o = this.pos * d;
    const so = this.obs;
    const sn = this.nextObs;
    for (let k = 0; k < d; k++) {
      so[o + k] = obs[obsOff + k];
      sn[o + k] = next[nextOff + k];
    }
    this.actions[this.pos] = action;
    this.rewards[this.pos] = reward;
    this.dones[this.pos] = done;
    this.discounts[this.pos] = discount;
    this.pos = this.pos + 1 === this.capacity ? 0 : this.pos + 1;
    if (this.stored < this.capacity) this.stored++;
  }

  /**
   * Fills `out` with `out.size` transitions drawn uniformly with replacement (one `rng.int(size)` each).
   * @throws RlError (E_EMPTY) when nothing is stored yet.
   */
  sample(rng: Rng, out: ReplayBatch): void {
    if (this.stored === 0) throw new RlError('cannot sample an empty replay buffer', 'E_EMPTY');
    const d = this.obsDim;
    for (let b = 0; b < out.size; b++) {
      const k = rng.int(this.stored);
      const src = k * d;
      const dst = b * d;
      for (let q = 0; q < d; q++) {
        out.obs[dst + q] = this.obs[src + q];
        out.nextObs[dst + q] = this.nextObs[src + q];
      }
      out.actions[b] = this.actions[k];
      out.rewards[b] = this.rewards[k];
      out.dones[b] = this.dones[k];
      out.discounts[b] = this.discounts[k];
    }
  }

  /** Empties the buffer and every pending n-step window (storage is kept). */
  clear(): void {
    this.pos = 0;
    this.stored = 0;
    this.pendCount.fill(0);
    this.pendHead.fill(0);
  }

  // ─── n-step windows ─────────────────────────────────────────────────────────────────────────────────
  private push(i: number, obs: Float32Array, action: number, reward: number): void {
    const n = this.nStep;
    const slot = i * n + ((this.pendHead[i] + this.pendCount[i]) % n);
    const d = this.obsDim;
    for (let k = 0; k < d; k++) this.pendObs[slot * d + k] = obs[i * d + k];
    this.pendAction[slot] = action;
    this.pendReward[slot] = reward;
    this.pendCount[i]++;
  }

  /** Stores the oldest pending step of sub-env i with its full n-step return, bootstrapping from `next`. */
  private emitOldest(i: number, next: Float32Array, nextOff: number): void {
    this.foldReturns(i);
    this.storePending(i, 0, next, nextOff, 0, this.gammaPow[this.nStep]);
    this.pendHead[i] = (this.pendHead[i] + 1) % this.nStep;
    this.pendCount[i]--;
  }

  /** Stores every pending step of sub-env i, its return cut at the episode end, and empties the window. */
  private flush(i: number, next: Float32Array, nextOff: number, done: number): void {
    const c = this.pendCount[i];
    this.foldReturns(i);
    for (let k = 0; k < c; k++) this.storePending(i, k, next, nextOff, done, this.gammaPow[c - k]);
    this.pendHead[i] = 0;
    this.pendCount[i] = 0;
  }

  /** `returns[k]` = Σ_{m ≥ k} γ^(m−k) r_m over sub-env i's pending steps (k = 0 the oldest), folded backwards. */
  private foldReturns(i: number): void {
    const n = this.nStep;
    let r = 0;
    for (let k = this.pendCount[i] - 1; k >= 0; k--) {
      r = this.pendReward[i * n + ((this.pendHead[i] + k) % n)] + this.gamma * r;
      this.returns[k] = r;
    }
  }

  private storePending(i: number, k: number, next: Float32Array, nextOff: number, done: number, discount: number): void {
    const slot = i * this.nStep + ((this.pendHead[i] + k) % this.nStep);
    this.store(this.pendObs, slot * this.obsDim, this.pendAction[slot], this.returns[k], next, nextOff, done, discount);
  }

  /** Doubles the storage (up to capacity). Only called while the buffer has not wrapped, so rows are contiguous. */
  private grow(): void {
    const rows = Math.min(this.capacity, this.rows * 2);
    const d = this.obsDim;
    const widen = <T extends Float32Array | Float64Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T, width: number): T => {
      const next = make(rows * width);
      next.set(old);
      return next;
    };
    this.obs = widen(this.obs, (n) => new Float32Array(n), d);
    this.nextObs = widen(this.nextObs, (n) => new Float32Array(n), d);
    this.actions = widen(this.actions, (n) => new Int32Array(n), 1);
    this.rewards = widen(this.rewards, (n) => new Float64Array(n), 1);
    this.dones = widen(this.dones, (n) => new Uint8Array(n), 1);
    this.discounts = widen(this.discounts, (n) => new Float64Array(n), 1);
    this.rows = rows;
  }
}

/** The final observation of sub-env i in this step, if it ended (a scan: few sub-envs end per step). */
function finalObsOf(step: VectorStep, i: number): Float32Array | undefined {
  const final = step.final;
  for (let k = 0; k < final.length; k++) if (final[k].index === i) return final[k].obs;
  return undefined;
}
