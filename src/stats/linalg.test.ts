import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { cholesky, correlationMatrix, matrixFromRows, matrixToRows, nearestCorrelation, symmetricEigen } from './linalg.js';

/** C = A·B for n×n row-major matrices. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

function transpose(a: ArrayLike<number>, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A random symmetric n×n matrix with N(0, 1) entries, and the SPD matrix M·Mᵀ + I built from it. */
function randomSymmetric(n: number, seed: string): Float64Array {
  const rng = Rng.fromSeed(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

function randomSpd(n: number, seed: string): Float64Array {
  const m = randomSymmetric(n, seed);
  const spd = matmul(m, transpose(m, n), n);
  for (let i = 0; i < n; i++) spd[i * n + i] += 1;
  return spd;
}

/** Orthonormality and reconstruction residuals of an eigen-decomposition. */
function eigenResiduals(a: Float64Array, n: number): { reconstruction: number; orthogonality: number; values: Float64Array } {
  const { values, vectors } = symmetricEigen(a, n);
  const vd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) vd[i * n + k] = vectors[i * n + k] * values[k];
  const reconstruction = maxAbsDiff(matmul(vd, transpose(vectors, n), n), a);
  const vtv = matmul(transpose(vectors, n), vectors, n);
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  return { reconstruction, orthogonality: maxAbsDiff(vtv, identity), values };
}

describe('cholesky', () => {
  it('factors a small matrix by hand: [[4, 2], [2, 5]] = L·Lᵀ with L = [[2, 0], [1, 2]]', () => {
    expect(Array.from(cholesky([4, 2, 2, 5], 2))).toEqual([2, 0, 1, 2]);
  });

  it('reconstructs a random 8×8 SPD matrix to rounding, with a lower-triangular L and positive diagonal', () => {
    const n = 8;
    const a = randomSpd(n, 'chol');
    const l = cholesky(a, n);
    for (let i = 0; i < n; i++) {
      expect(l[i * n + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
    }
    // Backward error of Cholesky is O(n·ε)·‖A‖; entries of A here are O(10).
    expect(maxAbsDiff(matmul(l, transpose(l, n), n), a)).toBeLessThan(1e-12);
  });

  it('throws RangeError for indefinite, singular-semidefinite, non-square or non-finite input', () => {
    expect(() => cholesky([1, 2, 2, 1], 2)).toThrow(RangeError);
    expect(() => cholesky([1, 1, 1, 1], 2)).toThrow(RangeError); // PSD but singular
    expect(() => cholesky([1, 0, 0], 2)).toThrow(RangeError);
    expect(() => cholesky([1, NaN, NaN, 1], 2)).toThrow(RangeError);
    expect(Array.from(cholesky([], 0))).toEqual([]);
  });
});

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('finds the eigenpairs of [[2, 1], [1, 2]]: 1 with (1, −1)/√2 and 3 with (1, 1)/√2', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    const h = Math.SQRT1_2;
    // Column k is the eigenvector of values[k]; the sign rule makes the first largest entry positive.
    expect(maxAbsDiff(vectors, [h, h, -h, h])).toBeLessThan(1e-15);
  });

  it.each([3, 8, 25])('reconstructs a random symmetric %i×%i matrix with orthonormal vectors and ascending values', (n) => {
    const a = randomSymmetric(n, `eig-${n}`);
    const { reconstruction, orthogonality, values } = eigenResiduals(a, n);
    // Jacobi is backward stable: residuals are a small multiple of ε·‖A‖_F (‖A‖_F ≈ n here).
    expect(reconstruction).toBeLessThan(1e-13 * n);
    expect(orthogonality).toBeLessThan(1e-13 * n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 12);
  });

  it('handles repeated and zero eigenvalues (equicorrelation, a singular PSD matrix, the identity)', () => {
    // Equicorrelation ρ = 0.5 over 5 assets: eigenvalues 0.5 (×4) and 1 + 4·0.5 = 3.
    const rho = 0.5;
    const eq = new Float64Array(25).map((_, i) => (i % 6 === 0 ? 1 : rho));
    const e = eigenResiduals(eq, 5);
    expect(maxAbsDiff(e.values, [0.5, 0.5, 0.5, 0.5, 3])).toBeLessThan(1e-14);
    expect(e.orthogonality).toBeLessThan(1e-14);
    // Rank one: all ones (eigenvalues 0, 0, 0, 4).
    const ones = eigenResiduals(new Float64Array(16).fill(1), 4);
    expect(maxAbsDiff(ones.values, [0, 0, 0, 4])).toBeLessThan(1e-14);
    expect(ones.reconstruction).toBeLessThan(1e-14);
    const id = symmetricEigen([1, 0, 0, 1], 2);
    expect(Array.from(id.values)).toEqual([1, 1]);
    expect(id.sweeps).toBe(1);
  });

  it('rejects an asymmetric or malformed matrix with a RangeError', () => {
    expect(() => symmetricEigen([1, 0.5, 0.4, 1], 2)).toThrow(RangeError);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(RangeError);
    expect(() => symmetricEigen([1, 0, 0, Infinity], 2)).toThrow(RangeError);
  });
});

describe('nearestCorrelation', () => {
  // Higham (2002), §4: A = [[1, 1, 0], [1, 1, 1], [0, 1, 1]] (eigenvalues 1 − √2, 1, 1 + √2) has the nearest
  // correlation matrix [[1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]] (4 decimals).
  const a = [1, 1, 0, 1, 1, 1, 0, 1, 1];

  it("'higham' reproduces Higham's 3×3 example: PSD, unit diagonal, the published entries", () => {
    const r = nearestCorrelation(a, 3);
    expect(r.converged).toBe(true);
    const x = matrixToRows(r.matrix, 3);
    for (let i = 0; i < 3; i++) expect(x[i][i]).toBe(1);
    for (const [i, j] of [[0, 1], [1, 2]]) expect(Math.abs(x[i][j] - 0.7607)).toBeLessThan(5e-5);
    expect(Math.abs(x[0][2] - 0.1573)).toBeLessThan(5e-5);
    expect(maxAbsDiff(r.matrix, transpose(r.matrix, 3))).toBe(0);
    // The nearest point lies on the PSD boundary: λ_min ≈ 0 within the stopping tolerance.
    expect(symmetricEigen(r.matrix, 3).values[0]).toBeGreaterThan(-1e-10);
    // ‖A − X‖_F = sqrt(4(1 − x01)² + 2·x02²).
    expect(r.distance).toBeCloseTo(Math.sqrt(4 * (1 - x[0][1]) ** 2 + 2 * x[0][2] ** 2), 14);
  });

  it("is the nearest: no feasible matrix of the example's symmetric form is closer (grid search)", () => {
    // By the symmetry of A (reversing the order of the variables), the nearest correlation matrix has the form
    // [[1, u, v], [u, 1, u], [v, u, 1]]; scan (u, v) around the solution and keep the PSD ones.
    const best = nearestCorrelation(a, 3).distance;
    for (let u = 0.7; u <= 0.82; u += 0.002) {
      for (let v = 0.1; v <= 0.22; v += 0.002) {
        if (symmetricEigen([1, u, v, u, 1, u, v, u, 1], 3).values[0] < 0) continue;
        expect(Math.sqrt(4 * (1 - u) ** 2 + 2 * v * v)).toBeGreaterThan(best - 1e-9);
      }
    }
  });

  it("'clip' gives a valid correlation matrix that is farther than Higham's", () => {
    const clip = nearestCorrelation(a, 3, { method: 'clip' });
    const higham = nearestCorrelation(a, 3);
    expect(symmetricEigen(clip.matrix, 3).values[0]).toBeGreaterThan(-1e-12);
    for (let i = 0; i < 3; i++) expect(clip.matrix[i * 4]).toBe(1);
    expect(clip.distance).toBeGreaterThan(higham.distance + 1e-3);
  });

  it('is a no-op on a valid correlation matrix', () => {
    const valid = [1, 0.3, -0.2, 0.3, 1, 0.5, -0.2, 0.5, 1];
    for (const method of ['higham', 'clip'] as const) {
      const r = nearestCorrelation(valid, 3, { method });
      expect(Array.from(r.matrix)).toEqual(valid);
      expect([r.distance, r.iterations, r.converged]).toEqual([0, 0, true]);
    }
  });

  it('repairs a larger non-PSD matrix with an eigenvalue floor, keeping the unit diagonal', () => {
    // A random symmetric matrix with unit diagonal and off-diagonals in (−1, 1): far from PSD for n = 10.
    const n = 10;
    const rng = Rng.fromSeed('ncm-10');
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      m[i * n + i] = 1;
      for (let j = i + 1; j < n; j++) m[i * n + j] = m[j * n + i] = 2 * rng.uniform() - 1;
    }
    expect(symmetricEigen(m, n).values[0]).toBeLessThan(-0.5);
    const r = nearestCorrelation(m, n, { minEigenvalue: 1e-4 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(r.matrix[i * n + i]).toBe(1);
    expect(symmetricEigen(r.matrix, n).values[0]).toBeGreaterThan(1e-4 - 1e-9);
    expect(() => cholesky(r.matrix, n)).not.toThrow();
    expect(r.distance).toBeLessThan(nearestCorrelation(m, n, { method: 'clip', minEigenvalue: 1e-4 }).distance);
  });

  it('rejects bad input and options with a RangeError', () => {
    expect(() => nearestCorrelation([1, 0.2, 0.3, 1], 2)).toThrow(RangeError);
    expect(() => nearestCorrelation(a, 3, { minEigenvalue: 1 })).toThrow(RangeError);
    expect(() => nearestCorrelation(a, 3, { tol: 0 })).toThrow(RangeError);
  });
});

describe('correlationMatrix', () => {
  it('is the Pearson correlation: hand-computed 2×2 example', () => {
    // x − x̄ = (−1.5, −0.5, 0.5, 1.5), y − ȳ = (−3.25, −1.25, 0.75, 3.75): Sxy = 11.5, Sxx = 5, Syy = 26.75.
    const c = correlationMatrix([[1, 2, 3, 4], [2, 4, 6, 9]]);
    expect(c[0]).toBe(1);
    expect(c[3]).toBe(1);
    expect(c[1]).toBeCloseTo(11.5 / Math.sqrt(5 * 26.75), 14);
    expect(c[2]).toBe(c[1]);
  });

  it('is pairwise-complete, and can then be non-PSD; NaN marks undefined entries', () => {
    // x = y on rows 0–3, y = z on rows 4–7, x = −z on rows 8–11: pairwise correlations 1, 1, −1, which no
    // three random variables can have.
    const nan = NaN;
    const s = [1, 2, 4, 3];
    const x = [...s, nan, nan, nan, nan, ...s];
    const y = [...s, ...s, nan, nan, nan, nan];
    const z = [nan, nan, nan, nan, ...s, ...s.map((v) => -v)];
    const c = correlationMatrix([x, y, z]);
    expect(matrixToRows(c, 3).map((row) => row.map((v) => Math.round(v * 1e12) / 1e12))).toEqual([
      [1, 1, -1],
      [1, 1, 1],
      [-1, 1, 1],
    ]);
    expect(symmetricEigen(c, 3).values[0]).toBeLessThan(-0.5);
    const fixed = nearestCorrelation(c, 3);
    expect(symmetricEigen(fixed.matrix, 3).values[0]).toBeGreaterThan(-1e-10);
    const constant = correlationMatrix([[1, 2, 3], [5, 5, 5]]);
    expect([constant[0], constant[1], constant[3]]).toEqual([1, NaN, NaN]);
    expect(() => correlationMatrix([[1, 2], [1, 2, 3]])).toThrow(RangeError);
  });

  it('matrixFromRows and matrixToRows round-trip', () => {
    const rows = [
      [1, 0.5],
      [0.5, 1],
    ];
    expect(matrixToRows(matrixFromRows(rows), 2)).toEqual(rows);
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow(RangeError);
  });
});
