import { eventsWithin, type CalendarEvent } from './calendar.js';
/**
 * Price bars as typed-array columns. `time` is epoch milliseconds (UTC), strictly increasing. Prices are in
 * the series' currency; `volume` in shares (or contracts); `spread`, when present, is the quoted bid-ask
 * spread as a fraction of price (0.0002 = 2 bps).
 */
export interface Bars {
  readonly symbol: string;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly spread?: Float64Array;
  readonly length: number;
  /**
   * The series' calendar, when it has one: real history's events, or a synthetic path's drawn events
   * (labels beside the data). Sorted by time; see src/data/calendar.ts for when each part is visible.
   */
  readonly events?: readonly CalendarEvent[];
}

/** Aligned multi-asset bars: every member has the same `time` column. */
export type Panel = Bars[];

/** Column names of {@link Bars} that hold per-bar numbers. */
export const BAR_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * A view of bars [start, end) sharing memory with the source (typed-array `subarray`).
 *
 * @example
 * const train = sliceBars(bars, 0, 1000);
 */
export function sliceBars(bars: Bars, start: number, end: number): Bars {
  if (!(start >= 0 && end <= bars.length && start <= end)) {
    throw new RangeError(`sliceBars(${start}, ${end}) outside [0, ${bars.length}]`);
  }
  return {
    symbol: bars.symbol,
    time: bars.time.subarray(start, end),
    open: bars.open.subarray(start, end),
    high: bars.high.subarray(start, end),
    low: bars.low.subarray(start, end),
    close: bars.close.subarray(start, end),
    volume: bars.volume.subarray(start, end),
    ...(bars.spread ? { spread: bars.spread.subarray(start, end) } : {}),
    length: end - start,
    ...(bars.events ? { events: eventsWithin(bars.events, bars.time, start, end) } : {}),
  };
}

/** Allocates empty bars of a given length (all zeros), for generators to fill. */
export function allocBars(symbol: string, length: number, withSpread = false): Bars {
  return {
    symbol,
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    ...(withSpread ? { spread: new Float64Array(length) } : {}),
    length,
  };
}

/** Close-to-close log returns: out[i] = ln(close[i+1] / close[i]), length n-1. */
export function logReturns(bars: Bars): Float64Array {
  const out = new Float64Array(Math.max(0, bars.length - 1));
  for (let i = 0; i < out.length; i++) out[i] = Math.log(bars.close[i + 1] / bars.close[i]);
  return out;
}

/** Milliseconds in one day; bars step over weekdays when generators invent calendars. */
export const DAY_MS = 86_400_000;

/** Annualisation factor for daily bars (trading days per year). */
export const TRADING_DAYS_PER_YEAR = 252;
