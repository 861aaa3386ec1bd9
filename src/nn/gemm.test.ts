import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { gemmABt, transpose } from './gemm.js';

/** C[i, j] (+)= Σ_q A[i, q]·B[j, q] by the textbook triple loop, summing q in the same order as the kernel. */
function naiveABt(a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number, m: number, n: number, k: number, accumulate: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[aOff + i * k + q] * b[bOff + j * k + q];
      c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + s : s;
    }
  }
}

const normals = (rng: Rng, n: number) => rng.fillNormal(new Float64Array(n)) as Float64Array;

describe('gemmABt', () => {
  // m and n cover the 2-row × 4-column register blocks, their remainders (odd m; n mod 4 = 1, 2, 3) and
  // matrices smaller than one block; k = 1 is a rank-one product.
  const shapes: [number, number, number][] = [];
  for (const m of [1, 2, 3, 4, 5, 7, 8, 65]) for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 64]) for (const k of [1, 3, 8]) shapes.push([m, n, k]);

  it.each([false, true])('equals the triple loop bit for bit on every shape (accumulate = %s), touching only C', (accumulate) => {
    const rng = Rng.fromSeed(`gemm-${accumulate}`);
    for (const [m, n, k] of shapes) {
      // Operands at non-zero offsets inside larger arrays, with guard values around C.
      const [aOff, bOff, cOff] = [3, 5, 7];
      const a = normals(rng, aOff + m * k + 2);
      const b = normals(rng, bOff + n * k + 2);
      const c0 = normals(rng, cOff + m * n + 4);
      const got = Float64Array.from(c0);
      const want = Float64Array.from(c0);
      gemmABt(a, aOff, b, bOff, got, cOff, m, n, k, accumulate);
      naiveABt(a, aOff, b, bOff, want, cOff, m, n, k, accumulate);
      expect(got, `${m}×${n}×${k}`).toEqual(want);
      // The guards outside C are untouched, and C itself changed (so the comparison above is not vacuous).
      expect(got.subarray(0, cOff)).toEqual(c0.subarray(0, cOff));
      expect(got.subarray(cOff + m * n)).toEqual(c0.subarray(cOff + m * n));
      expect(got[cOff]).not.toBe(c0[cOff]);
    }
  });

  it('accumulate adds the product to C; overwrite ignores what C held', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]); // 3 × 2
    const b = new Float64Array([1, 0, 0, 1, 1, 1]); // 3 × 2: rows are e1, e2, e1 + e2
    const product = [1, 2, 3, 3, 4, 7, 5, 6, 11];
    const c = new Float64Array(9).fill(10);
    gemmABt(a, 0, b, 0, c, 0, 3, 3, 2, false);
    expect(Array.from(c)).toEqual(product);
    gemmABt(a, 0, b, 0, c, 0, 3, 3, 2, true);
    expect(Array.from(c)).toEqual(product.map((x) => 2 * x));
  });
});

describe('transpose', () => {
  it('dst[c, r] = src[r, c] for a block at an offset', () => {
    const src = new Float64Array([9, 9, 1, 2, 3, 4, 5, 6]);
    const dst = new Float64Array(6);
    transpose(src, 2, 2, 3, dst); // [[1, 2, 3], [4, 5, 6]]
    expect(Array.from(dst)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
