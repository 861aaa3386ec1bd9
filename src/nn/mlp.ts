import * as tf from '@tensorflow/tfjs';
import { RlError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { orthogonal } from './init.js';
import { requireTf } from './tf.js';

export { orthogonal } from './init.js';

export type Activation = 'tanh' | 'relu';

export interface MlpOptions {
  /** Layer widths from input to output, e.g. `[obsDim, 64, 64, nActions]`. */
  readonly sizes: readonly number[];
  /** Orthogonal gain of the hidden layers (SB3: √2). */
  readonly hiddenGain: number;
  /** Orthogonal gain of the output layer (SB3: 0.01 for the policy head, 1 for the value head). */
  readonly outputGain: number;
  readonly activation: Activation;
  /** Initialisation stream; consumed layer by layer. */
  readonly rng: Rng;
}

/**
 * A fully connected network of `tf.variable`s: `act(x·W + b)` per hidden layer, linear output.
 * Weights are orthogonal (seeded from our Rng), biases zero. Needs an active backend (`await initTf()`).
 *
 * @example
 * await initTf();
 * const net = new Mlp({ sizes: [4, 64, 64, 2], hiddenGain: Math.SQRT2, outputGain: 0.01, activation: 'tanh', rng });
 * const logits = tf.tidy(() => net.forward(tf.tensor2d(obs, [n, 4])));
 * @throws RlError (E_TF_NOT_READY) without an active tfjs backend.
 */
export class Mlp {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  /** Kernel 0, bias 0, kernel 1, bias 1, …: the order of {@link getWeights}. */
  readonly variables: tf.Variable[] = [];

  constructor(opts: MlpOptions) {
    requireTf();
    if (opts.sizes.length < 2 || opts.sizes.some((s) => !(Number.isInteger(s) && s >= 1))) {
      throw new RlError(`Mlp sizes must be ≥ 2 positive integers, got [${opts.sizes.join(', ')}]`, 'E_CONFIG', 2);
    }
    this.sizes = [...opts.sizes];
    this.activation = opts.activation;
    const last = this.sizes.length - 2;
    for (let l = 0; l <= last; l++) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const w = orthogonal(nIn, nOut, l === last ? opts.outputGain : opts.hiddenGain, opts.rng);
      this.variables.push(makeVariable(w, [nIn, nOut]), makeVariable(new Float32Array(nOut), [nOut]));
    }
  }

  /** `[batch × sizes[0]] → [batch × sizes.at(-1)]`. Call inside `tf.tidy` (or `tf.variableGrads`). */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    const nLayers = this.variables.length / 2;
    for (let l = 0; l < nLayers; l++) {
      h = tf.add(tf.matMul(h, this.variables[2 * l] as tf.Tensor2D), this.variables[2 * l + 1]);
      if (l < nLayers - 1) h = this.activation === 'tanh' ? tf.tanh(h) : tf.relu(h);
    }
    return h;
  }

  /** Copies of every variable's values, in {@link variables} order. */
  getWeights(): Float32Array[] {
    return this.variables.map((v) => new Float32Array(v.dataSync()));
  }

  /** @throws RlError (E_WEIGHTS) when the count or a length does not match. */
  setWeights(weights: readonly Float32Array[]): void {
    if (weights.length !== this.variables.length) {
      throw new RlError(`expected ${this.variables.length} weight arrays, got ${weights.length}`, 'E_WEIGHTS');
    }
    this.variables.forEach((v, i) => {
      if (weights[i].length !== v.size) throw new RlError(`weight ${i}: expected ${v.size} values, got ${weights[i].length}`, 'E_WEIGHTS');
    });
    // Copy: the cpu backend would otherwise keep a reference to the caller's array.
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(Float32Array.from(weights[i]), v.shape, 'float32'))));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.variables.length = 0;
  }
}

function makeVariable(values: Float32Array, shape: number[]): tf.Variable {
  const init = tf.tensor(values, shape, 'float32');
  const v = tf.variable(init, true);
  init.dispose(); // the variable holds its own reference to the data
  return v;
}

/** Separate policy and value networks, SB3's `net_arch=dict(pi=[64, 64], vf=[64, 64])`. */
export interface ActorCritic {
  /** obs → logits (`[batch × nActions]`). */
  readonly pi: Mlp;
  /** obs → V(obs) (`[batch × 1]`). */
  readonly vf: Mlp;
}

export interface ActorCriticOptions {
  readonly obsDim: number;
  readonly nActions: number;
  readonly pi: readonly number[];
  readonly vf: readonly number[];
  readonly activation: Activation;
  readonly rng: Rng;
}

/**
 * Builds policy and value MLPs with SB3's orthogonal gains (√2 hidden, 0.01 policy head, 1 value head).
 * Each network draws from its own fork (`pi`, `vf`), so changing one architecture leaves the other's
 * initial weights unchanged.
 *
 * @example
 * const nets = createActorCritic({ obsDim: 4, nActions: 3, pi: [64, 64], vf: [64, 64], activation: 'tanh', rng });
 */
export function createActorCritic(o: ActorCriticOptions): ActorCritic {
  const common = { hiddenGain: Math.SQRT2, activation: o.activation };
  const pi = new Mlp({ ...common, sizes: [o.obsDim, ...o.pi, o.nActions], outputGain: 0.01, rng: o.rng.fork('pi') });
  const vf = new Mlp({ ...common, sizes: [o.obsDim, ...o.vf, 1], outputGain: 1, rng: o.rng.fork('vf') });
  return { pi, vf };
}
