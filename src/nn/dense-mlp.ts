import { RlError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { fastTanhWithSlope } from './fast-tanh.js';
import { allocGemmArray, freeGemmArray, gemmABt, transpose } from './gemm.js';
import { orthogonal } from './init.js';

export type Activation = 'tanh' | 'relu';

/**
 * A fully connected network on plain typed arrays: `act(W·x + b)` per hidden layer, linear output, with a
 * hand-written backward pass. At the minibatch sizes RL uses (32–256 rows, 64-wide layers) tfjs spends
 * most of its time in per-op dispatch; these loops do the same arithmetic without it
 * (`npm run bench -- nn`). Gradients are checked against finite differences and against tfjs autograd
 * (dense-mlp.test.ts).
 *
 * Parameters live in one flat `Float64Array` (layer by layer: weight `[out × in]` row-major as torch's
 * `nn.Linear` stores it, then bias), and so do the gradients. Several networks can share one
 * {@link ParamSet}, so a single optimizer, gradient-norm clip or checkpoint covers all of them.
 *
 * @example
 * const set = new ParamSet(DenseMlp.paramCount([4, 64, 64, 2]));
 * const net = new DenseMlp([4, 64, 64, 2], 'tanh', set, 0);
 * net.initOrthogonal(Math.SQRT2, 0.01, rng);
 * const y = net.forward(x, batch);     // [batch × 2], valid until the next forward
 * set.zeroGrad();
 * net.backward(dLossDy, batch);       // accumulates dLoss/dθ into set.grads
 */
export class DenseMlp {
  readonly sizes: readonly number[];
  /** Offsets into the parameter set of each layer's weight and bias. */
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  /** Cached per-layer outputs of the last forward (`h[l]` is layer l's output, post-activation). */
  private h: Float64Array[] = [];
  /** d act/dz of each hidden layer at the last forward (tanh: the interpolant's own slope). */
  private slope: Float64Array[] = [];
  /** Backward scratch: dLoss/d(pre-activation) per layer, and transposes for the products. */
  private delta: Float64Array[] = [];
  private input = new Float64Array(0);
  private dT = new Float64Array(0);
  private aT = new Float64Array(0);
  private readonly wT: Float64Array;
  private capacity = 0;

  /** Number of parameters of a network with these layer widths. */
  static paramCount(sizes: readonly number[]): number {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l + 1] * (sizes[l] + 1);
    return n;
  }

  /**
   * @param sizes widths from input to output, e.g. `[obsDim, 64, 64, nActions]`
   * @param offset where this network's parameters start in `set`
   * @throws RlError (E_CONFIG) on fewer than two widths or a non-positive width; (E_SHAPE) when the set is too small.
   */
  constructor(
    sizes: readonly number[],
    readonly activation: Activation,
    readonly set: ParamSet,
    readonly offset = 0,
  ) {
    if (sizes.length < 2 || sizes.some((s) => !(Number.isInteger(s) && s >= 1))) {
      throw new RlError(`network sizes must be ≥ 2 positive integers, got [${sizes.join(', ')}]`, 'E_CONFIG', 2);
    }
    this.sizes = [...sizes];
    let off = offset;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.wOff.push(off);
      off += sizes[l] * sizes[l + 1];
      this.bOff.push(off);
      off += sizes[l + 1];
    }
    let maxLayer = 0;
    for (let l = 0; l + 1 < sizes.length; l++) maxLayer = Math.max(maxLayer, sizes[l] * sizes[l + 1]);
    this.wT = allocGemmArray(maxLayer, set.params);
    if (off > set.size) throw new RlError(`parameter set holds ${set.size} values; the network needs ${off} from offset ${offset}`, 'E_SHAPE');
  }

  get inputSize(): number {
    return this.sizes[0];
  }

  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  get paramCount(): number {
    return DenseMlp.paramCount(this.sizes);
  }

  /**
   * Seeded orthogonal weights (SB3/CleanRL: `hiddenGain` √2 for hidden layers, `outputGain` 0.01 for a
   * policy head, 1 for a value head) and zero biases. The values equal {@link Mlp}'s for the same rng.
   */
  initOrthogonal(hiddenGain: number, outputGain: number, rng: Rng): void {
    const p = this.set.params;
    const last = this.sizes.length - 2;
    for (let l = 0; l <= last; l++) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const w = orthogonal(nIn, nOut, l === last ? outputGain : hiddenGain, rng); // [in × out]
      for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) p[this.wOff[l] + j * nIn + k] = w[k * nOut + j];
      p.fill(0, this.bOff[l], this.bOff[l] + nOut);
    }
  }

  /**
   * PyTorch's default `nn.Linear` initialisation: weights and biases uniform in ±1/√fan_in (what
   * stable-baselines3's DQN Q-network uses).
   */
  initUniformFanIn(rng: Rng): void {
    const p = this.set.params;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const bound = 1 / Math.sqrt(nIn);
      for (let q = this.wOff[l]; q < this.bOff[l] + nOut; q++) p[q] = (2 * rng.uniform() - 1) * bound;
    }
  }

  /**
   * `x` is `[batch × inputSize]` row-major. Returns `[batch × outputSize]` in a buffer owned by the
   * network (valid until the next call) and keeps the activations {@link backward} needs.
   */
  forward(x: ArrayLike<number>, batch: number): Float64Array {
    if (x.length < batch * this.inputSize) throw new RlError(`input holds ${x.length} values, need ${batch} × ${this.inputSize}`, 'E_SHAPE');
    this.ensureCapacity(batch);
    const input = this.input;
    const nx = batch * this.inputSize;
    for (let q = 0; q < nx; q++) input[q] = x[q]; // one element type in the kernel keeps it monomorphic
    const p = this.set.params;
    const nLayers = this.sizes.length - 1;
    let a: Float64Array = input;
    for (let l = 0; l < nLayers; l++) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const out = this.h[l];
      gemmABt(a, 0, p, this.wOff[l], out, 0, batch, nOut, nIn, false);
      const b0 = this.bOff[l];
      const hidden = l < nLayers - 1;
      const slope = hidden ? this.slope[l] : out;
      for (let i = 0; i < batch; i++) {
        const oi = i * nOut;
        for (let j = 0; j < nOut; j++) {
          const z = out[oi + j] + p[b0 + j];
          out[oi + j] = !hidden ? z : this.activation === 'tanh' ? fastTanhWithSlope(z, slope, oi + j) : z > 0 ? z : 0;
        }
      }
      a = out;
    }
    return this.h[nLayers - 1].subarray(0, batch * this.outputSize);
  }

  /**
   * Adds dLoss/dθ to the set's gradients, given `dOut` = dLoss/d(output) `[batch × outputSize]` for the
   * inputs of the last {@link forward} (same batch). Does not zero the gradients first.
   */
  backward(dOut: ArrayLike<number>, batch: number): void {
    if (batch > this.capacity) throw new RlError(`backward of ${batch} rows after a forward of fewer`, 'E_SHAPE');
    const p = this.set.params;
    const g = this.set.grads;
    const nLayers = this.sizes.length - 1;
    const nLast = this.outputSize;
    let d: Float64Array = this.delta[nLayers - 1];
    for (let q = 0; q < batch * nLast; q++) d[q] = dOut[q];
    for (let l = nLayers - 1; l >= 0; l--) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const a = l === 0 ? this.input : this.h[l - 1];
      const b0 = this.bOff[l];
      for (let i = 0; i < batch; i++) for (let j = 0; j < nOut; j++) g[b0 + j] += d[i * nOut + j];
      // dW [out × in] += dᵀ [out × batch] · a [batch × in], as (dᵀ)(aᵀ)ᵀ
      transpose(d, 0, batch, nOut, this.dT);
      transpose(a, 0, batch, nIn, this.aT);
      gemmABt(this.dT, 0, this.aT, 0, g, this.wOff[l], nOut, nIn, batch, true);
      if (l === 0) break;
      // d_prev [batch × in] = d [batch × out] · W [out × in], as d · (Wᵀ)ᵀ; then × act'(h_prev)
      transpose(p, this.wOff[l], nOut, nIn, this.wT);
      const prev = this.delta[l - 1];
      gemmABt(d, 0, this.wT, 0, prev, 0, batch, nIn, nOut, false);
      const hp = this.h[l - 1];
      const n = batch * nIn;
      if (this.activation === 'tanh') {
        const slope = this.slope[l - 1];
        for (let q = 0; q < n; q++) prev[q] *= slope[q];
      }
      else for (let q = 0; q < n; q++) if (hp[q] <= 0) prev[q] = 0;
      d = prev;
    }
  }

  /** Copies `source`'s parameters into this network (same architecture), e.g. a DQN target update. */
  copyFrom(source: DenseMlp, tau = 1): void {
    if (source.sizes.join() !== this.sizes.join()) throw new RlError(`cannot copy [${source.sizes}] into [${this.sizes}]`, 'E_SHAPE');
    const [dst, src] = [this.set.params, source.set.params];
    const n = this.paramCount;
    if (tau === 1) {
      dst.set(src.subarray(source.offset, source.offset + n), this.offset);
      return;
    }
    for (let q = 0; q < n; q++) dst[this.offset + q] += tau * (src[source.offset + q] - dst[this.offset + q]);
  }

  /** Weights in the `[in × out]` layout of {@link Mlp.setWeights}: kernel 0, bias 0, kernel 1, … */
  toLayerArrays(): Float32Array[] {
    const p = this.set.params;
    const out: Float32Array[] = [];
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const [nIn, nOut] = [this.sizes[l], this.sizes[l + 1]];
      const k = new Float32Array(nIn * nOut);
      for (let a = 0; a < nIn; a++) for (let j = 0; j < nOut; j++) k[a * nOut + j] = p[this.wOff[l] + j * nIn + a];
      out.push(k, Float32Array.from(p.subarray(this.bOff[l], this.bOff[l] + nOut)));
    }
    return out;
  }

  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const cap = Math.max(batch, 2 * this.capacity);
    const widest = Math.max(...this.sizes);
    // The operands of the products live beside the parameters, where the WebAssembly kernel computes on
    // them in place (see allocGemmArray); the old ones go back to the arena.
    for (const old of [this.input, ...this.h, ...this.delta, this.dT, this.aT]) freeGemmArray(old);
    const near = this.set.params;
    this.input = allocGemmArray(cap * this.inputSize, near);
    this.h = this.sizes.slice(1).map((w) => allocGemmArray(cap * w, near));
    this.slope = this.sizes.slice(1, -1).map((w) => new Float64Array(this.activation === 'tanh' ? cap * w : 0));
    this.delta = this.sizes.slice(1).map((w) => allocGemmArray(cap * w, near));
    this.dT = allocGemmArray(cap * widest, near);
    this.aT = allocGemmArray(cap * widest, near);
    this.capacity = cap;
  }
}

/**
 * One flat block of parameters and their gradients, shared by the networks of an agent. Both arrays
 * come from {@link allocGemmArray}, so the WebAssembly matrix kernel reads and writes them in place;
 * their `buffer` is a shared arena chunk, so use `byteOffset`/`byteLength` with it, and `slice()` to copy.
 */
export class ParamSet {
  readonly params: Float64Array;
  readonly grads: Float64Array;

  constructor(readonly size: number) {
    this.params = allocGemmArray(size);
    this.grads = allocGemmArray(size, this.params);
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** Global L2 norm of the gradients. */
  gradNorm(): number {
    const g = this.grads;
    let s = 0;
    for (let q = 0; q < g.length; q++) s += g[q] * g[q];
    return Math.sqrt(s);
  }

  /**
   * Scales the gradients so their global norm is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`
   * does (coefficient maxNorm / (norm + 1e-6), applied only when below 1). Returns the norm before clipping.
   */
  clipGradNorm(maxNorm: number): number {
    const norm = this.gradNorm();
    const coef = maxNorm / (norm + 1e-6);
    if (coef < 1) {
      const g = this.grads;
      for (let q = 0; q < g.length; q++) g[q] *= coef;
    }
    return norm;
  }
}
