import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { argmaxRows, categoricalEntropy, categoricalLogProb, sampleCategorical, softmax } from './categorical.js';
import { initTf } from './tf.js';

describe('sampleCategorical', () => {
  it('draws with softmax frequencies (binomial 5σ band)', () => {
    const logits = new Float32Array([1.5, -0.5, 0.2, 0.9]);
    const p = softmax(logits);
    const n = 200_000;
    const rows = new Float32Array(n * 4);
    for (let r = 0; r < n; r++) rows.set(logits, r * 4);
    const logProbs = new Float32Array(n);
    const actions = sampleCategorical(rows, 4, Rng.fromSeed(11), new Int32Array(n), logProbs);
    const counts = [0, 0, 0, 0];
    for (const a of actions) counts[a]++;
    counts.forEach((c, j) => expect(Math.abs(c - n * p[j])).toBeLessThan(5 * Math.sqrt(n * p[j] * (1 - p[j]))));
    for (let r = 0; r < 100; r++) expect(logProbs[r]).toBeCloseTo(Math.log(p[actions[r]]), 6);
  });

  it('is seeded, and uses one uniform per row', () => {
    const logits = new Float32Array([0, 1, 2, 3, 4, 5]);
    const a = sampleCategorical(logits, 3, Rng.fromSeed(1));
    expect(sampleCategorical(logits, 3, Rng.fromSeed(1))).toEqual(a);
    const rng = Rng.fromSeed(2);
    sampleCategorical(logits, 3, rng);
    const ref = Rng.fromSeed(2);
    ref.uniform();
    ref.uniform();
    expect(rng.state()).toEqual(ref.state());
  });

  it('argmaxRows picks the first maximum', () => {
    expect(Array.from(argmaxRows([0, 2, 2, 5, 1, 0], 3))).toEqual([1, 0]);
  });
});

describe('tensor log-prob and entropy', () => {
  beforeAll(async () => {
    await initTf();
  });

  it('agree with the plain-JS softmax', () => {
    const logits = [0.3, -1.2, 2.0, 1.0, 1.0, 1.0];
    const p0 = softmax(logits, 0, 3);
    const p1 = softmax(logits, 3, 3);
    const [logp, ent] = tf.tidy(() => {
      const l = tf.tensor2d(logits, [2, 3]);
      return [categoricalLogProb(l, tf.tensor1d([2, 0], 'int32')), categoricalEntropy(l)];
    });
    expect(Array.from(logp.dataSync())).toEqual([expect.closeTo(Math.log(p0[2]), 5), expect.closeTo(Math.log(p1[0]), 5)]);
    const h = (p: Float64Array) => -p.reduce((s, x) => s + x * Math.log(x), 0);
    expect(Array.from(ent.dataSync())).toEqual([expect.closeTo(h(p0), 5), expect.closeTo(Math.log(3), 5)]);
    tf.dispose([logp, ent]);
  });
});
