import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_EMBARGO, DEFAULT_MIN_TRAIN, defaultFoldSpec, walkForwardFolds } from './walk-forward.js';
import type { Fold, FoldSpec } from './walk-forward.js';

const expanding: FoldSpec = { folds: 5, testSize: 252, embargo: 5, minTrain: 756, mode: 'expanding' };
const rolling: FoldSpec = { ...expanding, mode: 'rolling', trainSize: 1000 };

/** The structural guarantees every fold list must satisfy, whatever the spec. */
function expectWellFormed(folds: Fold[], length: number, spec: FoldSpec): void {
  expect(folds).toHaveLength(spec.folds);
  folds.forEach((f, k) => {
    expect(f.index).toBe(k);
    expect(f.train.start).toBeGreaterThanOrEqual(0);
    expect(f.train.end - f.train.start).toBeGreaterThanOrEqual(spec.minTrain);
    expect(f.embargo.start).toBe(f.train.end);
    expect(f.embargo.end - f.embargo.start).toBe(spec.embargo);
    expect(f.test.start).toBe(f.embargo.end);
    expect(f.test.end - f.test.start).toBe(spec.testSize);
    if (k > 0) expect(f.test.start).toBe(folds[k - 1].test.end);
    // No test bar of any fold lies in this fold's training window.
    for (const g of folds.slice(k)) expect(g.test.start).toBeGreaterThanOrEqual(f.train.end + spec.embargo);
  });
  expect(folds[folds.length - 1].test.end).toBe(length);
  expect(folds[0].test.start).toBe(length - spec.folds * spec.testSize);
}

describe('walkForwardFolds', () => {
  it('tiles the last folds × testSize bars with consecutive test windows (expanding)', () => {
    const folds = walkForwardFolds(5105, expanding);
    expectWellFormed(folds, 5105, expanding);
    expect(folds[0]).toEqual({ index: 0, train: { start: 0, end: 3840 }, embargo: { start: 3840, end: 3845 }, test: { start: 3845, end: 4097 } });
    expect(folds[4].test).toEqual({ start: 4853, end: 5105 });
  });

  it('trains from bar 0 in expanding mode, so training grows by testSize per fold', () => {
    const folds = walkForwardFolds(5105, expanding);
    for (const f of folds) expect(f.train.start).toBe(0);
    for (let k = 1; k < folds.length; k++) {
      expect(folds[k].train.end - folds[k].train.start - (folds[k - 1].train.end - folds[k - 1].train.start)).toBe(expanding.testSize);
    }
  });

  it('trains on exactly trainSize bars before the embargo in rolling mode', () => {
    const folds = walkForwardFolds(5105, rolling);
    expectWellFormed(folds, 5105, rolling);
    for (const f of folds) expect(f.train.end - f.train.start).toBe(1000);
    expect(folds.map((f) => f.train.start)).toEqual([2840, 3092, 3344, 3596, 3848]);
    // The same test windows as expanding mode: only the training windows differ.
    expect(folds.map((f) => f.test)).toEqual(walkForwardFolds(5105, expanding).map((f) => f.test));
  });

  it('allows a zero embargo and a single fold', () => {
    const spec: FoldSpec = { folds: 1, testSize: 10, embargo: 0, minTrain: 1, mode: 'expanding' };
    const folds = walkForwardFolds(11, spec);
    expectWellFormed(folds, 11, spec);
    expect(folds[0]).toEqual({ index: 0, train: { start: 0, end: 1 }, embargo: { start: 1, end: 1 }, test: { start: 1, end: 11 } });
  });

  it('accepts the tightest fit and rejects one bar less', () => {
    const need = expanding.minTrain + expanding.embargo + expanding.folds * expanding.testSize;
    expectWellFormed(walkForwardFolds(need, expanding), need, expanding);
    expect(walkForwardFolds(need, expanding)[0].train.end).toBe(expanding.minTrain);
    expect(() => walkForwardFolds(need - 1, expanding)).toThrow(ConfigError);
  });

  it('ignores trainSize in expanding mode', () => {
    expect(walkForwardFolds(5105, { ...expanding, trainSize: 10 })).toEqual(walkForwardFolds(5105, expanding));
  });

  it('is well-formed over a grid of specs', () => {
    for (const length of [50, 97, 400]) {
      for (const folds of [1, 2, 3, 7]) {
        for (const testSize of [1, 5, 9]) {
          for (const embargo of [0, 1, 4]) {
            for (const mode of ['expanding', 'rolling'] as const) {
              const spec: FoldSpec = { folds, testSize, embargo, minTrain: 3, mode, trainSize: 6 };
              if (6 + embargo + folds * testSize > length) continue;
              expectWellFormed(walkForwardFolds(length, spec), length, spec);
            }
          }
        }
      }
    }
  });
});

describe('walkForwardFolds: invalid specs throw ConfigError naming the key', () => {
  const cases: [name: string, length: number, spec: FoldSpec, path: string][] = [
    ['zero folds', 5105, { ...expanding, folds: 0 }, 'walkForward.folds'],
    ['fractional folds', 5105, { ...expanding, folds: 2.5 }, 'walkForward.folds'],
    ['zero testSize', 5105, { ...expanding, testSize: 0 }, 'walkForward.testSize'],
    ['negative testSize', 5105, { ...expanding, testSize: -5 }, 'walkForward.testSize'],
    ['NaN testSize', 5105, { ...expanding, testSize: NaN }, 'walkForward.testSize'],
    ['string testSize', 5105, { ...expanding, testSize: '252' as unknown as number }, 'walkForward.testSize'],
    ['negative embargo', 5105, { ...expanding, embargo: -1 }, 'walkForward.embargo'],
    ['fractional embargo', 5105, { ...expanding, embargo: 0.5 }, 'walkForward.embargo'],
    ['zero minTrain', 5105, { ...expanding, minTrain: 0 }, 'walkForward.minTrain'],
    ['unknown mode', 5105, { ...expanding, mode: 'sliding' as FoldSpec['mode'] }, 'walkForward.mode'],
    ['rolling without trainSize', 5105, { ...expanding, mode: 'rolling' }, 'walkForward.trainSize'],
    ['rolling trainSize < minTrain', 5105, { ...rolling, trainSize: 500 }, 'walkForward.trainSize'],
    ['rolling fractional trainSize', 5105, { ...rolling, trainSize: 999.5 }, 'walkForward.trainSize'],
    ['test windows too large', 2000, expanding, 'walkForward.testSize'],
    ['rolling window too large', 2100, { ...rolling, trainSize: 1900 }, 'walkForward.testSize'],
    ['minTrain too large for any testSize', 100, { ...expanding, folds: 4, testSize: 20, minTrain: 99 }, 'walkForward.minTrain'],
    ['too many folds of one bar', 10, { folds: 20, testSize: 1, embargo: 0, minTrain: 5, mode: 'expanding' }, 'walkForward.folds'],
  ];

  it.each(cases)('%s', (_name, length, spec, path) => {
    try {
      walkForwardFolds(length, spec);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ code: 'E_CONFIG', path });
    }
  });

  it('says what would fit', () => {
    // 756 + 5 + 5 × 252 = 2021 > 2000: the largest testSize that fits is ⌊(2000 − 5 − 756) / 5⌋ = 247.
    expect(() => walkForwardFolds(2000, expanding)).toThrow(/testSize ≤ 247 would fit/);
    // No testSize ≥ 1 fits 4 folds with minTrain 99 in 100 bars; minTrain ≤ 100 − 5 − 4 × 20 = 15 would.
    expect(() => walkForwardFolds(100, { ...expanding, folds: 4, testSize: 20, minTrain: 99 })).toThrow(/minTrain ≤ 15 would fit/);
    expect(() => walkForwardFolds(10, { folds: 20, testSize: 1, embargo: 0, minTrain: 5, mode: 'expanding' })).toThrow(/folds ≤ 5 would fit/);
  });

  it('rejects a length that is not a non-negative integer', () => {
    expect(() => walkForwardFolds(-1, expanding)).toThrow(RangeError);
    expect(() => walkForwardFolds(10.5, expanding)).toThrow(RangeError);
  });
});

describe('defaultFoldSpec', () => {
  it('picks the largest testSize that leaves the first fold minTrain bars (expanding, embargo 5)', () => {
    const spec = defaultFoldSpec(5105, 5);
    expect(spec).toEqual({ folds: 5, testSize: 868, embargo: DEFAULT_EMBARGO, minTrain: DEFAULT_MIN_TRAIN, mode: 'expanding' });
    const folds = walkForwardFolds(5105, spec);
    expectWellFormed(folds, 5105, spec);
    expect(folds[0].train.end).toBeGreaterThanOrEqual(756);
    // One more bar per test window would break minTrain.
    expect(() => walkForwardFolds(5105, { ...spec, testSize: spec.testSize + 1 })).toThrow(ConfigError);
  });

  it('honours minTrain and embargo overrides', () => {
    const spec = defaultFoldSpec(1000, 4, { minTrain: 200, embargo: 0 });
    expect(spec.testSize).toBe(200);
    expect(walkForwardFolds(1000, spec)[0].train).toEqual({ start: 0, end: 200 });
  });

  it('throws ConfigError for bad folds or a series too short', () => {
    expect(() => defaultFoldSpec(5105, 0)).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'walkForward.folds' }));
    expect(() => defaultFoldSpec(5105, 1.5)).toThrow(expect.objectContaining({ path: 'walkForward.folds' }));
    expect(() => defaultFoldSpec(765, 5)).toThrow(/at most 4 folds would fit/);
    expect(() => defaultFoldSpec(760, 5)).toThrow(expect.objectContaining({ path: 'walkForward.folds' }));
    expect(() => defaultFoldSpec(700, 1)).toThrow(expect.objectContaining({ path: 'walkForward.folds' }));
    expect(() => defaultFoldSpec(5105, 5, { minTrain: -1 })).toThrow(expect.objectContaining({ path: 'walkForward.minTrain' }));
  });
});
