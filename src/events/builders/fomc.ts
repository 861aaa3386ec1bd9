import { ConfigError, DataError } from '../../core/errors.js';
import { eventId, sortEvents } from '../../data/calendar.js';
import type { CalendarEvent } from '../../data/calendar.js';
import { dayCell, optionalNumber, parseCsvTable, parseIsoDay, readText, standardiseSurprises } from '../calendar-files.js';
import { newYorkToUtc } from '../ics.js';

/**
 * FOMC rate decisions from FRED's daily rates and a list of FOMC meeting dates.
 *
 * Inputs:
 * - rates CSV (`macro/us_rates_daily_fred.csv` layout): `date` and `dfedtar` (the federal funds target, until
 *   2008-12-15), `dfedtarl`/`dfedtaru` (the target range, from 2008-12-16), `dgs3mo` (3-month Treasury bill,
 *   constant maturity, %); other columns are ignored. Empty = no value. The policy level of a day is the
 *   target, or the range's upper bound once there is a range.
 * - meetings CSV with a `date` column (one row per meeting day, the decision day for two-day meetings).
 *
 * Events (`type: 'fomc'`, `importance: 'high'`, `scope: ['market']`, `source.ref: 'builder:fomc'`):
 * - one per meeting, `scheduled: true`: `previous` = the policy level on the last day before the meeting,
 *   `actual` = the level after any change dated on the meeting day or the day after (FRED dates some range
 *   changes by their effective day, e.g. 2017-03-16 for the 2017-03-15 decision);
 * - one per change of the level not matched to a meeting (intermeeting moves such as 2001-01-03),
 *   `scheduled: false`.
 * Units: percent (the upper bound of the range after 2008). Time: 14:00 New York time on the decision day, a
 * convention (statements came at 14:15 in 1994–2012, intermeeting moves at various hours); on daily bars only
 * the date matters, and any New York time before 19:00 falls on the same UTC day.
 *
 * Expectation (`consensus`), data strictly before the decision day:
 * - `'bill-implied'` (default): `previous + w · (bill − ref + s)`, where `bill` is the last 3-month Treasury
 *   yield before the day, `ref` the policy rate then (the target, or the range's midpoint), `w = 0.5` and
 *   `s = 0.10` percentage points. Why: a 3-month bill averages the expected policy rate over about two meetings
 *   (so roughly half of its gap to the policy rate belongs to the next one), and bills trade about 10 bp below
 *   the policy rate when no change is expected. It beats "no change" where it matters (fully expected hikes
 *   of 2004–06 and 2015–17 get small surprises). Honest caveats: `w` and `s` are round numbers close to an
 *   OLS fit of the change on the bill gap over the 2000–2017 meetings (slope 0.48, intercept 0.056), so on
 *   that span they are mildly in-sample; and flight-to-quality bill yields (autumn 2008) read as expected
 *   cuts. Without a bill yield in the 7 days before, `consensus` and `surprise` are absent.
 * - `'no-change'`: `consensus = previous`, so the surprise is the change itself.
 * `surprise = −(actual − consensus) / σ`, σ the sample standard deviation of (actual − consensus) over the
 * events returned (a hike above expectations is bad for risk assets, hence the minus).
 *
 * Default span from 1994-01-01: the FOMC has announced its decisions since February 1994; before, markets
 * inferred target changes from open-market operations, so a release instant is not defined.
 */
export interface FomcOptions {
  /** First decision day, `YYYY-MM-DD` inclusive (default `1994-01-01`). */
  from?: string;
  /** Last decision day, `YYYY-MM-DD` inclusive (default: no limit). */
  to?: string;
  /** Expectation model for `consensus` (default `bill-implied`). */
  expectation?: 'bill-implied' | 'no-change';
  /** Weight w of the bill gap (default 0.5). */
  billWeight?: number;
  /** Spread s of bills below the policy rate when no change is expected, in percentage points (default 0.10). */
  billSpread?: number;
}

const DAY_MS = 86_400_000;
const REF = 'builder:fomc';

interface RateDay {
  day: number;
  /** policy level: target, else range upper bound; NaN if neither */
  level: number;
  /** the rate the bill is compared with: target, else range midpoint */
  ref: number;
  bill: number;
  range: boolean;
}

/**
 * FOMC decision events from the rates and meeting files (rules and expectation model: {@link FomcOptions}).
 *
 * @throws DataError naming the file, line and column of a bad value, a missing column, or unsorted dates;
 *   ConfigError for a malformed `from`/`to`
 * @example
 * const fomc = buildFomcCalendar('../shared/data/macro/us_rates_daily_fred.csv', '../shared/data/calendar/fomc_meeting_dates.csv');
 * fomc.find((e) => e.time === Date.UTC(2001, 0, 3, 19)); // { actual: 6, previous: 6.5, scheduled: false, … }
 */
export function buildFomcCalendar(ratesFile: string, meetingsFile: string, opts: FomcOptions = {}): CalendarEvent[] {
  const from = boundary(opts.from ?? '1994-01-01', 'from');
  const to = opts.to === undefined ? Infinity : boundary(opts.to, 'to');
  const w = opts.billWeight ?? 0.5;
  const s = opts.billSpread ?? 0.1;
  const rates = readRates(ratesFile);
  const meetings = readMeetings(meetingsFile);

  // Changes of the policy level, dated as in the rates file.
  const changes: { day: number; from: number; to: number; range: boolean; used: boolean }[] = [];
  let last: RateDay | undefined;
  for (const r of rates) {
    if (Number.isNaN(r.level)) continue;
    if (last !== undefined && Math.abs(r.level - last.level) > 1e-9) changes.push({ day: r.day, from: last.level, to: r.level, range: r.range, used: false });
    last = r;
  }
  const firstLevelDay = rates.find((r) => !Number.isNaN(r.level))?.day ?? Infinity;
  const lastLevelDay = last?.day ?? -Infinity;

  const events: Omit<CalendarEvent, 'id'>[] = [];
  const push = (day: number, previous: number, actual: number, range: boolean, scheduled: boolean) => {
    const consensus = opts.expectation === 'no-change' ? previous : billImplied(rates, day, previous, w, s);
    const d = new Date(day);
    const what = range ? 'range upper bound' : 'target';
    events.push({
      time: newYorkToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 14, 0),
      type: 'fomc',
      scope: ['market'],
      importance: 'high',
      scheduled,
      actual,
      ...(consensus !== undefined ? { consensus } : {}),
      previous,
      text: `FOMC ${scheduled ? 'decision' : 'intermeeting decision'}: ${what} ${previous} → ${actual}`,
      source: { kind: 'calendar', ref: REF },
    });
  };

  for (const m of meetings) {
    if (m <= firstLevelDay || m > lastLevelDay) continue; // no level before or after: outside the data
    const matched = changes.filter((c) => !c.used && c.day >= m && c.day <= m + DAY_MS);
    matched.forEach((c) => (c.used = true));
    if (m < from || m > to) continue;
    const previous = levelBefore(rates, m);
    const after = matched.length > 0 ? matched[matched.length - 1] : undefined;
    push(m, previous, after?.to ?? previous, after?.range ?? rangeAt(rates, m), true);
  }
  for (const c of changes) if (!c.used && c.day >= from && c.day <= to) push(c.day, c.from, c.to, c.range, false);

  const withIds = events.map((e) => ({ ...e, id: eventId(e) }) as CalendarEvent);
  return sortEvents(standardiseSurprises(withIds));
}

function boundary(raw: string, name: string): number {
  const t = parseIsoDay(raw);
  if (t === undefined) throw new ConfigError(`fomc.${name}`, `${JSON.stringify(raw)} is not YYYY-MM-DD`);
  return t;
}

function readRates(file: string): RateDay[] {
  const rows = parseCsvTable(readText(file), file, ['date', 'dgs3mo', 'dfedtar', 'dfedtarl', 'dfedtaru']);
  const out: RateDay[] = [];
  for (const row of rows) {
    const day = dayCell(row, 'date', file);
    if (out.length > 0 && day <= out[out.length - 1].day) throw new DataError(file, row.line, 'date', 'dates must be strictly increasing');
    const num = (f: string) => optionalNumber(row.get(f), file, row.line, f) ?? NaN;
    const [target, lower, upper, bill] = [num('dfedtar'), num('dfedtarl'), num('dfedtaru'), num('dgs3mo')];
    const range = Number.isNaN(target) && !Number.isNaN(upper);
    const level = range ? upper : target;
    const ref = range ? (Number.isNaN(lower) ? upper : (lower + upper) / 2) : target;
    out.push({ day, level, ref, bill, range });
  }
  return out;
}

function readMeetings(file: string): number[] {
  const days = parseCsvTable(readText(file), file, ['date']).map((row) => dayCell(row, 'date', file));
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  // A meeting listed on two consecutive days is one meeting (its decision day is the later one).
  return sorted.filter((d, i) => i + 1 >= sorted.length || sorted[i + 1] - d > DAY_MS);
}

/** Index of the last row dated before `day` (binary search), or -1. */
function lastBefore(rates: readonly RateDay[], day: number): number {
  let [lo, hi] = [0, rates.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rates[mid].day < day) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function levelBefore(rates: readonly RateDay[], day: number): number {
  for (let i = lastBefore(rates, day); i >= 0; i--) if (!Number.isNaN(rates[i].level)) return rates[i].level;
  return NaN;
}

function rangeAt(rates: readonly RateDay[], day: number): boolean {
  for (let i = lastBefore(rates, day); i >= 0; i--) if (!Number.isNaN(rates[i].level)) return rates[i].range;
  return false;
}

/** previous + w·(bill − ref + s) from the last day before `day` (within 7 days) with both values. */
function billImplied(rates: readonly RateDay[], day: number, previous: number, w: number, s: number): number | undefined {
  for (let i = lastBefore(rates, day); i >= 0 && rates[i].day >= day - 7 * DAY_MS; i--) {
    const r = rates[i];
    if (!Number.isNaN(r.bill) && !Number.isNaN(r.ref)) return Math.round((previous + w * (r.bill - r.ref + s)) * 1e6) / 1e6;
  }
  return undefined;
}
