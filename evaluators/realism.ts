import type { Bars, Panel } from '../src/data/bars.js';
import { logReturns, sliceBars } from '../src/data/bars.js';
import { batteryRows, statsBattery } from '../src/stats/battery.js';
import { quantile } from '../src/stats/descriptive.js';
import { mmdRbf } from '../src/stats/mmd.js';

/** One statistic of the battery: the real series' value beside the distribution over synthetic paths. */
export interface RealismRow {
  statistic: string;
  real: number | null;
  syntheticMedian: number;
  synthetic05: number;
  synthetic95: number;
  /** Whether the real value lies in the synthetic paths' 5–95% range (null without a real series). */
  realInBand: boolean | null;
}

export interface RealismReport {
  paths: number;
  /** Non-overlapping real windows of the synthetic path length whose median is the `real` column. */
  realWindows: number;
  rows: RealismRow[];
  /** Fraction of statistics whose real value lies inside the synthetic 5–95% band. */
  coverage: number | null;
  /** Unbiased MMD² (RBF kernel, median-heuristic bandwidth) between pooled synthetic and real daily returns. */
  mmd2Returns: number | null;
}

/** At most this many returns per side enter the MMD (evenly spaced, so the result is deterministic). */
const MMD_SAMPLE = 2000;

/**
 * Compares synthetic paths with a real series on the statistics battery (src/stats/battery.ts): each
 * statistic is computed per path, summarised by its median and 5–95% range across paths, and set beside
 * the real value. Test statistics grow with the sample size (Ljung-Box Q, ARCH-LM, Jarque-Bera), so the
 * real series is cut into non-overlapping windows of the synthetic path length (the most recent ones) and
 * the real value is the median over those windows; a real series shorter than a path is used whole. The
 * first asset of each path is used.
 *
 * @example
 * const report = compareRealism(readDatasetPaths(dir), loadBars('builtin'));
 * report.coverage; // share of stylised facts the generator reproduces within its own path-to-path spread
 */
export function compareRealism(paths: readonly Panel[], real: Bars | null): RealismReport {
  const perPath = paths.map((panel) => batteryRows(statsBattery(panel[0])));
  const windows = real ? realWindows(real, paths[0][0].length) : [];
  const realPerWindow = windows.map((w) => batteryRows(statsBattery(w)));
  const realRows = real ? new Map(realPerWindow[0].map(([k], i) => [k, quantile(Float64Array.from(realPerWindow.map((r) => r[i][1])), 0.5)])) : null;
  const rows: RealismRow[] = perPath[0].map(([statistic], i) => {
    const values = Float64Array.from(perPath.map((r) => r[i][1])).filter(Number.isFinite);
    const r = realRows?.get(statistic);
    const [lo, mid, hi] = values.length > 0 ? [quantile(values, 0.05), quantile(values, 0.5), quantile(values, 0.95)] : [NaN, NaN, NaN];
    return {
      statistic,
      real: r ?? null,
      syntheticMedian: mid,
      synthetic05: lo,
      synthetic95: hi,
      realInBand: r === undefined ? null : r >= lo && r <= hi,
    };
  });
  const judged = rows.filter((r) => r.realInBand !== null);
  return {
    paths: paths.length,
    realWindows: windows.length,
    rows,
    coverage: judged.length > 0 ? judged.filter((r) => r.realInBand).length / judged.length : null,
    mmd2Returns: real ? mmdRbf(evenSample(pooledReturns(paths), MMD_SAMPLE), evenSample(logReturns(real), MMD_SAMPLE)).mmd2 : null,
  };
}

/** The most recent non-overlapping windows of `length` bars (at least one: the whole series if shorter). */
function realWindows(real: Bars, length: number): Bars[] {
  const count = Math.max(1, Math.floor(real.length / length));
  if (count === 1 && real.length < 2 * length) return [real.length > length ? sliceBars(real, real.length - length, real.length) : real];
  return Array.from({ length: count }, (_, k) => sliceBars(real, real.length - (k + 1) * length, real.length - k * length)).reverse();
}

function pooledReturns(paths: readonly Panel[]): Float64Array {
  const all = paths.map((p) => logReturns(p[0]));
  const out = new Float64Array(all.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of all) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function evenSample(x: Float64Array, k: number): Float64Array {
  if (x.length <= k) return x;
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) out[i] = x[Math.floor((i * x.length) / k)];
  return out;
}
