import type { Bars } from '../data/bars.js';
import { logReturns } from '../data/bars.js';
import { RlError } from '../core/errors.js';
import { adf } from './adf.js';
import { archLm } from './arch-lm.js';
import { autocorrelation, excessKurtosis, mean, skewness, std } from './descriptive.js';
import { ljungBox } from './ljung-box.js';
import { jarqueBera, ksNormal } from './normality.js';
import { hill, leverageCorrelation } from './tails.js';

/**
 * The stylised-facts battery of one price series, on close-to-close log returns r (decimals). Every entry
 * follows the scipy/statsmodels convention its reference test pins (src/stats/reference.test.ts): moments
 * biased (scipy's default); Ljung-Box on r and r² at lags 10 and 20; ARCH-LM with 12 lags on r − mean(r);
 * ADF (constant, lag by AIC) on r and on ln P; KS of standardised r against N(0, 1); Hill tail index at the
 * top 5%; ACF of r and |r| at lags 1, 5, 10 (volatility clustering shows in |r|); leverage effect
 * corr(r_t, r²_{t+k}) at k = 1..5 (negative for equities).
 */
export interface StatsBattery {
  n: number;
  mean: number;
  std: number;
  skew: number;
  excessKurtosis: number;
  min: number;
  max: number;
  jarqueBera: { stat: number; pvalue: number };
  ksNormal: { stat: number; pvalue: number };
  ljungBox: { lag10: { q: number; pvalue: number }; lag20: { q: number; pvalue: number } };
  ljungBoxSquared: { lag10: { q: number; pvalue: number }; lag20: { q: number; pvalue: number } };
  archLm12: { lm: number; pvalue: number };
  adfReturns: { stat: number; pvalue: number; usedLag: number };
  adfLogPrice: { stat: number; pvalue: number; usedLag: number };
  hillAlpha: { loss: number; gain: number; abs: number };
  acfReturns: { lag1: number; lag5: number; lag10: number };
  acfAbsReturns: { lag1: number; lag5: number; lag10: number };
  leverage: number[];
}

/** Fewest bars the battery accepts (ADF's lag search and Hill's top 5% need a few hundred). */
export const BATTERY_MIN_BARS = 100;

/**
 * Computes the battery for one series.
 *
 * @example
 * const b = statsBattery(loadBuiltinSp500()); b.archLm12.pvalue; // ≈ 0: volatility clusters
 * @throws RlError (E_TOO_SHORT) with fewer than {@link BATTERY_MIN_BARS} bars.
 */
export function statsBattery(bars: Bars): StatsBattery {
  if (bars.length < BATTERY_MIN_BARS) throw new RlError(`the statistics battery needs at least ${BATTERY_MIN_BARS} bars, got ${bars.length}`, 'E_TOO_SHORT');
  const r = logReturns(bars);
  const r2 = r.map((x) => x * x);
  const absR = r.map(Math.abs);
  const logPrice = bars.close.map(Math.log);
  const m = mean(r);
  const lb = ljungBox(r, [10, 20]);
  const lb2 = ljungBox(r2, [10, 20]);
  const arch = archLm(r.map((x) => x - m), 12);
  const adfR = adf(r);
  const adfP = adf(logPrice);
  const ks = ksNormal(r);
  const jb = jarqueBera(r);
  let [min, max] = [Infinity, -Infinity];
  for (const x of r) [min, max] = [Math.min(min, x), Math.max(max, x)];
  return {
    n: r.length,
    mean: m,
    std: std(r),
    skew: skewness(r),
    excessKurtosis: excessKurtosis(r),
    min,
    max,
    jarqueBera: { stat: jb.stat, pvalue: jb.pvalue },
    ksNormal: { stat: ks.stat, pvalue: ks.pvalue },
    ljungBox: { lag10: { q: lb[0].q, pvalue: lb[0].pvalue }, lag20: { q: lb[1].q, pvalue: lb[1].pvalue } },
    ljungBoxSquared: { lag10: { q: lb2[0].q, pvalue: lb2[0].pvalue }, lag20: { q: lb2[1].q, pvalue: lb2[1].pvalue } },
    archLm12: { lm: arch.lm, pvalue: arch.lmPvalue },
    adfReturns: { stat: adfR.stat, pvalue: adfR.pvalue, usedLag: adfR.usedLag },
    adfLogPrice: { stat: adfP.stat, pvalue: adfP.pvalue, usedLag: adfP.usedLag },
    hillAlpha: { loss: hill(r, { tail: 'loss' }).alpha, gain: hill(r, { tail: 'gain' }).alpha, abs: hill(r, { tail: 'abs' }).alpha },
    acfReturns: { lag1: autocorrelation(r, 1), lag5: autocorrelation(r, 5), lag10: autocorrelation(r, 10) },
    acfAbsReturns: { lag1: autocorrelation(absR, 1), lag5: autocorrelation(absR, 5), lag10: autocorrelation(absR, 10) },
    leverage: Array.from(leverageCorrelation(r, 5)),
  };
}

/** The battery's scalar entries as `[name, value]` rows, in display order (nested keys joined by dots). */
export function batteryRows(b: StatsBattery): [string, number][] {
  const rows: [string, number][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'number') rows.push([prefix, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(`${prefix}.lag${i + 1}`, x));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
  };
  walk('', b);
  return rows;
}
