import type { Rng } from './rng.js';

/**
 * An observation or action space. Few and simple, as Gymnasium advises: {@link Box} and {@link Discrete}.
 * The rng is passed to `sample`, so there is no hidden per-space generator to seed.
 */
export interface Space<T> {
  readonly kind: 'box' | 'discrete';
  contains(x: unknown): x is T;
  sample(rng: Rng): T;
  /** Short description used in error messages, e.g. `Discrete(3)` or `Box(31,)`. */
  toString(): string;
}

/**
 * A box of `Float32Array` values with elementwise bounds (±Infinity allowed).
 *
 * @example
 * const obs = Box.uniform(31, -Infinity, Infinity);
 * obs.contains(new Float32Array(31)); // true
 */
export class Box implements Space<Float32Array> {
  readonly kind = 'box' as const;
  readonly size: number;

  constructor(
    readonly low: Float32Array,
    readonly high: Float32Array,
    readonly shape: readonly number[] = [low.length],
  ) {
    if (low.length !== high.length) throw new RangeError(`Box bounds differ in length: ${low.length} vs ${high.length}`);
    this.size = low.length;
  }

  /** A flat box of `size` values, all in [low, high]. */
  static uniform(size: number, low: number, high: number): Box {
    return new Box(new Float32Array(size).fill(low), new Float32Array(size).fill(high));
  }

  contains(x: unknown): x is Float32Array {
    if (!(x instanceof Float32Array) || x.length !== this.size) return false;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (!(v >= this.low[i] && v <= this.high[i])) return false; // NaN fails both
    }
    return true;
  }

  /** Uniform within finite bounds; normal for an unbounded side, exponential for a half-bounded one. */
  sample(rng: Rng): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      if (Number.isFinite(lo) && Number.isFinite(hi)) out[i] = lo + (hi - lo) * rng.uniform();
      else if (Number.isFinite(lo)) out[i] = lo - Math.log(1 - rng.uniform());
      else if (Number.isFinite(hi)) out[i] = hi + Math.log(1 - rng.uniform());
      else out[i] = rng.normal();
    }
    return out;
  }

  toString(): string {
    return `Box(${this.shape.join(',')},)`;
  }
}

/**
 * The integers 0..n-1.
 *
 * @example
 * new Discrete(3).contains(2); // true
 */
export class Discrete implements Space<number> {
  readonly kind = 'discrete' as const;

  constructor(readonly n: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`Discrete(n) needs an integer n ≥ 1, got ${n}`);
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < this.n;
  }

  sample(rng: Rng): number {
    return rng.int(this.n);
  }

  toString(): string {
    return `Discrete(${this.n})`;
  }
}
