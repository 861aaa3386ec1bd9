import { ConfigError, DataError } from '../../core/errors.js';
import { eventId, sortEvents } from '../../data/calendar.js';
import type { CalendarEvent } from '../../data/calendar.js';
import { dayCell, optionalNumber, parseCsvTable, readText, standardiseSurprises, utcDay } from '../calendar-files.js';
import { newYorkToUtc } from '../ics.js';

/**
 * CPI releases from a monthly CPI index by reference month (`macro/us_cpi_monthly.csv` layout: `date`
 * `YYYY-MM-01` and `cpi_index`; other columns ignored; months consecutive).
 *
 * Events (`type: 'cpi'`, `importance: 'high'`, `scope: ['market']`, `scheduled: true`,
 * `source.ref: 'builder:cpi'`), one per reference month m:
 * - `actual` = the month-on-month change of the index, % (`100 · (I_m / I_{m−1} − 1)`, rounded to 1e-6). The
 *   file's series is CPI-U not seasonally adjusted, so this is not the seasonally adjusted headline figure
 *   markets trade on; the expectation model below carries the seasonal pattern instead.
 * - `previous` = the change of month m − 1.
 * - `consensus` = the mean change over the 12 months m−12..m−1, plus the calendar month's seasonal deviation:
 *   the mean, over the K = `seasonalYears` (default 5) previous years, of (change in month m − 12k − mean change
 *   over the 12 months before it). Every input is a month released before m's release (month m−1's CPI comes out
 *   in month m). Months without 12 · (K + 1) earlier changes get no event. `seasonalYears: 0` gives the plain
 *   trailing 12-month mean. On the file's 1990–2017 releases this model's error has standard deviation ≈ 0.31
 *   points against ≈ 0.34 for the plain mean.
 * - `surprise = −(actual − consensus) / σ`, σ the sample standard deviation of (actual − consensus) over the
 *   events returned (higher inflation than expected is bad for risk assets). Restrict the span with `from`/`to`
 *   when early decades should not set the scale.
 * - time: the release, by {@link cpiReleaseTime} unless `releaseTimes` holds a release instant in month m + 1.
 */
export interface CpiOptions {
  /** First reference month `YYYY-MM` inclusive (default: the first with enough history). */
  from?: string;
  /** Last reference month `YYYY-MM` inclusive. */
  to?: string;
  /** Years K of the seasonal term (default 5; 0 = none). */
  seasonalYears?: number;
  /** Known release instants (epoch ms, e.g. the `cpi` events of a schedule); used for the month they fall in. */
  releaseTimes?: readonly number[];
}

const REF = 'builder:cpi';

/**
 * The approximate release instant of the CPI for reference month (`year`, `month`): 08:30 New York time on the
 * first weekday on or after the 15th of the next month. BLS publishes its own schedule, which this only
 * approximates: against the 40 CPI releases 2014–2017 in the schedule file of ../shared the rule is exact for 8,
 * within 3 days for 31, 2.5 days off on average (it tends to be early) and 10 days off at worst (February 2015
 * CPI, released 2015-03-24). Federal holidays are not modelled.
 *
 * @example
 * cpiReleaseTime(2017, 11); // 2017-12-15 13:30 UTC (Friday the 15th, EST)
 */
export function cpiReleaseTime(year: number, month: number): number {
  const day = new Date(utcDay(year, month + 1, 15));
  const dow = day.getUTCDay();
  const shift = dow === 6 ? 2 : dow === 0 ? 1 : 0;
  const release = new Date(day.getTime() + shift * 86_400_000);
  return newYorkToUtc(release.getUTCFullYear(), release.getUTCMonth() + 1, release.getUTCDate(), 8, 30);
}

/** A month as an integer (year · 12 + month − 1) from `YYYY-MM`. */
function monthIndex(raw: string, name: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(raw);
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 12) throw new ConfigError(`cpi.${name}`, `${JSON.stringify(raw)} is not YYYY-MM`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/**
 * CPI release events from the index file (rules and expectation model: {@link CpiOptions}).
 *
 * @throws DataError naming the file, line and column of a bad date or index, or a gap between months;
 *   ConfigError for bad options
 * @example
 * const cpi = buildCpiCalendar('../shared/data/macro/us_cpi_monthly.csv', { from: '1990-01' });
 * cpi[0].text; // 'CPI 1990-01 m/m (NSA)'
 */
export function buildCpiCalendar(cpiFile: string, opts: CpiOptions = {}): CalendarEvent[] {
  const K = opts.seasonalYears ?? 5;
  if (!Number.isInteger(K) || K < 0) throw new ConfigError('cpi.seasonalYears', `must be an integer ≥ 0, got ${K}`);
  const from = opts.from === undefined ? -Infinity : monthIndex(opts.from, 'from');
  const to = opts.to === undefined ? Infinity : monthIndex(opts.to, 'to');

  const rows = parseCsvTable(readText(cpiFile), cpiFile, ['date', 'cpi_index']);
  const months: number[] = [];
  const index: number[] = [];
  for (const row of rows) {
    const d = new Date(dayCell(row, 'date', cpiFile));
    if (d.getUTCDate() !== 1) throw new DataError(cpiFile, row.line, 'date', 'expected the first day of a month (YYYY-MM-01)');
    const m = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (months.length > 0 && m !== months[months.length - 1] + 1) throw new DataError(cpiFile, row.line, 'date', 'months must be consecutive and increasing');
    const x = optionalNumber(row.get('cpi_index'), cpiFile, row.line, 'cpi_index');
    if (x === undefined || !(x > 0)) throw new DataError(cpiFile, row.line, 'cpi_index', 'index must be a number > 0');
    months.push(m);
    index.push(x);
  }

  // change[i]: % change from month i−1 to i (NaN for i = 0).
  const change = index.map((x, i) => (i === 0 ? NaN : 100 * (x / index[i - 1] - 1)));
  const trailingMean = (i: number) => {
    let sum = 0;
    for (let j = i - 12; j < i; j++) sum += change[j];
    return sum / 12;
  };
  const known = new Map<number, number>();
  for (const t of [...(opts.releaseTimes ?? [])].sort((a, b) => a - b)) {
    const d = new Date(t);
    const ref = d.getUTCFullYear() * 12 + d.getUTCMonth() - 1;
    if (!known.has(ref)) known.set(ref, t);
  }

  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const events: CalendarEvent[] = [];
  for (let i = 12 * (K + 1) + 1; i < index.length; i++) {
    const m = months[i];
    if (m < from || m > to) continue;
    let seasonal = 0;
    for (let k = 1; k <= K; k++) seasonal += (change[i - 12 * k] - trailingMean(i - 12 * k)) / K;
    const [year, month] = [Math.floor(m / 12), (m % 12) + 1];
    const label = `${year}-${String(month).padStart(2, '0')}`;
    const e = {
      time: known.get(m) ?? cpiReleaseTime(year, month),
      type: 'cpi',
      scope: ['market'],
      importance: 'high' as const,
      scheduled: true,
      actual: round(change[i]),
      consensus: round(trailingMean(i) + seasonal),
      previous: round(change[i - 1]),
      text: `CPI ${label} m/m (NSA)`,
      source: { kind: 'calendar' as const, ref: REF },
    };
    events.push({ ...e, id: eventId(e) });
  }
  return sortEvents(standardiseSurprises(events));
}
