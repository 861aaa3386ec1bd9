/**
 * Running mean and variance per dimension, merged batch by batch with Chan et al.'s parallel formula,
 * as stable-baselines3's `RunningMeanStd` (count starts at ε = 1e-4 so the first batch dominates).
 */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(readonly dim: number, epsilon = 1e-4) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.count = epsilon;
  }

  /** Merges `rows` rows of `x` ([rows × dim] row-major). */
  update(x: ArrayLike<number>, rows: number): void {
    const d = this.dim;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < rows; i++) m += x[i * d + j];
      m /= rows;
      let v = 0;
      for (let i = 0; i < rows; i++) v += (x[i * d + j] - m) ** 2;
      v /= rows; // population variance of the batch, as numpy's default
      const delta = m - this.mean[j];
      const total = this.count + rows;
      const m2 = this.var[j] * this.count + v * rows + (delta * delta * this.count * rows) / total;
      this.mean[j] += (delta * rows) / total;
      this.var[j] = m2 / total;
    }
    this.count += rows;
  }

  /** `clip((x − mean) / √(var + ε), ±clip)` into `out`, row by row. */
  normalize(x: ArrayLike<number>, rows: number, out: Float32Array, clip: number, epsilon = 1e-8): Float32Array {
    const d = this.dim;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < d; j++) {
        const z = (x[i * d + j] - this.mean[j]) / Math.sqrt(this.var[j] + epsilon);
        out[i * d + j] = z > clip ? clip : z < -clip ? -clip : z;
      }
    }
    return out;
  }

  /** Mean, variance and count packed for a checkpoint: [count, mean…, var…]. */
  pack(): Float64Array {
    const out = new Float64Array(1 + 2 * this.dim);
    out[0] = this.count;
    out.set(this.mean, 1);
    out.set(this.var, 1 + this.dim);
    return out;
  }

  unpack(packed: Float64Array): void {
    this.count = packed[0];
    this.mean.set(packed.subarray(1, 1 + this.dim));
    this.var.set(packed.subarray(1 + this.dim, 1 + 2 * this.dim));
  }
}
