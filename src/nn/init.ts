import { RlError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

/**
 * A seeded orthogonal matrix, as `torch.nn.init.orthogonal_` (Saxe et al. 2014) builds it: a Gaussian
 * matrix is orthonormalised by Gram–Schmidt (QR with a positive diagonal of R) and scaled by `gain`.
 * Returned row-major as `[rows × cols]`, the `[in × out]` layout `x · W` uses: a tall matrix (rows ≥ cols)
 * has orthonormal columns (WᵀW = gain²·I), a wide one orthonormal rows (WWᵀ = gain²·I).
 *
 * @example
 * const w = orthogonal(64, 2, 0.01, rng.fork('head')); // policy head, SB3's gain
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const k = tall ? cols : rows;
  // k Gaussian columns of length m, orthonormalised in double precision.
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = rng.fillNormal(new Float64Array(m)) as Float64Array;
    // Modified Gram–Schmidt, twice ("twice is enough", Giraud et al. 2005) for orthogonality to rounding.
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-10)) throw new RlError('orthogonal init: degenerate Gaussian draw', 'E_NUMERIC');
    for (let i = 0; i < m; i++) v[i] /= norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c][r] : q[r][c]);
  }
  return out;
}
