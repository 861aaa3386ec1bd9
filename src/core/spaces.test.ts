import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { Box, Discrete } from './spaces.js';

describe('Box', () => {
  it('contains values within bounds of the right length and type only', () => {
    const box = new Box(Float32Array.from([-1, 0]), Float32Array.from([1, 2]));
    expect(box.contains(Float32Array.from([0.5, 2]))).toBe(true);
    expect(box.contains(Float32Array.from([1.5, 1]))).toBe(false);
    expect(box.contains(Float32Array.from([0, Number.NaN]))).toBe(false);
    expect(box.contains(Float32Array.from([0]))).toBe(false);
    expect(box.contains([0, 1])).toBe(false);
    expect(box.toString()).toBe('Box(2,)');
  });

  it('samples inside the space, seeded', () => {
    const box = new Box(Float32Array.from([-1, 0, -Infinity, -Infinity]), Float32Array.from([1, Infinity, 5, Infinity]));
    const a = box.sample(Rng.fromSeed(1));
    expect(box.contains(a)).toBe(true);
    expect(box.sample(Rng.fromSeed(1))).toEqual(a);
    for (let i = 0; i < 1000; i++) expect(box.contains(box.sample(Rng.fromSeed(i)))).toBe(true);
  });

  it('rejects mismatched bounds', () => {
    expect(() => new Box(new Float32Array(2), new Float32Array(3))).toThrow(RangeError);
  });
});

describe('Discrete', () => {
  it('contains the integers 0..n-1', () => {
    const d = new Discrete(3);
    expect([0, 1, 2].every((x) => d.contains(x))).toBe(true);
    expect([-1, 3, 1.5, Number.NaN, '1'].some((x) => d.contains(x))).toBe(false);
    expect(d.toString()).toBe('Discrete(3)');
  });

  it('samples every value', () => {
    const d = new Discrete(3);
    const rng = Rng.fromSeed(2);
    const seen = new Set(Array.from({ length: 100 }, () => d.sample(rng)));
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('rejects n < 1 or non-integers', () => {
    expect(() => new Discrete(0)).toThrow(RangeError);
    expect(() => new Discrete(2.5)).toThrow(RangeError);
  });
});
