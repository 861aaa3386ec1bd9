import type { NumericArray } from './descriptive.js';

/**
 * Small dense linear algebra for correlation work: Cholesky, the symmetric eigen-decomposition (cyclic
 * Jacobi), the nearest correlation matrix (Higham 2002) and the Pearson correlation matrix.
 *
 * Matrices are n×n, row-major, in one flat array: entry (i, j) is `a[i * n + j]`. Inputs may be any
 * `ArrayLike<number>` (a `Float64Array`, a `number[]`); outputs are fresh `Float64Array`s and inputs are
 * never modified. The sizes met here (a few to a few hundred assets) make O(n³) algorithms with simple loops
 * the right tool: Jacobi is slower than Householder + QR but short, accurate to a few ulps of ‖A‖, and gives
 * orthonormal eigenvectors by construction.
 *
 * Functions that need a symmetric matrix read the average (a_ij + a_ji)/2, so an input that is symmetric
 * up to rounding is fine, and throw a RangeError when it is asymmetric by more than 1e-9·max(1, |a_ij|).
 */

const EPS = 2 ** -52;
const SYMMETRY_TOL = 1e-9;

function checkSquare(a: NumericArray, n: number, fn: string): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${fn}: n must be an integer ≥ 0, got ${n}`);
  if (a.length !== n * n) throw new RangeError(`${fn}: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`${fn}: entry (${Math.floor(i / n)}, ${i % n}) is not finite: ${a[i]}`);
  }
}

/** A symmetric copy of `a` ((a + aᵀ)/2), after checking it is square, finite and symmetric within tolerance. */
function symmetricCopy(a: NumericArray, n: number, fn: string): Float64Array {
  checkSquare(a, n, fn);
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    s[i * n + i] = a[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const x = a[i * n + j];
      const y = a[j * n + i];
      if (Math.abs(x - y) > SYMMETRY_TOL * Math.max(1, Math.abs(x), Math.abs(y))) {
        throw new RangeError(`${fn}: matrix is not symmetric: (${i}, ${j}) = ${x} but (${j}, ${i}) = ${y}`);
      }
      s[i * n + j] = s[j * n + i] = 0.5 * (x + y);
    }
  }
  return s;
}

/**
 * Cholesky factor of a symmetric positive definite matrix: the lower-triangular L with positive diagonal
 * and A = L·Lᵀ (row-major; entries above the diagonal are 0). Reads the lower triangle only; the
 * Cholesky–Banachiewicz order, O(n³/3). Backward stable: the computed L satisfies L·Lᵀ = A + E with
 * |E| ≤ O(n·ε)·|L|·|Lᵀ|.
 *
 * @throws RangeError if `a` is not n×n with finite entries, or not positive definite (a pivot ≤ 0, which is
 *   also how a positive *semi*definite but singular matrix fails: use {@link symmetricEigen} for those).
 * @example
 * cholesky([4, 2, 2, 5], 2); // Float64Array [2, 0, 1, 2]
 */
export function cholesky(a: NumericArray, n: number): Float64Array {
  checkSquare(a, n, 'cholesky');
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** Eigenvalues and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** The n eigenvalues, ascending. */
  readonly values: Float64Array;
  /**
   * Orthonormal eigenvectors as the columns of an n×n row-major matrix: component i of the eigenvector of
   * `values[k]` is `vectors[i * n + k]`, so A = V·diag(values)·Vᵀ.
   */
  readonly vectors: Float64Array;
  /** Jacobi sweeps used (each sweep visits every off-diagonal pair once). */
  readonly sweeps: number;
}

/** Most cyclic Jacobi sweeps; convergence is quadratic and takes about 5–10 sweeps in practice. */
const MAX_SWEEPS = 100;

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, Matrix
 * Computations, §8.5): sweeps of plane rotations, each zeroing one off-diagonal pair, until a sweep finds
 * every |a_pq| ≤ ε·sqrt(|a_pp·a_qq|) (the Demmel–Veselić test, which also gives small eigenvalues of a positive
 * definite matrix to high relative accuracy) or ≤ ε²·‖A‖_F. The eigenvectors are the accumulated rotations,
 * orthonormal to rounding error. Each vector's sign is fixed so that its entry of largest magnitude (the first
 * such) is positive, so results do not depend on the rotation order.
 *
 * @throws RangeError if `a` is not n×n, finite and symmetric (see the module note), or if 100 sweeps do not
 *   converge (not observed for finite input).
 * @example
 * const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2); // values [1, 3]; vectors (row-major) ≈ [0.707, 0.707, −0.707, 0.707]
 */
export function symmetricEigen(a: NumericArray, n: number): SymmetricEigen {
  const m = symmetricCopy(a, n, 'symmetricEigen');
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let frob2 = 0;
  for (let i = 0; i < n * n; i++) frob2 += m[i] * m[i];
  const floor = EPS * EPS * Math.sqrt(frob2);

  let sweeps = 0;
  for (let rotated = true; rotated; ) {
    if (sweeps === MAX_SWEEPS) throw new RangeError(`symmetricEigen: no convergence after ${MAX_SWEEPS} sweeps`);
    rotated = false;
    sweeps++;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        if (Math.abs(apq) <= floor || Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app * aqq))) continue;
        rotated = true;
        // The rotation angle φ with t = tan φ the smaller root of t² + 2θt − 1 = 0, θ = cot 2φ = (a_qq − a_pp)/(2a_pq),
        // zeroes a_pq (Rutishauser's formulas, as in Numerical Recipes' `jacobi`).
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        m[p * n + p] = app - t * apq;
        m[q * n + q] = aqq + t * apq;
        m[p * n + q] = m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          if (k !== p && k !== q) {
            const akp = m[k * n + p];
            const akq = m[k * n + q];
            const kp = c * akp - s * akq;
            const kq = s * akp + c * akq;
            m[k * n + p] = m[p * n + k] = kp;
            m[k * n + q] = m[q * n + k] = kq;
          }
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => m[x * n + x] - m[y * n + y] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = m[src * n + src];
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(v[i * n + src]) > Math.abs(v[big * n + src])) big = i;
    const sign = v[big * n + src] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + k] = sign * v[i * n + src];
  });
  return { values, vectors, sweeps };
}

/** V·diag(d)·Vᵀ for an n×n row-major V whose columns are vectors (the inverse of {@link symmetricEigen}). */
function reconstruct(vectors: Float64Array, d: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * d[k] * vectors[j * n + k];
      out[i * n + j] = out[j * n + i] = s;
    }
  }
  return out;
}

/** Options of {@link nearestCorrelation}. */
export interface NearestCorrelationOptions {
  /**
   * `'higham'` (default): the nearest correlation matrix in the Frobenius norm, by Higham's alternating
   * projections with Dykstra's correction. `'clip'`: raise negative eigenvalues to the floor and rescale to unit
   * diagonal; one eigen-decomposition, cruder: a valid correlation matrix, but generally not the nearest one.
   */
  readonly method?: 'higham' | 'clip';
  /** Smallest eigenvalue the result may have (default 0: positive semidefinite). Must lie in [0, 1). */
  readonly minEigenvalue?: number;
  /** `'higham'` stops when successive iterates change by less than this, relative to their Frobenius norm (default 1e-12). */
  readonly tol?: number;
  /** `'higham'`: most iterations (default 10,000). */
  readonly maxIterations?: number;
}

/** Outcome of {@link nearestCorrelation}. */
export interface NearestCorrelationResult {
  /** The repaired n×n row-major matrix: symmetric, unit diagonal, eigenvalues ≥ `minEigenvalue` (see the method notes). */
  readonly matrix: Float64Array;
  /** Frobenius distance ‖A − X‖_F between the (symmetrised) input and the result. */
  readonly distance: number;
  /** Iterations run (0 when the input was already valid, 1 for `'clip'`). */
  readonly iterations: number;
  /** False only when `'higham'` stopped at `maxIterations` before meeting `tol`. */
  readonly converged: boolean;
}

function frobeniusDiff(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
  return Math.sqrt(s);
}

/** Projection onto {X : λ_min(X) ≥ floor}: eigenvalues below the floor are raised to it. */
function projectEigenFloor(x: Float64Array, n: number, floor: number): Float64Array {
  const { values, vectors } = symmetricEigen(x, n);
  if (values.length === 0 || values[0] >= floor) return x.slice();
  return reconstruct(vectors, values.map((l) => Math.max(l, floor)), n);
}

/**
 * The correlation matrix nearest to a symmetric matrix A, for repairing estimates that are not positive
 * semidefinite (pairwise-complete correlations, hand-edited or stressed matrices).
 *
 * `'higham'` (Higham 2002, "Computing the nearest correlation matrix — a problem from finance", IMA J.
 * Numer. Anal. 22, Algorithm 3.3 with W = I) minimises ‖A − X‖_F over the intersection of the closed convex
 * sets S = {X symmetric, λ_min(X) ≥ δ} and U = {X symmetric, diag(X) = 1} by Dykstra's alternating projections:
 * ΔS₀ = 0, Y₀ = A; then R_k = Y_{k−1} − ΔS_{k−1}, X_k = P_S(R_k), ΔS_k = X_k − R_k, Y_k = P_U(X_k). Dykstra's
 * correction ΔS is what makes the limit the *nearest* point of S ∩ U rather than just some point of it
 * (plain alternating projections would stop at a feasible but farther matrix). Convergence is linear; it
 * stops when X_k, Y_k and X_k − Y_k all change by less than `tol` relative to ‖Y_k‖_F, and returns Y_k, which
 * has an exactly unit diagonal and λ_min ≥ δ − O(tol).
 *
 * `'clip'` computes A = V·Λ·Vᵀ, raises every λ below δ to δ, and rescales X = V·Λ⁺·Vᵀ to unit diagonal
 * (D^{−1/2}·X·D^{−1/2}). It is a single decomposition and always valid for δ = 0, but it moves every entry
 * (including the well-estimated ones) and is not the nearest correlation matrix; with δ > 0 the rescaling can
 * leave λ_min slightly below δ.
 *
 * A matrix that is already a valid correlation matrix (unit diagonal to 1e-12, λ_min ≥ δ) is returned
 * unchanged (a copy), with distance 0 and 0 iterations.
 *
 * @throws RangeError if `a` is not n×n, finite and symmetric, or if an option is out of range.
 * @example
 * const { matrix, distance } = nearestCorrelation([1, 1, 0, 1, 1, 1, 0, 1, 1], 3);
 * // matrix ≈ [[1, 0.7607, 0.1573], [0.7607, 1, 0.7607], [0.1573, 0.7607, 1]], distance ≈ 0.5278
 */
export function nearestCorrelation(a: NumericArray, n: number, opts: NearestCorrelationOptions = {}): NearestCorrelationResult {
  const method = opts.method ?? 'higham';
  const delta = opts.minEigenvalue ?? 0;
  const tol = opts.tol ?? 1e-12;
  const maxIterations = opts.maxIterations ?? 10_000;
  if (method !== 'higham' && method !== 'clip') throw new RangeError(`nearestCorrelation: unknown method ${String(method)}`);
  if (!(delta >= 0 && delta < 1)) throw new RangeError(`nearestCorrelation: minEigenvalue must be in [0, 1), got ${delta}`);
  if (!(tol > 0)) throw new RangeError(`nearestCorrelation: tol must be > 0, got ${tol}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new RangeError(`nearestCorrelation: maxIterations must be an integer ≥ 1, got ${maxIterations}`);
  const sym = symmetricCopy(a, n, 'nearestCorrelation');

  let unitDiagonal = true;
  for (let i = 0; i < n; i++) if (Math.abs(sym[i * n + i] - 1) > 1e-12) unitDiagonal = false;
  if (unitDiagonal && (n === 0 || symmetricEigen(sym, n).values[0] >= delta)) {
    return { matrix: sym, distance: 0, iterations: 0, converged: true };
  }

  if (method === 'clip') {
    const x = projectEigenFloor(sym, n, delta);
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = 1 / Math.sqrt(x[i * n + i]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) x[i * n + j] = i === j ? 1 : x[i * n + j] * d[i] * d[j];
    return { matrix: x, distance: frobeniusDiff(sym, x), iterations: 1, converged: true };
  }

  let y: Float64Array = sym.slice();
  let x: Float64Array = sym.slice();
  const ds = new Float64Array(n * n);
  const r = new Float64Array(n * n);
  for (let k = 1; k <= maxIterations; k++) {
    for (let i = 0; i < r.length; i++) r[i] = y[i] - ds[i];
    const xNew = projectEigenFloor(r, n, delta);
    for (let i = 0; i < r.length; i++) ds[i] = xNew[i] - r[i];
    const yNew = xNew.slice();
    for (let i = 0; i < n; i++) yNew[i * n + i] = 1;
    let norm = 0;
    for (let i = 0; i < yNew.length; i++) norm += yNew[i] * yNew[i];
    norm = Math.sqrt(norm);
    const change = Math.max(frobeniusDiff(xNew, x), frobeniusDiff(yNew, y), frobeniusDiff(xNew, yNew)) / norm;
    x = xNew;
    y = yNew;
    if (change <= tol) return { matrix: y, distance: frobeniusDiff(sym, y), iterations: k, converged: true };
  }
  return { matrix: y, distance: frobeniusDiff(sym, y), iterations: maxIterations, converged: false };
}

/**
 * Pearson correlation matrix of equally long columns (one column per variable, one row per observation),
 * estimated pairwise-complete: entry (i, j) uses the rows where both columns are finite (`NaN` marks a
 * missing value), with means taken over those rows. Because pairs can use different rows, the result need
 * not be positive semidefinite when data are missing (repair it with {@link nearestCorrelation}); with no
 * missing values it is a Gram matrix and PSD up to rounding.
 *
 * @returns n×n row-major; entry (i, j) is `NaN` when the pair has fewer than 2 common rows or either column is
 *   constant over them (so the diagonal is 1, or `NaN` for a constant or near-empty column).
 * @throws RangeError if the columns differ in length.
 * @example
 * correlationMatrix([[1, 2, 3, 4], [2, 4, 6, 9]]); // [1, 0.9944, 0.9944, 1]
 */
export function correlationMatrix(columns: readonly NumericArray[]): Float64Array {
  const n = columns.length;
  const len = n > 0 ? columns[0].length : 0;
  for (const c of columns) if (c.length !== len) throw new RangeError(`correlationMatrix: columns differ in length (${c.length} vs ${len})`);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = columns[i];
      const y = columns[j];
      let count = 0;
      let mx = 0;
      let my = 0;
      for (let t = 0; t < len; t++) {
        if (Number.isFinite(x[t]) && Number.isFinite(y[t])) {
          count++;
          mx += x[t];
          my += y[t];
        }
      }
      let rho = NaN;
      if (count >= 2) {
        mx /= count;
        my /= count;
        let sxx = 0;
        let syy = 0;
        let sxy = 0;
        for (let t = 0; t < len; t++) {
          if (Number.isFinite(x[t]) && Number.isFinite(y[t])) {
            const dx = x[t] - mx;
            const dy = y[t] - my;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
          }
        }
        if (sxx > 0 && syy > 0) rho = i === j ? 1 : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
      }
      out[i * n + j] = out[j * n + i] = rho;
    }
  }
  return out;
}

/**
 * Flattens nested rows into an n×n row-major array (the shape of JSON configs and params).
 *
 * @throws RangeError if the rows are not square.
 * @example
 * matrixFromRows([[1, 0.5], [0.5, 1]]); // Float64Array [1, 0.5, 0.5, 1]
 */
export function matrixFromRows(rows: readonly (readonly number[])[]): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n * n);
  rows.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`matrixFromRows: row ${i} has ${row.length} entries, expected ${n}`);
    out.set(row, i * n);
  });
  return out;
}

/**
 * Nested rows (plain JSON) of an n×n row-major array.
 *
 * @example
 * matrixToRows(new Float64Array([1, 0.5, 0.5, 1]), 2); // [[1, 0.5], [0.5, 1]]
 */
export function matrixToRows(a: NumericArray, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => a[i * n + j]));
}
