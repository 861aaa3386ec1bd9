import { RlError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import { Box, Discrete, type Space } from '../src/core/spaces.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A policy's action distribution over the outputs of its network, with the two gradients PPO needs
 * written out by hand: d(log π(a))/d(outputs) and d(entropy)/d(outputs). Actions are stored as floats
 * (`[rows × actionSize]`); a categorical action is its index.
 */
export interface ActionDistribution {
  readonly kind: 'categorical' | 'gaussian';
  /** Network outputs per row (logits, or means). */
  readonly outputSize: number;
  /** Values per action (1 for a categorical index). */
  readonly actionSize: number;
  /** Trainable parameters outside the network (a Gaussian's state-independent log-std). */
  readonly extraSize: number;
  /** Initial values of the extra parameters. */
  initExtra(extra: Float64Array): void;
  /** Draws one action per row into `actions` and its log-probability into `logp`. */
  sample(out: Float64Array, extra: Float64Array, rows: number, rng: Rng, actions: Float32Array, logp: Float32Array): void;
  /** The most probable action per row. */
  mode(out: Float64Array, extra: Float64Array, rows: number, actions: Float32Array): void;
  /** log π(a) and the entropy per row. */
  logProbEntropy(out: Float64Array, extra: Float64Array, rows: number, actions: Float32Array, logp: Float64Array, entropy: Float64Array): void;
  /**
   * Adds `dLogp[r]·∂logπ/∂θ + dEntropy·∂H/∂θ` for every row to `dOut` (network outputs) and `dExtra`.
   */
  backward(out: Float64Array, extra: Float64Array, rows: number, actions: Float32Array, dLogp: Float64Array, dEntropy: number, dOut: Float64Array, dExtra: Float64Array): void;
  /** Writes the env's action for stored action row `r` (squashed/clipped for Box spaces) into `env` at `offset`. */
  toEnv(actions: Float32Array, r: number, env: Int32Array | Float32Array, offset: number): void;
}

/** Softmax over discrete actions; logits are the network outputs. */
export class CategoricalDistribution implements ActionDistribution {
  readonly kind = 'categorical';
  readonly actionSize = 1;
  readonly extraSize = 0;
  private readonly p: Float64Array;

  constructor(readonly outputSize: number) {
    this.p = new Float64Array(outputSize);
  }

  initExtra(): void {}

  /** Fills this.p with softmax(row r); returns log Σ exp (the log-normaliser). */
  private softmax(out: Float64Array, r: number): number {
    const A = this.outputSize;
    const base = r * A;
    let max = -Infinity;
    for (let j = 0; j < A; j++) if (out[base + j] > max) max = out[base + j];
    let sum = 0;
    for (let j = 0; j < A; j++) sum += this.p[j] = Math.exp(out[base + j] - max);
    for (let j = 0; j < A; j++) this.p[j] /= sum;
    return max + Math.log(sum);
  }

  sample(out: Float64Array, _extra: Float64Array, rows: number, rng: Rng, actions: Float32Array, logp: Float32Array): void {
    const A = this.outputSize;
    for (let r = 0; r < rows; r++) {
      const lse = this.softmax(out, r);
      const u = rng.uniform(); // exactly one draw per row, whatever the probabilities
      let a = A - 1; // rounding fallback: the cumulative sum may fall short of u
      let cum = 0;
      for (let j = 0; j < A; j++) {
        cum += this.p[j];
        if (u < cum) {
          a = j;
          break;
        }
      }
      actions[r] = a;
      logp[r] = out[r * A + a] - lse;
    }
  }

  mode(out: Float64Array, _extra: Float64Array, rows: number, actions: Float32Array): void {
    const A = this.outputSize;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let j = 1; j < A; j++) if (out[r * A + j] > out[r * A + best]) best = j; // first on ties
      actions[r] = best;
    }
  }

  logProbEntropy(out: Float64Array, _extra: Float64Array, rows: number, actions: Float32Array, logp: Float64Array, entropy: Float64Array): void {
    const A = this.outputSize;
    for (let r = 0; r < rows; r++) {
      const lse = this.softmax(out, r);
      logp[r] = out[r * A + actions[r]] - lse;
      let h = 0;
      for (let j = 0; j < A; j++) if (this.p[j] > 0) h -= this.p[j] * (out[r * A + j] - lse);
      entropy[r] = h;
    }
  }

  backward(out: Float64Array, _extra: Float64Array, rows: number, actions: Float32Array, dLogp: Float64Array, dEntropy: number, dOut: Float64Array): void {
    const A = this.outputSize;
    for (let r = 0; r < rows; r++) {
      const lse = this.softmax(out, r);
      let h = 0;
      for (let j = 0; j < A; j++) if (this.p[j] > 0) h -= this.p[j] * (out[r * A + j] - lse);
      const a = actions[r];
      for (let j = 0; j < A; j++) {
        const pj = this.p[j];
        // ∂logπ(a)/∂z_j = 1[j = a] − π_j;  ∂H/∂z_j = −π_j (log π_j + H)
        const logPj = out[r * A + j] - lse;
        dOut[r * A + j] += dLogp[r] * ((j === a ? 1 : 0) - pj) - (pj > 0 ? dEntropy * pj * (logPj + h) : 0);
      }
    }
  }

  toEnv(actions: Float32Array, r: number, env: Int32Array | Float32Array, offset: number): void {
    env[offset] = actions[r];
  }
}

/**
 * A diagonal Gaussian with a state-independent log-std (SB3's default, initialised to `logStdInit`).
 * The policy samples u ~ N(μ, σ) and stores u; the env receives
 * - `clip`: u clipped to the Box bounds (SB3's default; log π is that of u, the clip is outside the policy), or
 * - `tanh`: low + (tanh(u) + 1)/2 · (high − low). log π(a) differs from log π(u) by a term that depends on u
 *   only, so PPO's probability ratio — and its gradient — is the same; the entropy bonus is the Gaussian's.
 */
export class GaussianDistribution implements ActionDistribution {
  readonly kind = 'gaussian';
  readonly extraSize: number;
  readonly actionSize: number;

  constructor(
    readonly outputSize: number,
    readonly low: Float32Array,
    readonly high: Float32Array,
    readonly squash: 'clip' | 'tanh',
    readonly logStdInit = 0,
  ) {
    this.actionSize = outputSize;
    this.extraSize = outputSize;
    if (squash === 'tanh' && ![...low, ...high].every(Number.isFinite)) {
      throw new RlError('tanh squashing needs finite Box bounds', 'E_SPACE');
    }
  }

  initExtra(extra: Float64Array): void {
    extra.fill(this.logStdInit);
  }

  sample(out: Float64Array, extra: Float64Array, rows: number, rng: Rng, actions: Float32Array, logp: Float32Array): void {
    const D = this.outputSize;
    for (let r = 0; r < rows; r++) {
      let lp = 0;
      for (let d = 0; d < D; d++) {
        const eps = rng.normal();
        const u = out[r * D + d] + Math.exp(extra[d]) * eps;
        actions[r * D + d] = u;
        // log N(u; μ, σ), with the stored (float32) u so the ratio starts at exactly 1
        const z = (Math.fround(u) - out[r * D + d]) / Math.exp(extra[d]);
        lp += -0.5 * z * z - extra[d] - HALF_LOG_2PI;
      }
      logp[r] = lp;
    }
  }

  mode(out: Float64Array, _extra: Float64Array, rows: number, actions: Float32Array): void {
    for (let q = 0; q < rows * this.outputSize; q++) actions[q] = out[q];
  }

  logProbEntropy(out: Float64Array, extra: Float64Array, rows: number, actions: Float32Array, logp: Float64Array, entropy: Float64Array): void {
    const D = this.outputSize;
    let h = 0;
    for (let d = 0; d < D; d++) h += extra[d] + 0.5 + HALF_LOG_2PI;
    for (let r = 0; r < rows; r++) {
      let lp = 0;
      for (let d = 0; d < D; d++) {
        const z = (actions[r * D + d] - out[r * D + d]) / Math.exp(extra[d]);
        lp += -0.5 * z * z - extra[d] - HALF_LOG_2PI;
      }
      logp[r] = lp;
      entropy[r] = h;
    }
  }

  backward(out: Float64Array, extra: Float64Array, rows: number, actions: Float32Array, dLogp: Float64Array, dEntropy: number, dOut: Float64Array, dExtra: Float64Array): void {
    const D = this.outputSize;
    for (let r = 0; r < rows; r++) {
      for (let d = 0; d < D; d++) {
        const sigma = Math.exp(extra[d]);
        const diff = actions[r * D + d] - out[r * D + d];
        // ∂logπ/∂μ = (u − μ)/σ²;  ∂logπ/∂logσ = (u − μ)²/σ² − 1;  ∂H/∂logσ = 1
        dOut[r * D + d] += (dLogp[r] * diff) / (sigma * sigma);
        dExtra[d] += dLogp[r] * ((diff * diff) / (sigma * sigma) - 1) + dEntropy;
      }
    }
  }

  toEnv(actions: Float32Array, r: number, env: Int32Array | Float32Array, offset: number): void {
    const D = this.outputSize;
    for (let d = 0; d < D; d++) {
      const u = actions[r * D + d];
      const [lo, hi] = [this.low[d], this.high[d]];
      env[offset + d] = this.squash === 'tanh' ? lo + ((Math.tanh(u) + 1) / 2) * (hi - lo) : Math.min(hi, Math.max(lo, u));
    }
  }
}

/** The distribution for an action space: categorical for Discrete, diagonal Gaussian for Box. */
export function distributionFor(space: Space<number> | Space<Float32Array>, squash: 'clip' | 'tanh', logStdInit: number): ActionDistribution {
  if (space instanceof Discrete) return new CategoricalDistribution(space.n);
  if (space instanceof Box) return new GaussianDistribution(space.size, space.low, space.high, squash, logStdInit);
  throw new RlError(`no action distribution for ${String(space)}`, 'E_SPACE');
}
