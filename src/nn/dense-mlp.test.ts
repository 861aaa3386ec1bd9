import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { DenseMlp, ParamSet, type Activation } from './dense-mlp.js';
import { orthogonal } from './init.js';
import { Mlp } from './mlp.js';
import { initTf } from './tf.js';

const SIZES = [3, 5, 7, 2]; // odd widths: every layer exercises the remainders of gemm's 2 × 4 blocks
const BATCHES = [1, 3, 65];
const ACTIVATIONS: Activation[] = ['tanh', 'relu'];

/** A network with float32-representable N(0, 0.5²) parameters (so tfjs, which is float32, sees the same values). */
function randomNet(activation: Activation, seed: string, sizes = SIZES): DenseMlp {
  const set = new ParamSet(DenseMlp.paramCount(sizes));
  const rng = Rng.fromSeed(seed);
  for (let q = 0; q < set.size; q++) set.params[q] = Math.fround(0.5 * rng.normal());
  return new DenseMlp(sizes, activation, set);
}

const randomInput = (rng: Rng, n: number) => rng.fillNormal(new Float32Array(n)) as Float32Array;

/** The same network as a tfjs `Mlp` (the reference implementation), weights copied through toLayerArrays. */
function tfjsTwin(net: DenseMlp): Mlp {
  const mlp = new Mlp({ sizes: net.sizes, hiddenGain: 1, outputGain: 1, activation: net.activation, rng: Rng.fromSeed('unused') });
  mlp.setWeights(net.toLayerArrays());
  return mlp;
}

/** max |a − b| / max |b|: the error relative to the scale of the reference vector. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [err, scale] = [0, 0];
  for (let i = 0; i < b.length; i++) [err, scale] = [Math.max(err, Math.abs(a[i] - b[i])), Math.max(scale, Math.abs(b[i]))];
  return err / scale;
}

describe('DenseMlp against the tfjs Mlp', () => {
  beforeAll(async () => {
    await initTf();
  });

  describe.each(ACTIVATIONS)('%s', (activation) => {
    it.each(BATCHES)('forward matches to float32 precision (batch %i)', (batch) => {
      const net = randomNet(activation, `fwd-${activation}`);
      const mlp = tfjsTwin(net);
      const x = randomInput(Rng.fromSeed(`x-${batch}`), batch * 3);
      const y = net.forward(x, batch);
      const ref = tf.tidy(() => mlp.forward(tf.tensor2d(x, [batch, 3])).dataSync());
      expect(y.length).toBe(batch * 2);
      for (let q = 0; q < y.length; q++) expect(Math.abs(y[q] - ref[q])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[q])));
      mlp.dispose();
    });

    it.each(BATCHES)('backward matches tf.variableGrads of Σ out·dOut (batch %i)', (batch) => {
      const net = randomNet(activation, `bwd-${activation}`);
      const mlp = tfjsTwin(net);
      const rng = Rng.fromSeed(`g-${batch}`);
      const x = randomInput(rng, batch * 3);
      const dOut = randomInput(rng, batch * 2);
      net.set.zeroGrad();
      net.forward(x, batch);
      net.backward(dOut, batch);
      const ref = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(mlp.forward(tf.tensor2d(x, [batch, 3])), tf.tensor2d(dOut, [batch, 2]))) as tf.Scalar, mlp.variables);
        return mlp.variables.map((v) => grads[v.name].dataSync());
      });
      // Our gradients in tfjs's layout ([in × out] kernels), compared array by array.
      const ours = gradsAsLayerArrays(net);
      expect(ours.length).toBe(ref.length);
      ours.forEach((g, k) => expect(scaledError(g, ref[k]), `array ${k}`).toBeLessThan(1e-4));
      mlp.dispose();
    });
  });
});

/** The set's gradients of `net` in the `[in × out]` kernel / bias order of {@link DenseMlp.toLayerArrays}. */
function gradsAsLayerArrays(net: DenseMlp): Float64Array[] {
  const out: Float64Array[] = [];
  let off = net.offset;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const [nIn, nOut] = [net.sizes[l], net.sizes[l + 1]];
    const k = new Float64Array(nIn * nOut);
    for (let a = 0; a < nIn; a++) for (let j = 0; j < nOut; j++) k[a * nOut + j] = net.set.grads[off + j * nIn + a];
    off += nIn * nOut;
    out.push(k, net.set.grads.slice(off, off + nOut));
    off += nOut;
  }
  return out;
}

describe('DenseMlp gradients against central finite differences (float64)', () => {
  // Central differences err by h²·|f‴|/6 (truncation) plus ≈ 2⁻⁵²·|f|/h (rounding); with h = 1e-6 and
  // |f|, |f‴| ≤ 10 both stay below 1e-9. So a correct gradient agrees to 1e-6 relative, or 1e-9 absolute
  // for components below 1e-3.
  const H = 1e-6;
  const fdTolerance = (numeric: number) => 1e-6 * Math.max(Math.abs(numeric), 1e-3);
  // Hidden tanh units use fastTanh, and backward multiplies by the interpolant's own slope, so the check
  // is exact for tanh too (the interpolant is C¹: no kink for the differences to straddle).
  it.each(ACTIVATIONS.flatMap((a) => BATCHES.map((b) => [a, b] as const)))('%s, batch %i: every parameter', (activation, batch) => {
    const net = randomNet(activation, `fd-${activation}`);
    const rng = Rng.fromSeed(`fd-${batch}`);
    const x = randomInput(rng, batch * 3);
    const dOut = randomInput(rng, batch * 2);
    const f = () => {
      const y = net.forward(x, batch);
      let s = 0;
      for (let q = 0; q < y.length; q++) s += y[q] * dOut[q];
      return s;
    };
    net.set.zeroGrad();
    f();
    net.backward(dOut, batch);
    const analytic = Float64Array.from(net.set.grads);
    const p = net.set.params;
    for (let q = 0; q < p.length; q++) {
      const p0 = p[q];
      p[q] = p0 + H;
      const up = f();
      p[q] = p0 - H;
      const down = f();
      p[q] = p0;
      const numeric = (up - down) / (2 * H);
      expect(Math.abs(analytic[q] - numeric), `param ${q}: ${analytic[q]} vs ${numeric}`).toBeLessThan(fdTolerance(numeric));
    }
    expect(net.set.gradNorm()).toBeGreaterThan(0.1); // not vacuous
  });

  it('backward accumulates into the set and touches only its own slice of a shared set', () => {
    const [a, b] = [[3, 4, 2], [3, 6, 1]];
    const set = new ParamSet(DenseMlp.paramCount(a) + DenseMlp.paramCount(b));
    const rng = Rng.fromSeed('shared');
    for (let q = 0; q < set.size; q++) set.params[q] = rng.normal();
    const netA = new DenseMlp(a, 'tanh', set, 0);
    const netB = new DenseMlp(b, 'tanh', set, netA.paramCount);
    const x = randomInput(rng, 2 * 3);
    netB.forward(x, 2);
    netB.backward([1, -1], 2);
    const once = Float64Array.from(set.grads);
    expect(once.subarray(0, netA.paramCount).every((g) => g === 0)).toBe(true);
    expect(once.subarray(netA.paramCount).some((g) => g !== 0)).toBe(true);
    netB.backward([1, -1], 2);
    // Bias gradients are sums over rows, so a second pass may round differently from doubling the first.
    for (let q = 0; q < set.size; q++) expect(Math.abs(set.grads[q] - 2 * once[q])).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(once[q]));
  });
});

describe('DenseMlp initialisation', () => {
  it('initOrthogonal: each weight is orthogonal() of the same stream, transposed to [out × in]; biases zero', () => {
    const sizes = [3, 5, 7, 2];
    const net = new DenseMlp(sizes, 'tanh', new ParamSet(DenseMlp.paramCount(sizes)));
    net.set.params.fill(9); // so the zero biases are written, not inherited
    net.initOrthogonal(Math.SQRT2, 0.01, Rng.fromSeed(11));
    const ref = Rng.fromSeed(11);
    let off = 0;
    for (let l = 0; l < 3; l++) {
      const [nIn, nOut] = [sizes[l], sizes[l + 1]];
      const w = orthogonal(nIn, nOut, l === 2 ? 0.01 : Math.SQRT2, ref);
      for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) expect(net.set.params[off + j * nIn + k]).toBe(w[k * nOut + j]);
      off += nIn * nOut;
      expect(Array.from(net.set.params.subarray(off, off + nOut))).toEqual(new Array(nOut).fill(0));
      off += nOut;
    }
    expect(off).toBe(net.paramCount);
  });

  it('initOrthogonal gives the tfjs Mlp weights for the same stream', async () => {
    await initTf();
    const net = new DenseMlp(SIZES, 'tanh', new ParamSet(DenseMlp.paramCount(SIZES)));
    net.initOrthogonal(Math.SQRT2, 0.01, Rng.fromSeed(12));
    const mlp = new Mlp({ sizes: SIZES, hiddenGain: Math.SQRT2, outputGain: 0.01, activation: 'tanh', rng: Rng.fromSeed(12) });
    expect(net.toLayerArrays()).toEqual(mlp.getWeights());
    mlp.dispose();
  });

  it('initUniformFanIn: weights and biases within ±1/√fan_in, seeded', () => {
    const sizes = [4, 16, 3];
    const make = (seed: number) => {
      const n = new DenseMlp(sizes, 'relu', new ParamSet(DenseMlp.paramCount(sizes)));
      n.initUniformFanIn(Rng.fromSeed(seed));
      return n.set.params;
    };
    const p = make(1);
    const inFirst = 4 * 16 + 16;
    for (let q = 0; q < p.length; q++) expect(Math.abs(p[q])).toBeLessThanOrEqual(q < inFirst ? 1 / 2 : 1 / 4);
    expect(p.some((v) => Math.abs(v) > 0.9 / 2)).toBe(true); // fills the range, not a narrower one
    expect(make(1)).toEqual(p);
    expect(make(2)).not.toEqual(p);
  });
});

describe('DenseMlp.copyFrom', () => {
  const sizes = [3, 4, 2];
  const pair = () => {
    const src = randomNet('tanh', 'src', sizes);
    // The destination sits at an offset inside a larger set, after another block.
    const set = new ParamSet(7 + DenseMlp.paramCount(sizes) + 5);
    const rng = Rng.fromSeed('dst');
    for (let q = 0; q < set.size; q++) set.params[q] = rng.normal();
    return { src, dst: new DenseMlp(sizes, 'tanh', set, 7), before: Float64Array.from(set.params) };
  };

  it('tau = 1 copies exactly; the rest of the set is untouched', () => {
    const { src, dst, before } = pair();
    dst.copyFrom(src);
    const n = dst.paramCount;
    expect(dst.set.params.subarray(7, 7 + n)).toEqual(src.set.params);
    expect(dst.set.params.subarray(0, 7)).toEqual(before.subarray(0, 7));
    expect(dst.set.params.subarray(7 + n)).toEqual(before.subarray(7 + n));
  });

  it('tau = 0.005 is Polyak averaging: θ ← θ + τ(θ_src − θ), i.e. (1 − τ)θ + τ·θ_src', () => {
    const { src, dst, before } = pair();
    const tau = 0.005;
    dst.copyFrom(src, tau);
    for (let q = 0; q < dst.paramCount; q++) {
      const [old, s] = [before[7 + q], src.set.params[q]];
      expect(dst.set.params[7 + q]).toBe(old + tau * (s - old));
      expect(Math.abs(dst.set.params[7 + q] - ((1 - tau) * old + tau * s))).toBeLessThan(1e-15 * Math.max(1, Math.abs(old), Math.abs(s)));
    }
    expect(dst.set.params.subarray(0, 7)).toEqual(before.subarray(0, 7));
  });

  it('refuses a different architecture (E_SHAPE)', () => {
    const { dst } = pair();
    expect(() => dst.copyFrom(randomNet('tanh', 'x', [3, 5, 2]))).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });
});

describe('ParamSet.clipGradNorm', () => {
  /** torch.nn.utils.clip_grad_norm_: total_norm = ‖g‖₂; coef = max_norm / (total_norm + 1e-6); g *= min(coef, 1). */
  const torchClip = (g: number[], maxNorm: number) => {
    const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    const coef = Math.min(maxNorm / (norm + 1e-6), 1);
    return { norm, clipped: g.map((v) => v * coef) };
  };

  it.each([
    ['above the bound: scaled to ≈ maxNorm', [3, -4, 12], 0.5],
    ['below the bound: unchanged', [0.03, -0.04], 0.5],
    ['exactly at the bound: scaled by maxNorm / (maxNorm + 1e-6), as torch', [0.3, 0.4], 0.5],
  ] as const)('%s', (_name, g, maxNorm) => {
    const set = new ParamSet(g.length);
    set.grads.set(g);
    const ref = torchClip([...g], maxNorm);
    expect(set.clipGradNorm(maxNorm)).toBe(ref.norm);
    expect(Array.from(set.grads)).toEqual(ref.clipped);
    expect(Math.abs(set.gradNorm() - Math.min(ref.norm, maxNorm))).toBeLessThan(1e-5);
  });

  it('the at-the-bound case really is at the bound', () => {
    const set = new ParamSet(2);
    set.grads.set([0.3, 0.4]);
    expect(set.gradNorm()).toBe(0.5);
  });
});

describe('DenseMlp errors', () => {
  it('rejects bad widths (E_CONFIG), a set that is too small and short input (E_SHAPE)', () => {
    expect(() => new DenseMlp([3], 'tanh', new ParamSet(10))).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => new DenseMlp([3, 0, 2], 'tanh', new ParamSet(10))).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => new DenseMlp([3, 2], 'tanh', new ParamSet(7))).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => new DenseMlp([3, 2], 'tanh', new ParamSet(8), 1)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    const net = new DenseMlp([3, 2], 'tanh', new ParamSet(8));
    expect(() => net.forward(new Float32Array(5), 2)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    net.forward(new Float32Array(3), 1);
    expect(() => net.backward(new Float64Array(4), 2)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });
});
