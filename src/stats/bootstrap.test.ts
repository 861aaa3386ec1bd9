import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { blockBootstrapCi, stationaryBootstrap, stationaryResample } from './bootstrap.js';
import { mean } from './descriptive.js';

describe('stationaryResample (Politis-Romano)', () => {
  const index = Float64Array.from({ length: 1000 }, (_, i) => i);

  it('draws geometric blocks with mean length meanBlock, wrapping around the end', () => {
    const rng = Rng.fromSeed('blocks');
    const out = stationaryResample(rng, index, 20, new Float64Array(100_000));
    let starts = 0;
    for (let t = 1; t < out.length; t++) if (out[t] !== (out[t - 1] + 1) % index.length) starts++;
    // A new block starts with probability 1/20 per step (a jump onto the next index, probability 1/1000,
    // is invisible); Binomial(99 999, 0.05) has sd ≈ 69.
    expect(Math.abs(starts - 99_999 / 20)).toBeLessThan(4 * Math.sqrt(99_999 * 0.05 * 0.95));
    // An (almost) infinite mean block is one circular block.
    const one = stationaryResample(rng, index, 1e12);
    for (let t = 1; t < one.length; t++) expect(one[t]).toBe((one[t - 1] + 1) % index.length);
  });

  it('with meanBlock = 1 is the iid bootstrap, and is reproducible from the seed', () => {
    const a = stationaryResample(Rng.fromSeed(3), index, 1);
    const b = stationaryResample(Rng.fromSeed(3), index, 1);
    expect(a).toEqual(b);
    let runs = 0;
    for (let t = 1; t < a.length; t++) if (a[t] === a[t - 1] + 1) runs++;
    expect(runs).toBeLessThan(10); // consecutive only by chance (p = 1/1000 per step)
  });

  it('rejects meanBlock < 1 and an empty series', () => {
    expect(() => stationaryResample(Rng.fromSeed(1), index, 0.5)).toThrow(RangeError);
    expect(() => stationaryResample(Rng.fromSeed(1), [], 5)).toThrow(RangeError);
    expect(() => stationaryBootstrap(Rng.fromSeed(1), index, 5, mean, 0)).toThrow(RangeError);
  });
});

describe('blockBootstrapCi', () => {
  it('returns the estimate, ordered bounds and the replicate distribution', () => {
    const x = Rng.fromSeed('ci-data').fillNormal(new Float64Array(300), 0.5, 2);
    const ci = blockBootstrapCi(Rng.fromSeed(9), x, { meanBlock: 10, statistic: mean, replicates: 500 });
    expect(ci.estimate).toBe(mean(x));
    expect(ci.level).toBe(0.95);
    expect(ci.replicates).toHaveLength(500);
    expect(ci.lower).toBeLessThan(ci.estimate);
    expect(ci.upper).toBeGreaterThan(ci.estimate);
    expect(() => blockBootstrapCi(Rng.fromSeed(9), x, { meanBlock: 10, statistic: mean, level: 1 })).toThrow(RangeError);
  });

  it('covers the mean of iid normals at about the nominal 95% rate', () => {
    // 400 independent series of n = 200 N(0, 1) values, 200 bootstrap replicates each, mean block b = 5.
    // For iid data the stationary bootstrap variance of the mean is about (1 − 2(b − 1)/n)·σ²/n (the
    // demeaned sample autocovariances are ≈ −σ²/n), so the interval is ≈ 2% short and its coverage ≈ 0.94.
    // The count of intervals containing 0 is then Binomial(400, 0.94) (sd ≈ 4.7); accept ± 4 sd.
    const rng = Rng.fromSeed('coverage');
    const reps = 400;
    const x = new Float64Array(200);
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      rng.fillNormal(x);
      const ci = blockBootstrapCi(rng, x, { meanBlock: 5, statistic: mean, replicates: 200 });
      if (ci.lower <= 0 && 0 <= ci.upper) covered++;
    }
    const sd = Math.sqrt(reps * 0.94 * 0.06);
    expect(Math.abs(covered - 0.94 * reps)).toBeLessThan(4 * sd);
  });
});
