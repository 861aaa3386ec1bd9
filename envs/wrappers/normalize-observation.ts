import type { Env } from '../../src/core/env.js';
import { ConfigError, RlError } from '../../src/core/errors.js';
import { Box } from '../../src/core/spaces.js';
import { ObservationWrapper } from './wrapper.js';

/**
 * Running per-dimension moments of the observations: `count` observations (plus the prior's weight) with
 * mean `mean` and population variance `var`. Plain numbers so the statistics round-trip through JSON exactly.
 */
export interface ObservationStatistics {
  readonly mean: readonly number[];
  readonly var: readonly number[];
  /** Weight of the statistics: observations seen plus the prior count (1e-4). */
  readonly count: number;
}

/** Options of {@link NormalizeObservation}. */
export interface NormalizeObservationOptions {
  /** Added to the variance before the square root, so constant dimensions do not divide by zero. Default 1e-8. */
  epsilon?: number;
  /** When set, normalised values are clipped to [−clip, clip] (and the space becomes that box). */
  clip?: number;
  /** Start frozen (statistics never change), e.g. with `statistics` fitted on a training run. */
  frozen?: boolean;
  /** Initial statistics (copied), e.g. from {@link NormalizeObservation.statistics} of a training env. */
  statistics?: ObservationStatistics;
}

/** Gymnasium's RunningMeanStd prior: mean 0, variance 1, weight 1e-4 (so the first update dominates). */
const PRIOR_COUNT = 1e-4;

/**
 * Normalises each observation dimension to roughly zero mean and unit variance with running statistics
 * (Gymnasium's `NormalizeObservation` and `RunningMeanStd`): every observation (the reset one included)
 * first updates the statistics with the parallel-variance algorithm (Chan et al.; Welford for a batch of
 * one), then is mapped to `(obs − mean) / sqrt(var + epsilon)` in float32, optionally clipped.
 *
 * Train/evaluation split: fit the statistics while training, then `freeze()` (or pass `frozen: true` and
 * `statistics` to a fresh wrapper) so evaluation normalises with the training statistics only; while frozen
 * the statistics never change. The observation space becomes an unbounded Box (or ±clip) of the same shape.
 *
 * Allocation-free per step: the statistics live in Float64Arrays and the returned observation is one reused
 * Float32Array, overwritten by the next `step`/`reset` (copy what you keep).
 *
 * @example
 * const train = new NormalizeObservation(env, { clip: 10 });
 * // … train …
 * const evalEnv = new NormalizeObservation(testEnv, { statistics: train.statistics(), frozen: true });
 * @throws RlError (E_ASSERT) when the inner observation space is not a Box; ConfigError for bad options.
 */
export class NormalizeObservation<A> extends ObservationWrapper<Float32Array, A> {
  readonly epsilon: number;
  readonly clip: number | undefined;
  private readonly mean: Float64Array;
  private readonly var: Float64Array;
  private count = PRIOR_COUNT;
  private isFrozen: boolean;
  private readonly out: Float32Array;

  constructor(env: Env<Float32Array, A>, opts: NormalizeObservationOptions = {}) {
    const inner = env.observationSpace;
    if (!(inner instanceof Box)) throw new RlError(`NormalizeObservation needs a Box observation space, got ${inner.toString()}`, 'E_ASSERT');
    const clip = opts.clip;
    if (clip !== undefined && !(clip > 0)) throw new ConfigError('normalizeObservation.clip', `must be > 0, got ${clip}`);
    const epsilon = opts.epsilon ?? 1e-8;
    if (!(epsilon >= 0 && epsilon < Infinity)) throw new ConfigError('normalizeObservation.epsilon', `must be finite and ≥ 0, got ${epsilon}`);
    const bound = clip ?? Infinity;
    super(env, { observationSpace: new Box(new Float32Array(inner.size).fill(-bound), new Float32Array(inner.size).fill(bound), inner.shape) });
    this.epsilon = epsilon;
    this.clip = clip;
    this.mean = new Float64Array(inner.size);
    this.var = new Float64Array(inner.size).fill(1);
    this.out = new Float32Array(inner.size);
    this.isFrozen = opts.frozen ?? false;
    if (opts.statistics !== undefined) this.setStatistics(opts.statistics);
  }

  /** Whether the statistics are frozen (evaluation mode). */
  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Stops updating the statistics: from now on they never change until {@link unfreeze}. */
  freeze(): void {
    this.isFrozen = true;
  }

  /** Resumes updating the statistics with every observation. */
  unfreeze(): void {
    this.isFrozen = false;
  }

  /** A copy of the current statistics (plain JSON). */
  statistics(): ObservationStatistics {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /**
   * Replaces the statistics with a copy of `stats`.
   *
   * @throws ConfigError when the lengths do not match the observation size, a variance is negative, or a value
   * is not finite.
   */
  setStatistics(stats: ObservationStatistics): void {
    const n = this.mean.length;
    if (stats.mean.length !== n || stats.var.length !== n) {
      throw new ConfigError('normalizeObservation.statistics', `expected ${n} means and variances, got ${stats.mean.length} and ${stats.var.length}`);
    }
    if (!(stats.count > 0 && stats.count < Infinity)) throw new ConfigError('normalizeObservation.statistics.count', `must be finite and > 0, got ${stats.count}`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(stats.mean[i])) throw new ConfigError(`normalizeObservation.statistics.mean.${i}`, `must be finite, got ${stats.mean[i]}`);
      if (!(stats.var[i] >= 0 && stats.var[i] < Infinity)) throw new ConfigError(`normalizeObservation.statistics.var.${i}`, `must be finite and ≥ 0, got ${stats.var[i]}`);
    }
    this.mean.set(stats.mean);
    this.var.set(stats.var);
    this.count = stats.count;
  }

  /** Updates the statistics (unless frozen) and writes the normalised observation into the reused buffer. */
  observation(obs: Float32Array): Float32Array {
    const mean = this.mean;
    const variance = this.var;
    const out = this.out;
    const n = out.length;
    if (!this.isFrozen) {
      // Parallel-variance merge of (mean, var, count) with a batch of one (batch mean x, batch var 0).
      const count = this.count;
      const total = count + 1;
      for (let i = 0; i < n; i++) {
        const delta = obs[i] - mean[i];
        mean[i] += delta / total;
        variance[i] = (variance[i] * count + ((delta * delta) * count) / total) / total;
      }
      this.count = total;
    }
    const eps = this.epsilon;
    const clip = this.clip;
    for (let i = 0; i < n; i++) {
      let z = (obs[i] - mean[i]) / Math.sqrt(variance[i] + eps);
      if (clip !== undefined) z = z < -clip ? -clip : z > clip ? clip : z;
      out[i] = z;
    }
    return out;
  }
}
