/**
 * Maximum mean discrepancy (Gretton et al. 2012) between two univariate samples with a Gaussian (RBF)
 * kernel: a two-sample distance that is zero exactly when the distributions are equal, used to score how
 * close synthetic returns are to real ones.
 *
 * With k(a, b) = exp(−(a − b)²/(2σ²)), the unbiased estimator of MMD² for samples x (size m) and y (size n) is
 *   MMD²ᵤ = 1/(m(m−1))·Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1))·Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn)·Σ_{i,j} k(xᵢ, yⱼ).
 * It is unbiased, so it can be slightly negative when the distributions are equal. The default bandwidth σ
 * is the median heuristic: the median of |zᵢ − zⱼ| over all pairs of the pooled sample.
 */
import type { Rng } from '../core/rng.js';
import type { NumericArray } from './descriptive.js';

/** Options of {@link mmdRbf}. */
export interface MmdOptions {
  /** Kernel bandwidth σ > 0, in the units of the data. Default: {@link medianPairwiseDistance} of the pooled sample. */
  readonly bandwidth?: number;
}

/** Result of {@link mmdRbf}. */
export interface MmdResult {
  /** The unbiased MMD² estimate (dimensionless; kernel values are in [0, 1]). */
  readonly mmd2: number;
  /** The bandwidth σ used. */
  readonly bandwidth: number;
}

/** Result of {@link mmdPermutationTest}. */
export interface MmdTestResult extends MmdResult {
  /** (1 + #{permutations with MMD² ≥ observed})/(1 + permutations): a valid p-value for H₀: same distribution. */
  readonly pvalue: number;
  readonly permutations: number;
}

/** Largest pooled sample {@link mmdPermutationTest} accepts: its kernel matrix holds N(N−1)/2 doubles (64 MB at 4000). */
export const MMD_PERMUTATION_MAX_SAMPLE = 4000;

function pooled(x: NumericArray, y: NumericArray): Float64Array {
  const z = new Float64Array(x.length + y.length);
  for (let i = 0; i < x.length; i++) z[i] = x[i];
  for (let j = 0; j < y.length; j++) z[x.length + j] = y[j];
  return z;
}

/** Number of pairs i < j of the sorted array with s[j] − s[i] ≤ d (two pointers, O(N)). */
function countPairsWithin(s: Float64Array, d: number): number {
  let count = 0;
  let i = 0;
  for (let j = 1; j < s.length; j++) {
    while (s[j] - s[i] > d) i++;
    count += j - i;
  }
  return count;
}

/** The k-th smallest (1-based) pairwise difference of the sorted array, by bisection on its value. */
function kthPairwiseDistance(s: Float64Array, k: number): number {
  let lo = 0;
  let hi = s[s.length - 1] - s[0];
  if (countPairsWithin(s, lo) >= k) return 0;
  // Invariant: count(lo) < k ≤ count(hi). The count only steps at computed differences s[j] − s[i], so when
  // lo and hi are adjacent doubles, hi is exactly the k-th difference.
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (countPairsWithin(s, mid) >= k) hi = mid;
    else lo = mid;
  }
}

/**
 * The median of |zᵢ − zⱼ| over all N(N−1)/2 pairs i < j of the pooled sample z = x ∪ y (numpy's median:
 * the mean of the two middle values when the count is even). Computed exactly in O(N log N) time and O(N)
 * memory by selecting on the value, without materialising the pairs.
 *
 * @param y optional second sample, pooled with x.
 * @returns `NaN` for fewer than two values.
 * @example
 * medianPairwiseDistance([0, 1, 3]); // pairs 1, 3, 2 → 2
 */
export function medianPairwiseDistance(x: NumericArray, y: NumericArray = []): number {
  const s = pooled(x, y).sort();
  const N = s.length;
  if (N < 2) return NaN;
  if (Number.isNaN(s[N - 1])) throw new RangeError('medianPairwiseDistance of data containing NaN');
  const pairs = (N * (N - 1)) / 2;
  if (pairs % 2 === 1) return kthPairwiseDistance(s, (pairs + 1) / 2);
  return (kthPairwiseDistance(s, pairs / 2) + kthPairwiseDistance(s, pairs / 2 + 1)) / 2;
}

function resolveBandwidth(x: NumericArray, y: NumericArray, bandwidth: number | undefined): number {
  const sigma = bandwidth ?? medianPairwiseDistance(x, y);
  if (!(sigma > 0 && Number.isFinite(sigma))) {
    throw new RangeError(`mmd bandwidth must be finite and > 0, got ${sigma}${bandwidth === undefined ? ' from the median heuristic (too many ties: pass one)' : ''}`);
  }
  return sigma;
}

/**
 * The unbiased MMD² between samples x and y with an RBF kernel (see the module comment), in O(m² + n² + mn)
 * time with plain loops and O(1) extra memory.
 *
 * @throws RangeError if either sample has fewer than 2 values or the bandwidth is not positive.
 * @example
 * mmdRbf(realReturns, syntheticReturns).mmd2; // ≈ 0 if the generator matches the marginal distribution
 */
export function mmdRbf(x: NumericArray, y: NumericArray, options: MmdOptions = {}): MmdResult {
  const m = x.length;
  const n = y.length;
  if (m < 2 || n < 2) throw new RangeError(`mmdRbf needs at least 2 values per sample, got ${m} and ${n}`);
  const bandwidth = resolveBandwidth(x, y, options.bandwidth);
  const gamma = 1 / (2 * bandwidth * bandwidth);
  let sxx = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const d = x[i] - x[j];
      sxx += Math.exp(-gamma * d * d);
    }
  }
  let syy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = y[i] - y[j];
      syy += Math.exp(-gamma * d * d);
    }
  }
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const d = x[i] - y[j];
      sxy += Math.exp(-gamma * d * d);
    }
  }
  const mmd2 = (2 * sxx) / (m * (m - 1)) + (2 * syy) / (n * (n - 1)) - (2 * sxy) / (m * n);
  return { mmd2, bandwidth };
}

/**
 * A permutation test of H₀: x and y come from the same distribution, with the unbiased RBF MMD² as the
 * statistic. The pooled sample is relabelled `permutations` times with `rng`; the bandwidth is fixed from
 * the pooled sample (it is permutation-invariant), so the test is exact up to Monte Carlo error. The pooled
 * kernel matrix is computed once, so each permutation costs N²/2 additions and no exponentials.
 *
 * @param permutations number of relabellings, default 200; the smallest attainable p-value is 1/(permutations + 1).
 * @throws RangeError if a sample has fewer than 2 values, m + n > {@link MMD_PERMUTATION_MAX_SAMPLE}, or
 *   `permutations` is not a positive integer.
 * @example
 * mmdPermutationTest(Rng.fromSeed(1), real, synthetic, { permutations: 500 }).pvalue; // small: distinguishable
 */
export function mmdPermutationTest(rng: Rng, x: NumericArray, y: NumericArray, options: MmdOptions & { permutations?: number } = {}): MmdTestResult {
  const m = x.length;
  const n = y.length;
  const N = m + n;
  const permutations = options.permutations ?? 200;
  if (m < 2 || n < 2) throw new RangeError(`mmdPermutationTest needs at least 2 values per sample, got ${m} and ${n}`);
  if (N > MMD_PERMUTATION_MAX_SAMPLE) throw new RangeError(`mmdPermutationTest accepts at most ${MMD_PERMUTATION_MAX_SAMPLE} pooled values, got ${N}`);
  if (!(Number.isInteger(permutations) && permutations >= 1)) throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
  const bandwidth = resolveBandwidth(x, y, options.bandwidth);
  const gamma = 1 / (2 * bandwidth * bandwidth);
  const z = pooled(x, y);
  const kernel = new Float64Array((N * (N - 1)) / 2); // row-major upper triangle, pairs i < j
  let total = 0;
  for (let i = 0, p = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++, p++) {
      const d = z[i] - z[j];
      kernel[p] = Math.exp(-gamma * d * d);
      total += kernel[p];
    }
  }
  const inX = new Uint8Array(N);
  const statistic = (): number => {
    let sxx = 0;
    let syy = 0;
    for (let i = 0, p = 0; i < N; i++) {
      const xi = inX[i];
      for (let j = i + 1; j < N; j++, p++) {
        if (xi & inX[j]) sxx += kernel[p];
        else if ((xi | inX[j]) === 0) syy += kernel[p];
      }
    }
    const sxy = total - sxx - syy;
    return (2 * sxx) / (m * (m - 1)) + (2 * syy) / (n * (n - 1)) - (2 * sxy) / (m * n);
  };
  inX.fill(1, 0, m);
  const observed = statistic();
  let atLeast = 0;
  for (let b = 0; b < permutations; b++) {
    const perm = rng.permutation(N);
    inX.fill(0);
    for (let i = 0; i < m; i++) inX[perm[i]] = 1;
    if (statistic() >= observed) atLeast++;
  }
  return { mmd2: observed, bandwidth, pvalue: (1 + atLeast) / (1 + permutations), permutations };
}
