import { RlError } from '../src/core/errors.js';

/** Flat `[nSteps × nEnvs]` arrays (index `t · nEnvs + i`) for one rollout; see {@link computeGae}. */
export interface GaeInput {
  readonly nSteps: number;
  readonly nEnvs: number;
  /** Discount per step. */
  readonly gamma: number;
  /** GAE λ (0 = one-step TD, 1 = Monte Carlo). */
  readonly lambda: number;
  /** r_t: the raw env reward of the transition taken at step t. */
  readonly rewards: ArrayLike<number>;
  /** V(s_t) for the observation the action was taken on. */
  readonly values: ArrayLike<number>;
  /** 1 where the transition at t ended the episode in a terminal state (value 0 afterwards). */
  readonly terminated: ArrayLike<number>;
  /** 1 where the transition at t ended the episode by truncation (the final state still has value). */
  readonly truncated: ArrayLike<number>;
  /** V(final observation) where `truncated` and not `terminated`; read nowhere else. */
  readonly finalValues: ArrayLike<number>;
  /** `[nEnvs]`: V(s_T) of the observations after the last step (the next rollout's first). */
  readonly lastValues: ArrayLike<number>;
}

export interface GaeOutput {
  /** Â_t, `[nSteps × nEnvs]`. */
  readonly advantages: Float64Array;
  /** Value targets Â_t + V(s_t). */
  readonly returns: Float64Array;
}

/**
 * Generalised advantage estimation, GAE(λ) (Schulman et al. 2016), with truncation bootstrapped as SB3 does.
 *
 * For each step, with done_t = terminated_t ∨ truncated_t:
 * - a truncated (not terminated) transition uses the reward r_t + γ·V(final obs_t): the episode was cut,
 *   not ended, so the state it reached keeps its value;
 * - a terminated transition bootstraps nothing: the terminal state's value is 0;
 * - the next state's value V(s_{t+1}) and the running advantage are both cut at done_t, so nothing flows
 *   from the next episode (which starts in the same row after autoreset) back into this one.
 *
 * δ_t = r_t + γ·[trunc_t ∧ ¬term_t]·V(final_t) + γ·(1 − done_t)·V(s_{t+1}) − V(s_t)
 * Â_t = δ_t + γλ·(1 − done_t)·Â_{t+1}
 * where V(s_{nSteps}) is `lastValues`. Pure: plain arrays in, new arrays out.
 *
 * @example
 * const { advantages, returns } = computeGae({ nSteps: 3, nEnvs: 1, gamma: 0.99, lambda: 0.95,
 *   rewards: [1, 1, 1], values: [0.5, 0.5, 0.5], terminated: [0, 0, 0], truncated: [0, 0, 1],
 *   finalValues: [0, 0, 2], lastValues: [0.4] });
 */
export function computeGae(input: GaeInput): GaeOutput {
  const { nSteps, nEnvs, gamma, lambda, rewards, values, terminated, truncated, finalValues, lastValues } = input;
  const n = nSteps * nEnvs;
  for (const [name, arr] of [['rewards', rewards], ['values', values], ['terminated', terminated], ['truncated', truncated], ['finalValues', finalValues]] as const) {
    if (arr.length < n) throw new RlError(`computeGae: ${name} has ${arr.length} entries, needs ${n}`, 'E_SHAPE');
  }
  if (lastValues.length < nEnvs) throw new RlError(`computeGae: lastValues has ${lastValues.length} entries, needs ${nEnvs}`, 'E_SHAPE');
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  for (let i = 0; i < nEnvs; i++) {
    let nextAdvantage = 0;
    let nextValue = lastValues[i];
    for (let t = nSteps - 1; t >= 0; t--) {
      const k = t * nEnvs + i;
      const term = terminated[k] !== 0;
      const trunc = truncated[k] !== 0;
      const notDone = term || trunc ? 0 : 1;
      const reward = trunc && !term ? rewards[k] + gamma * finalValues[k] : rewards[k];
      const delta = reward + gamma * notDone * nextValue - values[k];
      nextAdvantage = delta + gamma * lambda * notDone * nextAdvantage;
      advantages[k] = nextAdvantage;
      returns[k] = nextAdvantage + values[k];
      nextValue = values[k];
    }
  }
  return { advantages, returns };
}

/** One step of all sub-envs, as {@link RolloutBuffer.add} stores it (copied). */
export interface RolloutStep {
  /** `[nEnvs × obsDim]`: the observations the actions were chosen on. */
  readonly obs: ArrayLike<number>;
  /** `[nEnvs × actionSize]`: a discrete action is its index. */
  readonly actions: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly logProbs: ArrayLike<number>;
  readonly rewards: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
  /** V(final obs) for truncated sub-envs (0 elsewhere). */
  readonly finalValues: ArrayLike<number>;
}

/**
 * On-policy rollout storage in typed arrays, `[nSteps × nEnvs]` row-major (index `t · nEnvs + i`;
 * observations `[nSteps × nEnvs × obsDim]`), as SB3's `RolloutBuffer`. Allocated once and refilled.
 *
 * @example
 * const buf = new RolloutBuffer(2048, 4, obsDim); // one discrete action per step
 * while (!buf.full) buf.add({ obs, actions, values, logProbs, rewards, terminated, truncated, finalValues });
 * buf.computeAdvantages(lastValues, 0.99, 0.95);
 */
export class RolloutBuffer {
  readonly obs: Float32Array;
  /** `[n × actionSize]`; discrete actions are stored as their index. */
  readonly actions: Float32Array;
  readonly rewards: Float64Array;
  readonly values: Float32Array;
  readonly logProbs: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly finalValues: Float32Array;
  advantages: Float64Array;
  returns: Float64Array;
  /** Steps stored so far (0..nSteps). */
  pos = 0;

  constructor(
    readonly nSteps: number,
    readonly nEnvs: number,
    readonly obsDim: number,
    readonly actionSize = 1,
  ) {
    const n = nSteps * nEnvs;
    this.obs = new Float32Array(n * obsDim);
    this.actions = new Float32Array(n * actionSize);
    this.rewards = new Float64Array(n);
    this.values = new Float32Array(n);
    this.logProbs = new Float32Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.finalValues = new Float32Array(n);
    this.advantages = new Float64Array(n);
    this.returns = new Float64Array(n);
  }

  /** Transitions per full rollout: nSteps · nEnvs. */
  get size(): number {
    return this.nSteps * this.nEnvs;
  }

  get full(): boolean {
    return this.pos === this.nSteps;
  }

  reset(): void {
    this.pos = 0;
  }

  /** Copies one step of every sub-env. @throws RlError (E_BUFFER_FULL) past nSteps. */
  add(step: RolloutStep): void {
    if (this.full) throw new RlError(`rollout buffer is full (${this.nSteps} steps)`, 'E_BUFFER_FULL');
    const k = this.pos * this.nEnvs;
    this.obs.set(step.obs, k * this.obsDim);
    for (let q = 0; q < this.nEnvs * this.actionSize; q++) this.actions[k * this.actionSize + q] = step.actions[q];
    for (let i = 0; i < this.nEnvs; i++) {
      this.values[k + i] = step.values[i];
      this.logProbs[k + i] = step.logProbs[i];
      this.rewards[k + i] = step.rewards[i];
      this.terminated[k + i] = step.terminated[i];
      this.truncated[k + i] = step.truncated[i];
      this.finalValues[k + i] = step.finalValues[i];
    }
    this.pos++;
  }

  /** Fills `advantages` and `returns` by {@link computeGae}. @throws RlError (E_BUFFER_NOT_FULL). */
  computeAdvantages(lastValues: ArrayLike<number>, gamma: number, lambda: number): void {
    if (!this.full) throw new RlError(`rollout buffer holds ${this.pos} of ${this.nSteps} steps`, 'E_BUFFER_NOT_FULL');
    const out = computeGae({
      nSteps: this.nSteps,
      nEnvs: this.nEnvs,
      gamma,
      lambda,
      rewards: this.rewards,
      values: this.values,
      terminated: this.terminated,
      truncated: this.truncated,
      finalValues: this.finalValues,
      lastValues,
    });
    this.advantages = out.advantages;
    this.returns = out.returns;
  }
}
