import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { createActorCritic, Mlp, orthogonal } from './mlp.js';
import { initTf } from './tf.js';

/** Gram matrix of the columns (WᵀW) or of the rows (WWᵀ) of a row-major [rows × cols] matrix. */
function gram(w: Float32Array, rows: number, cols: number, of: 'columns' | 'rows'): number[][] {
  const [n, len] = of === 'columns' ? [cols, rows] : [rows, cols];
  const get = (v: number, k: number) => (of === 'columns' ? w[k * cols + v] : w[v * cols + k]);
  return Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => {
      let s = 0;
      for (let k = 0; k < len; k++) s += get(a, k) * get(b, k);
      return s;
    }),
  );
}

function expectScaledIdentity(m: number[][], scale: number): void {
  m.forEach((row, a) => row.forEach((v, b) => expect(Math.abs(v - (a === b ? scale : 0))).toBeLessThan(1e-5 * Math.max(1, scale))));
}

describe('orthogonal', () => {
  it.each([
    ['square', 64, 64, Math.SQRT2, 'columns'],
    ['tall (policy head)', 64, 3, 0.01, 'columns'],
    ['tall (value head)', 64, 1, 1, 'columns'],
    ['wide (input layer)', 5, 64, Math.SQRT2, 'rows'],
  ] as const)('%s: the orthonormal side has Gram matrix gain²·I', (_name, rows, cols, gain, of) => {
    const w = orthogonal(rows, cols, gain, Rng.fromSeed(7));
    expect(w.length).toBe(rows * cols);
    expectScaledIdentity(gram(w, rows, cols, of), gain * gain);
  });

  it('is seeded: equal seeds give equal bytes, different seeds differ', () => {
    const a = orthogonal(16, 8, 1, Rng.fromSeed(1));
    expect(orthogonal(16, 8, 1, Rng.fromSeed(1))).toEqual(a);
    expect(orthogonal(16, 8, 1, Rng.fromSeed(2))).not.toEqual(a);
  });
});

describe('Mlp', () => {
  beforeAll(async () => {
    await initTf();
  });

  it('builds orthogonal kernels and zero biases, deterministically from the seed', () => {
    const opts = { sizes: [4, 64, 64, 3], hiddenGain: Math.SQRT2, outputGain: 0.01, activation: 'tanh' as const };
    const a = new Mlp({ ...opts, rng: Rng.fromSeed(3) });
    const b = new Mlp({ ...opts, rng: Rng.fromSeed(3) });
    const c = new Mlp({ ...opts, rng: Rng.fromSeed(4) });
    const wa = a.getWeights();
    expect(wa.map((w) => w.length)).toEqual([4 * 64, 64, 64 * 64, 64, 64 * 3, 3]);
    expect(b.getWeights()).toEqual(wa);
    expect(c.getWeights()[0]).not.toEqual(wa[0]);
    for (const bias of [wa[1], wa[3], wa[5]]) expect(Array.from(bias).every((v) => v === 0)).toBe(true);
    expectScaledIdentity(gram(wa[2], 64, 64, 'columns'), 2);
    expectScaledIdentity(gram(wa[4], 64, 3, 'columns'), 1e-4);
    for (const m of [a, b, c]) m.dispose();
  });

  it('forward matches a plain-JS evaluation; setWeights round-trips; dispose frees every tensor', () => {
    const before = tf.memory().numTensors;
    const net = new Mlp({ sizes: [2, 3, 1], hiddenGain: 1, outputGain: 1, activation: 'tanh', rng: Rng.fromSeed(5) });
    const weights = [new Float32Array([0.1, -0.2, 0.3, 0.4, 0.5, -0.6]), new Float32Array([0.01, 0.02, 0.03]), new Float32Array([1, -1, 0.5]), new Float32Array([0.25])];
    net.setWeights(weights);
    expect(net.getWeights()).toEqual(weights);
    const x = [0.7, -1.3];
    const h = [0, 1, 2].map((j) => Math.tanh(x[0] * weights[0][j] + x[1] * weights[0][3 + j] + weights[1][j]));
    const expected = h[0] * 1 + h[1] * -1 + h[2] * 0.5 + 0.25;
    const y = tf.tidy(() => net.forward(tf.tensor2d(x, [1, 2])));
    expect(y.shape).toEqual([1, 1]);
    expect(y.dataSync()[0]).toBeCloseTo(expected, 5);
    y.dispose();
    expect(() => net.setWeights(weights.slice(1))).toThrow(expect.objectContaining({ code: 'E_WEIGHTS' }));
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('createActorCritic: separate networks with SB3 gains, each from its own fork', () => {
    const nets = createActorCritic({ obsDim: 3, nActions: 2, pi: [64, 64], vf: [32], activation: 'tanh', rng: Rng.fromSeed(9) });
    expect(nets.pi.sizes).toEqual([3, 64, 64, 2]);
    expect(nets.vf.sizes).toEqual([3, 32, 1]);
    const piHead = nets.pi.getWeights()[4];
    expectScaledIdentity(gram(piHead, 64, 2, 'columns'), 1e-4);
    const vfHead = nets.vf.getWeights()[2];
    expectScaledIdentity(gram(vfHead, 32, 1, 'columns'), 1);
    // Changing the value architecture leaves the policy's initial weights unchanged.
    const other = createActorCritic({ obsDim: 3, nActions: 2, pi: [64, 64], vf: [16, 16], activation: 'tanh', rng: Rng.fromSeed(9) });
    expect(other.pi.getWeights()).toEqual(nets.pi.getWeights());
    for (const n of [nets, other]) {
      n.pi.dispose();
      n.vf.dispose();
    }
  });
});
