import { RlError } from '../core/errors.js';
import type { ParamSet } from './dense-mlp.js';

/** Everything Adam carries between steps, for checkpoints. */
export interface AdamState {
  readonly step: number;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/**
 * Adam (Kingma & Ba 2015) over a {@link ParamSet}, with torch's update order and bias correction:
 * `θ ← θ − lr/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε)`. The step size may change between steps (schedules).
 *
 * @example
 * const opt = new Adam(set, { learningRate: 3e-4, epsilon: 1e-5 });
 * set.zeroGrad(); net.backward(dOut, batch); set.clipGradNorm(0.5); opt.step();
 */
export class Adam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(
    readonly set: ParamSet,
    opts: { learningRate: number; beta1?: number; beta2?: number; epsilon?: number },
  ) {
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.m = new Float64Array(set.size);
    this.v = new Float64Array(set.size);
  }

  /** One update of every parameter from the set's current gradients. */
  step(): void {
    this.t++;
    const { params: p, grads: g } = this.set;
    const [b1, b2, m, v] = [this.beta1, this.beta2, this.m, this.v];
    const stepSize = this.learningRate / (1 - b1 ** this.t);
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    const eps = this.epsilon;
    for (let q = 0; q < p.length; q++) {
      const gq = g[q];
      const mq = (m[q] = b1 * m[q] + (1 - b1) * gq);
      const vq = (v[q] = b2 * v[q] + (1 - b2) * gq * gq);
      p[q] -= (stepSize * mq) / (Math.sqrt(vq) / sqrtBc2 + eps);
    }
  }

  get steps(): number {
    return this.t;
  }

  /** Copies of the moments and the step count. */
  state(): AdamState {
    return { step: this.t, m: Float64Array.from(this.m), v: Float64Array.from(this.v) };
  }

  /** @throws RlError (E_SHAPE) when the moments do not match the parameter count. */
  restore(state: AdamState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new RlError(`optimizer state holds ${state.m.length} moments; the networks have ${this.m.length} parameters`, 'E_SHAPE');
    }
    this.t = state.step;
    this.m.set(state.m);
    this.v.set(state.v);
  }
}
