/**
 * MacKinnon's response-surface approximations for Dickey-Fuller (τ) statistics: approximate p-values from
 * MacKinnon (1994) and finite-sample critical values from MacKinnon (2010). The coefficients are the
 * published ones, laid out (and scaled) as statsmodels' `tsa/adfvalues.py` does, so {@link mackinnonP}
 * and {@link mackinnonCrit} reproduce `mackinnonp` and `mackinnoncrit`.
 *
 * References:
 * - MacKinnon, J.G. (1994). "Approximate asymptotic distribution functions for unit-root and cointegration
 *   tests." Journal of Business & Economic Statistics 12(2), 167–176. Tables 3 and 4 (τ statistics).
 * - MacKinnon, J.G. (2010). "Critical values for cointegration tests." Queen's Economics Department Working
 *   Paper No. 1227, Table 2 (N = 1; the no-constant row is from MacKinnon 1996, as 2010 did not revisit it).
 *
 * `N` is the number of I(1) series: 1 for the (augmented) Dickey-Fuller test, up to 6 for Engle-Granger
 * cointegration residuals. The deterministic terms of the test regression are `n` (none), `c` (constant),
 * `ct` (constant and linear trend) and `ctt` (constant, linear and quadratic trend).
 */
import { normalCdf } from './distributions.js';

/** Deterministic terms of a Dickey-Fuller regression. */
export type DfRegression = 'n' | 'c' | 'ct' | 'ctt';

// MacKinnon (1994): τ below tau_min has p ≈ 0, above tau_max p ≈ 1; at or below tau_star the small-p
// polynomial applies, above it the large-p one. Index N − 1.
const TAU_STAR: Record<DfRegression, readonly number[]> = {
  n: [-1.04, -1.53, -2.68, -3.09, -3.07, -3.77],
  c: [-1.61, -2.62, -3.13, -3.47, -3.78, -3.93],
  ct: [-2.89, -3.19, -3.5, -3.65, -3.8, -4.36],
  ctt: [-3.21, -3.51, -3.81, -3.83, -4.12, -4.63],
};
const TAU_MIN: Record<DfRegression, readonly number[]> = {
  n: [-19.04, -19.62, -21.21, -23.25, -21.63, -25.74],
  c: [-18.83, -18.86, -23.48, -28.07, -25.96, -23.27],
  ct: [-16.18, -21.15, -25.37, -26.63, -26.53, -26.18],
  ctt: [-17.17, -21.1, -24.33, -24.03, -24.33, -28.22],
};
const TAU_MAX: Record<DfRegression, readonly number[]> = {
  n: [Infinity, 1.51, 0.86, 0.88, 1.05, 1.24],
  c: [2.74, 0.92, 0.55, 0.61, 0.79, 1],
  ct: [0.7, 0.63, 0.71, 0.93, 1.19, 1.42],
  ctt: [0.54, 0.79, 1.08, 1.43, 3.49, 1.92],
};

// Small-p coefficients (γ0, γ1, γ2) of p = Φ(γ0 + γ1·τ + γ2·τ²); the paper prints γ2 × 100.
const SMALL_P_SCALE = [1, 1, 1e-2] as const;
const TAU_SMALL_P: Record<DfRegression, readonly (readonly number[])[]> = {
  n: [
    [0.6344, 1.2378, 3.2496],
    [1.9129, 1.3857, 3.5322],
    [2.7648, 1.4502, 3.4186],
    [3.4336, 1.4835, 3.19],
    [4.0999, 1.5533, 3.59],
    [4.5388, 1.5344, 2.9807],
  ],
  c: [
    [2.1659, 1.4412, 3.8269],
    [2.92, 1.5012, 3.9796],
    [3.4699, 1.4856, 3.164],
    [3.9673, 1.4777, 2.6315],
    [4.5509, 1.5338, 2.9545],
    [5.1399, 1.6036, 3.4445],
  ],
  ct: [
    [3.2512, 1.6047, 4.9588],
    [3.6646, 1.5419, 3.6448],
    [4.0983, 1.5173, 2.9898],
    [4.5844, 1.5338, 2.8796],
    [5.0722, 1.5634, 2.9472],
    [5.53, 1.5914, 3.0392],
  ],
  ctt: [
    [4.0003, 1.658, 4.8288],
    [4.3534, 1.6016, 3.7947],
    [4.7343, 1.5768, 3.2396],
    [5.214, 1.6077, 3.3449],
    [5.6481, 1.6274, 3.3455],
    [5.9296, 1.5929, 2.8223],
  ],
};

// Large-p coefficients (γ0..γ3) of p = Φ(γ0 + γ1·τ + γ2·τ² + γ3·τ³); printed as γ1, γ2 × 10 and γ3 × 100.
const LARGE_P_SCALE = [1, 1e-1, 1e-1, 1e-2] as const;
const TAU_LARGE_P: Record<DfRegression, readonly (readonly number[])[]> = {
  n: [
    [0.4797, 9.3557, -0.6999, 3.3066],
    [1.5578, 8.558, -2.083, -3.3549],
    [2.2268, 6.8093, -3.2362, -5.4448],
    [2.7654, 6.4502, -3.0811, -4.4946],
    [3.2684, 6.8051, -2.6778, -3.4972],
    [3.7268, 7.167, -2.3648, -2.8288],
  ],
  c: [
    [1.7339, 9.3202, -1.2745, -1.0368],
    [2.1945, 6.4695, -2.9198, -4.2377],
    [2.5893, 4.5168, -3.6529, -5.0074],
    [3.0387, 4.5452, -3.3666, -4.1921],
    [3.5049, 5.2098, -2.9158, -3.3468],
    [3.9489, 5.8933, -2.5359, -2.721],
  ],
  ct: [
    [2.5261, 6.1654, -3.7956, -6.0285],
    [2.85, 5.272, -3.6622, -5.1695],
    [3.221, 5.255, -3.2685, -4.1501],
    [3.652, 5.9758, -2.7483, -3.2081],
    [4.0712, 6.6428, -2.3464, -2.546],
    [4.4735, 7.1757, -2.0681, -2.1196],
  ],
  ctt: [
    [3.0778, 4.9529, -4.1477, -5.9359],
    [3.4713, 5.967, -3.2507, -4.2286],
    [3.8637, 6.7852, -2.6286, -3.1381],
    [4.2736, 7.6199, -2.1534, -2.4026],
    [4.6679, 8.2618, -1.822, -1.9147],
    [5.0009, 8.3735, -1.6994, -1.6928],
  ],
};

// MacKinnon (2010), N = 1: critical value at each level = β∞ + β1/T + β2/T² + β3/T³ for T observations.
const TAU_2010_N1: Record<DfRegression, readonly (readonly [number, number, number, number])[]> = {
  n: [
    [-2.56574, -2.2358, -3.627, 0], // 1 %
    [-1.941, -0.2686, -3.365, 31.223], // 5 %
    [-1.61682, 0.2656, -2.714, 25.364], // 10 %
  ],
  c: [
    [-3.43035, -6.5393, -16.786, -79.433],
    [-2.86154, -2.8903, -4.234, -40.04],
    [-2.56677, -1.5384, -2.809, 0],
  ],
  ct: [
    [-3.95877, -9.0531, -28.428, -134.155],
    [-3.41049, -4.3904, -9.036, -45.374],
    [-3.12705, -2.5856, -3.925, -22.38],
  ],
  ctt: [
    [-4.37113, -11.5882, -35.819, -334.047],
    [-3.83239, -5.9057, -12.49, -118.284],
    [-3.55326, -3.6596, -5.293, -63.559],
  ],
};

/** Critical values of the τ statistic at the 1 %, 5 % and 10 % levels. */
export interface DfCriticalValues {
  readonly '1%': number;
  readonly '5%': number;
  readonly '10%': number;
}

/**
 * MacKinnon's (1994) approximate asymptotic p-value of a Dickey-Fuller τ statistic (left tail: small τ
 * rejects the unit root): 0 below `tau_min`, 1 above `tau_max`, otherwise Φ of the small-p quadratic (τ ≤
 * `tau_star`) or the large-p cubic. Equals statsmodels `mackinnonp(tau, regression, N)`.
 *
 * @param n number of I(1) series, 1..6 (1 for the ADF test).
 * @throws RangeError if `n` is outside 1..6.
 * @example
 * mackinnonP(-2.8621, 'c'); // ≈ 0.05
 */
export function mackinnonP(tau: number, regression: DfRegression = 'c', n = 1): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= 6)) throw new RangeError(`mackinnonP: N must be 1..6, got ${n}`);
  const i = n - 1;
  if (tau > TAU_MAX[regression][i]) return 1;
  if (tau < TAU_MIN[regression][i]) return 0;
  const [coef, scale] =
    tau <= TAU_STAR[regression][i]
      ? [TAU_SMALL_P[regression][i], SMALL_P_SCALE]
      : [TAU_LARGE_P[regression][i], LARGE_P_SCALE];
  // Horner from the highest power, as numpy's polyval evaluates.
  let s = 0;
  for (let j = coef.length - 1; j >= 0; j--) s = s * tau + coef[j] * scale[j];
  return normalCdf(s);
}

/**
 * MacKinnon's (2010) critical values of the τ statistic for N = 1 (the Dickey-Fuller test), with the
 * finite-sample correction for `nobs` observations in the test regression (statsmodels passes the
 * regression's sample size, after lags are trimmed). `nobs = Infinity` gives the asymptotic values.
 * Equals statsmodels `mackinnoncrit(N=1, regression, nobs)`.
 *
 * @throws RangeError if `nobs` is not positive.
 * @example
 * mackinnonCrit('c', 5083); // { '1%': -3.43164, '5%': -2.86211, '10%': -2.56707 }
 */
export function mackinnonCrit(regression: DfRegression = 'c', nobs = Infinity): DfCriticalValues {
  if (!(nobs > 0)) throw new RangeError(`mackinnonCrit: nobs must be positive, got ${nobs}`);
  const rows = TAU_2010_N1[regression];
  const at = (row: readonly [number, number, number, number]): number => {
    if (nobs === Infinity) return row[0];
    const x = 1 / nobs;
    return ((row[3] * x + row[2]) * x + row[1]) * x + row[0];
  };
  return { '1%': at(rows[0]), '5%': at(rows[1]), '10%': at(rows[2]) };
}
