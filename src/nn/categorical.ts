import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng.js';

/**
 * Categorical distributions over unnormalised logits: tensor versions for losses (differentiable) and
 * plain-JS versions for acting, which draw from our {@link Rng} (never from unseeded tfjs random ops).
 */

/**
 * log π(a | logits) per row. Call inside `tf.tidy`.
 *
 * @example
 * const logp = categoricalLogProb(logits, tf.tensor1d(actions, 'int32')); // [batch]
 */
export function categoricalLogProb(logits: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D {
  const nActions = logits.shape[1];
  const logPi = tf.logSoftmax(logits);
  return tf.sum(tf.mul(tf.oneHot(actions, nActions), logPi), 1);
}

/**
 * Entropy −Σ π log π per row, in nats. Call inside `tf.tidy`.
 *
 * @example
 * const h = tf.mean(categoricalEntropy(logits)); // scalar
 */
export function categoricalEntropy(logits: tf.Tensor2D): tf.Tensor1D {
  const logPi = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(tf.exp(logPi), logPi), 1)) as tf.Tensor1D;
}

/** Softmax of one row of logits, in double precision. */
export function softmax(logits: ArrayLike<number>, offset = 0, n = logits.length - offset): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, logits[offset + j]);
  const p = new Float64Array(n);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += p[j] = Math.exp(logits[offset + j] - max);
  for (let j = 0; j < n; j++) p[j] /= sum;
  return p;
}

/**
 * Draws one action per row of `logits` (`[rows × nActions]`, row-major) by inverse CDF with exactly one
 * `rng.uniform()` per row, so the stream's consumption does not depend on the probabilities. Writes the
 * actions to `out` and, if given, their log-probabilities to `logProbOut`.
 *
 * @example
 * const actions = sampleCategorical(logits, 3, rng, new Int32Array(nEnvs), logProbs);
 */
export function sampleCategorical(
  logits: ArrayLike<number>,
  nActions: number,
  rng: Rng,
  out: Int32Array = new Int32Array(logits.length / nActions),
  logProbOut?: Float32Array,
): Int32Array {
  const rows = logits.length / nActions;
  for (let r = 0; r < rows; r++) {
    const base = r * nActions;
    let max = -Infinity;
    for (let j = 0; j < nActions; j++) max = Math.max(max, logits[base + j]);
    let sum = 0;
    for (let j = 0; j < nActions; j++) sum += Math.exp(logits[base + j] - max);
    const u = rng.uniform() * sum;
    let a = nActions - 1; // rounding fallback: cumulative sum never reaches u
    let cum = 0;
    for (let j = 0; j < nActions; j++) {
      cum += Math.exp(logits[base + j] - max);
      if (u < cum) {
        a = j;
        break;
      }
    }
    out[r] = a;
    if (logProbOut !== undefined) logProbOut[r] = logits[base + a] - max - Math.log(sum);
  }
  return out;
}

/**
 * The most probable action per row (the first one on ties): the deterministic policy.
 *
 * @example
 * const greedy = argmaxRows(logits, 3);
 */
export function argmaxRows(logits: ArrayLike<number>, nActions: number, out: Int32Array = new Int32Array(logits.length / nActions)): Int32Array {
  const rows = logits.length / nActions;
  for (let r = 0; r < rows; r++) {
    const base = r * nActions;
    let best = 0;
    for (let j = 1; j < nActions; j++) if (logits[base + j] > logits[base + best]) best = j;
    out[r] = best;
  }
  return out;
}
