import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initTf, requireTf, type Tf } from './tf.js';

describe('initTf', () => {
  it('loads one backend once and returns the same promise', async () => {
    const first = initTf();
    expect(initTf()).toBe(first);
    const { tf, backend } = await first;
    // tfjs-node is optional and absent here, so auto falls through to wasm (or cpu if wasm fails).
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend);
    expect(tf.getBackend()).toBe(backend);
    expect(requireTf()).toBe(tf);
    const y = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])));
    expect(y.dataSync()[0]).toBe(6);
    y.dispose();
  });

  it('refuses to switch to a different explicit backend', async () => {
    const { backend } = await initTf();
    const other = backend === 'cpu' ? 'wasm' : 'cpu';
    await expect(initTf(other)).rejects.toMatchObject({ code: 'E_TF_BACKEND' });
  });
});

describe('gradients of the ops the agents use', () => {
  // Points at least 0.2 away from every kink (0 for relu/abs, ±0.5 for the clip, the constant for min/max).
  const X = [0.3, -0.7, 1.1, -1.4, 0.9, -0.2];
  const C = [0.5, 0.1, -0.6]; // broadcast over rows of a [2, 3] operand
  const W = [0.7, -1.3, 0.4, 1.9, -0.8, 1.1]; // weights make the upstream gradient non-uniform
  const POS = X.map((v) => Math.abs(v) + 0.2);

  // tfjs 4.22's Minimum, Maximum and SquaredDifference gradients do not sum over broadcast axes, so
  // only same-shape operands are checked for those (and the agents only use them on equal shapes).
  type Case = [name: string, x: number[], shape: number[], f: (tf: Tf, x: Tensor) => Tensor];
  const mat = (tf: Tf, v: number[], shape: number[]) => tf.tensor(v, shape);
  const full = (tf: Tf) => mat(tf, [0.2, -0.4, 0.9, -1.1, 0.6, 1.5], [2, 3]);
  const cases: Case[] = [
    ['Add (a)', X, [2, 3], (tf, x) => tf.add(x, mat(tf, C, [3]))],
    ['Add (b, broadcast)', C, [3], (tf, x) => tf.add(full(tf), x)],
    ['Sub (a)', X, [2, 3], (tf, x) => tf.sub(x, mat(tf, C, [3]))],
    ['Sub (b, broadcast)', C, [1, 3], (tf, x) => tf.sub(full(tf), x)],
    ['Multiply (a)', X, [2, 3], (tf, x) => tf.mul(x, mat(tf, C, [3]))],
    ['Multiply (b, broadcast)', C, [3], (tf, x) => tf.mul(full(tf), x)],
    ['RealDiv (a)', X, [2, 3], (tf, x) => tf.div(x, mat(tf, C, [3]))],
    ['RealDiv (b, broadcast)', [0.5, -0.8, 1.2], [3], (tf, x) => tf.div(full(tf), x)],
    ['Minimum (a)', X, [2, 3], (tf, x) => tf.minimum(x, mat(tf, C, [3]))],
    ['Maximum (a)', X, [2, 3], (tf, x) => tf.maximum(x, mat(tf, C, [3]))],
    ['SquaredDifference (a)', X, [2, 3], (tf, x) => tf.squaredDifference(x, mat(tf, C, [3]))],
    ['Neg', X, [2, 3], (tf, x) => tf.neg(x)],
    ['Cast', X, [2, 3], (tf, x) => tf.cast(tf.mul(x, 1.5), 'float32')],
    ['Exp', X, [2, 3], (tf, x) => tf.exp(x)],
    ['Tanh', X, [2, 3], (tf, x) => tf.tanh(x)],
    ['Sigmoid', X, [2, 3], (tf, x) => tf.sigmoid(x)],
    ['Log', POS, [2, 3], (tf, x) => tf.log(x)],
    ['Relu', X, [2, 3], (tf, x) => tf.relu(x)],
    ['Square', X, [2, 3], (tf, x) => tf.square(x)],
    ['Sqrt', POS, [2, 3], (tf, x) => tf.sqrt(x)],
    ['Abs', X, [2, 3], (tf, x) => tf.abs(x)],
    ['Reshape', X, [2, 3], (tf, x) => tf.reshape(tf.mul(x, mat(tf, W, [2, 3])), [3, 2])],
    ['ClipByValue', X, [2, 3], (tf, x) => tf.clipByValue(x, -0.5, 0.5)],
    ['Sum (axis 1, keepDims)', X, [2, 3], (tf, x) => tf.mul(tf.sum(tf.square(x), 1, true), mat(tf, [1, 1, 1], [3]))],
    ['Mean (axis 0)', X, [2, 3], (tf, x) => tf.mean(tf.square(x), 0)],
    ['Mean (all)', X, [2, 3], (tf, x) => tf.mean(tf.exp(x))],
    ['AddN', X, [2, 3], (tf, x) => tf.addN([x, tf.square(x), full(tf)])],
    ['logSoftmax (custom gradient)', X, [2, 3], (tf, x) => tf.logSoftmax(x)],
  ];
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
    const other = [0.4, -0.3, 0.8, 1.2, -0.9, 0.5];
    cases.push([`BatchMatMul a (tA=${ta}, tB=${tb})`, X, ta ? [3, 2] : [2, 3], (tf, x) => tf.matMul(x, mat(tf, other, tb ? [2, 3] : [3, 2]), ta, tb)]);
    cases.push([`BatchMatMul b (tA=${ta}, tB=${tb})`, X, tb ? [2, 3] : [3, 2], (tf, x) => tf.matMul(mat(tf, other, ta ? [3, 2] : [2, 3]), x, ta, tb)]);
  }

  it.each(cases)('%s matches central differences', async (_name, x0, shape, f) => {
    const { tf } = await initTf();
    const loss = (x: Tensor) => {
      const y = f(tf, x);
      const w = Array.from({ length: y.size }, (_, k) => W[k % W.length] + k / 10);
      return tf.sum(tf.mul(y, tf.tensor(w, y.shape)));
    };
    const analytic = tf.tidy(() => tf.grad(loss)(tf.tensor(x0, shape)).dataSync().slice());
    const h = 1e-2;
    for (let i = 0; i < x0.length; i++) {
      const at = (d: number) => tf.tidy(() => loss(tf.tensor(x0.map((v, j) => (j === i ? v + d : v)), shape)).dataSync()[0]);
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(analytic[i] - numeric)).toBeLessThan(2e-3 + 2e-3 * Math.abs(numeric));
    }
  });
});
