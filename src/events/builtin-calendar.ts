import { sampleStd } from './calendar-files.js';
import { eventId, sortEvents } from '../data/calendar.js';
import type { CalendarEvent } from '../data/calendar.js';
import { cpiReleaseTime } from './builders/cpi.js';
import { payrollsReleaseTime } from './builders/releases.js';
import { newYorkToUtc } from './ics.js';

/**
 * The default calendar, used when no calendar file is given, so the quick start works on a fresh machine.
 * It holds public historical facts and documented scheduling rules, 2000-01-01..2020-12-31.
 *
 * FOMC (`source.ref: 'builtin:fomc'`): every change of the federal funds target (until 2008-12-15) and of the
 * target range (from 2008-12-16) decided 2000–2020, from the Federal Reserve's public record: the Board's
 * "Open Market Operations" table of federal funds target rate changes (federalreserve.gov, Monetary Policy →
 * Policy Tools → Open Market Operations) and FRED's series DFEDTAR, DFEDTARL and DFEDTARU. Dates are the
 * decision (statement) days, which for some range changes are a day before the effective date FRED and the
 * Board's table show (e.g. 2017-03-15, effective 03-16). `actual` is the new level, `previous` the old one, %
 * (the range's upper bound from 2008-12-16); intermeeting moves are `scheduled: false`. Expectation model:
 * "no change" (`consensus` = the previous level; market-implied expectations need market data, see the fomc
 * builder), so `surprise` = −(actual − previous) / σ, σ the standard deviation of all listed changes (a
 * cut is positive for risk assets); this overstates the surprise of well-anticipated moves. Meetings that left the
 * rate unchanged are not included (only decisions are listed, to keep the table to facts checked against
 * FRED). Time: 14:00 New York time by convention (as in the fomc builder).
 *
 * CPI (`builtin:cpi`) and payrolls (`builtin:payrolls`): release dates by scheduling rules
 * ({@link cpiReleaseTime}, approximate, typically within a few days; {@link payrollsReleaseTime}, the BLS rule,
 * exact on 2014–2017), for the reference months whose release falls in 2000–2020. Approximate and without
 * outcomes: no `actual`, `consensus`, `previous` or `surprise`.
 *
 * Everything is `importance: 'high'`, `scope: ['market']`, `source.kind: 'calendar'`.
 */

/** One FOMC decision: the day it was announced and the new level (upper bound of a range, with its lower). */
export interface FomcDecision {
  readonly date: string;
  readonly level: number;
  readonly lower?: number;
  readonly intermeeting?: true;
}

/** Federal funds target before the first decision of 2000 (set 1999-11-16). */
export const FOMC_LEVEL_AT_2000 = 5.5;

/** Every FOMC change of the federal funds target / target range, 2000–2020 (source: module doc). */
export const BUILTIN_FOMC_DECISIONS: readonly FomcDecision[] = [
  { date: '2000-02-02', level: 5.75 },
  { date: '2000-03-21', level: 6.0 },
  { date: '2000-05-16', level: 6.5 },
  { date: '2001-01-03', level: 6.0, intermeeting: true },
  { date: '2001-01-31', level: 5.5 },
  { date: '2001-03-20', level: 5.0 },
  { date: '2001-04-18', level: 4.5, intermeeting: true },
  { date: '2001-05-15', level: 4.0 },
  { date: '2001-06-27', level: 3.75 },
  { date: '2001-08-21', level: 3.5 },
  { date: '2001-09-17', level: 3.0, intermeeting: true },
  { date: '2001-10-02', level: 2.5 },
  { date: '2001-11-06', level: 2.0 },
  { date: '2001-12-11', level: 1.75 },
  { date: '2002-11-06', level: 1.25 },
  { date: '2003-06-25', level: 1.0 },
  { date: '2004-06-30', level: 1.25 },
  { date: '2004-08-10', level: 1.5 },
  { date: '2004-09-21', level: 1.75 },
  { date: '2004-11-10', level: 2.0 },
  { date: '2004-12-14', level: 2.25 },
  { date: '2005-02-02', level: 2.5 },
  { date: '2005-03-22', level: 2.75 },
  { date: '2005-05-03', level: 3.0 },
  { date: '2005-06-30', level: 3.25 },
  { date: '2005-08-09', level: 3.5 },
  { date: '2005-09-20', level: 3.75 },
  { date: '2005-11-01', level: 4.0 },
  { date: '2005-12-13', level: 4.25 },
  { date: '2006-01-31', level: 4.5 },
  { date: '2006-03-28', level: 4.75 },
  { date: '2006-05-10', level: 5.0 },
  { date: '2006-06-29', level: 5.25 },
  { date: '2007-09-18', level: 4.75 },
  { date: '2007-10-31', level: 4.5 },
  { date: '2007-12-11', level: 4.25 },
  { date: '2008-01-22', level: 3.5, intermeeting: true },
  { date: '2008-01-30', level: 3.0 },
  { date: '2008-03-18', level: 2.25 },
  { date: '2008-04-30', level: 2.0 },
  { date: '2008-10-08', level: 1.5, intermeeting: true },
  { date: '2008-10-29', level: 1.0 },
  { date: '2008-12-16', level: 0.25, lower: 0 },
  { date: '2015-12-16', level: 0.5, lower: 0.25 },
  { date: '2016-12-14', level: 0.75, lower: 0.5 },
  { date: '2017-03-15', level: 1.0, lower: 0.75 },
  { date: '2017-06-14', level: 1.25, lower: 1.0 },
  { date: '2017-12-13', level: 1.5, lower: 1.25 },
  { date: '2018-03-21', level: 1.75, lower: 1.5 },
  { date: '2018-06-13', level: 2.0, lower: 1.75 },
  { date: '2018-09-26', level: 2.25, lower: 2.0 },
  { date: '2018-12-19', level: 2.5, lower: 2.25 },
  { date: '2019-07-31', level: 2.25, lower: 2.0 },
  { date: '2019-09-18', level: 2.0, lower: 1.75 },
  { date: '2019-10-30', level: 1.75, lower: 1.5 },
  { date: '2020-03-03', level: 1.25, lower: 1.0, intermeeting: true },
  { date: '2020-03-15', level: 0.25, lower: 0, intermeeting: true },
];

/** First and last reference months (year · 12 + month − 1) whose CPI / payrolls release falls in 2000–2020. */
const FIRST_REF = 1999 * 12 + 11;
const LAST_REF = 2020 * 12 + 10;

function fomcEvents(): CalendarEvent[] {
  const changes = BUILTIN_FOMC_DECISIONS.map((d, i) => d.level - (i === 0 ? FOMC_LEVEL_AT_2000 : BUILTIN_FOMC_DECISIONS[i - 1].level));
  const sigma = sampleStd(changes);
  let previous = FOMC_LEVEL_AT_2000;
  return BUILTIN_FOMC_DECISIONS.map((d) => {
    const [y, m, day] = d.date.split('-').map(Number);
    const what = d.lower === undefined ? `target ${previous} → ${d.level}` : `range ${d.lower}–${d.level} (previous level ${previous})`;
    const e = {
      time: newYorkToUtc(y, m, day, 14, 0),
      type: 'fomc',
      scope: ['market'],
      importance: 'high' as const,
      scheduled: d.intermeeting !== true,
      actual: d.level,
      consensus: previous,
      previous,
      surprise: -(d.level - previous) / sigma,
      text: `FOMC ${d.intermeeting ? 'intermeeting decision' : 'decision'}: ${what}`,
      source: { kind: 'calendar' as const, ref: 'builtin:fomc' },
    };
    previous = d.level;
    return { ...e, id: eventId(e) };
  });
}

function releaseEvents(type: 'cpi' | 'payrolls', at: (year: number, month: number) => number, title: string): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  for (let ref = FIRST_REF; ref <= LAST_REF; ref++) {
    const [year, month] = [Math.floor(ref / 12), (ref % 12) + 1];
    const e = {
      time: at(year, month),
      type,
      scope: ['market'],
      importance: 'high' as const,
      scheduled: true,
      text: `${title} ${year}-${String(month).padStart(2, '0')} (release date by rule, approximate)`,
      source: { kind: 'calendar' as const, ref: `builtin:${type}` },
    };
    out.push({ ...e, id: eventId(e) });
  }
  return out;
}

/**
 * The built-in calendar (contents and sources: module doc): 57 FOMC decisions, 252 CPI and 252 payrolls
 * release dates, sorted by time then id. Pure: the same array contents on every call.
 *
 * @example
 * const cal = builtinCalendar();
 * cal.filter((e) => e.type === 'fomc').length; // 57
 */
export function builtinCalendar(): CalendarEvent[] {
  return sortEvents([
    ...fomcEvents(),
    ...releaseEvents('cpi', cpiReleaseTime, 'CPI'),
    ...releaseEvents('payrolls', payrollsReleaseTime, 'Employment Situation'),
  ]);
}
