import { DataError } from '../../core/errors.js';
import { eventId, importanceSchema, sortEvents } from '../../data/calendar.js';
import type { CalendarEvent, Importance } from '../../data/calendar.js';
import { dayCell, parseClock, parseCsvTable, readText, utcDay } from '../calendar-files.js';
import { eventTypeFromTitle, newYorkToUtc, slugType } from '../ics.js';

/**
 * Scheduled releases from an economic-calendar schedule without values
 * (`calendar/usd_high_impact_events_2014_2017.csv` layout: `date` `YYYY-MM-DD`, `time` `HH:MM[:SS]` in UTC,
 * `event` title, `impact` `HIGH|MEDIUM|LOW`; `currency` and `id` ignored).
 *
 * Each row's type comes from its title by the keyword map shared with the ICS reader
 * ({@link eventTypeFromTitle}: `Fed Interest Rate Decision` → fomc, `Nonfarm Payrolls`/`NFP` and the other
 * Employment Situation lines → payrolls, `Consumer Price Index …` → cpi, `Gross Domestic Product …` → gdp; minutes,
 * speeches and nominations get their own types), else a slug of the title ({@link slugType}). Rows of the same
 * type at the same instant are one release (CPI and core CPI, payrolls and the unemployment rate, …) and
 * become one event: importance the highest of them, `text` their titles joined by `; `.
 *
 * Outcomes are absent: the schedule has no actual, consensus or previous values, so these events carry no
 * `actual`/`consensus`/`surprise`. They say when a release happened (`scheduled: true`, `scope: ['market']`,
 * `source.ref: 'builder:releases'`), which an event study can use for timing and volatility, not for direction.
 */
export interface ReleaseOptions {
  /** Keep only these types (after the keyword map), e.g. `['payrolls', 'cpi']`. */
  types?: readonly string[];
}

const REF = 'builder:releases';
const RANK: Record<Importance, number> = { low: 0, medium: 1, high: 2 };

/**
 * Release events from a schedule file (rules: {@link ReleaseOptions}).
 *
 * @throws DataError naming the file, line and column of a bad date, time, empty title or unknown impact
 * @example
 * const nfp = buildReleaseCalendar('../shared/data/calendar/usd_high_impact_events_2014_2017.csv', { types: ['payrolls'] });
 * nfp[0]; // { type: 'payrolls', time: Date.UTC(2014, 0, 10, 13, 30), text: 'Nonfarm Payrolls; Unemployment Rate', … }
 */
export function buildReleaseCalendar(file: string, opts: ReleaseOptions = {}): CalendarEvent[] {
  const keep = opts.types === undefined ? undefined : new Set(opts.types);
  const groups = new Map<string, { time: number; type: string; importance: Importance; titles: string[] }>();
  for (const row of parseCsvTable(readText(file), file, ['date', 'time', 'event', 'impact'])) {
    const day = dayCell(row, 'date', file);
    const clock = parseClock(row.get('time'));
    if (clock === undefined) throw new DataError(file, row.line, 'time', `time ${JSON.stringify(row.get('time'))} is not HH:MM[:SS] (UTC)`);
    const title = row.get('event');
    if (title === '') throw new DataError(file, row.line, 'event', 'empty event title');
    const impact = importanceSchema.safeParse(row.get('impact').toLowerCase());
    if (!impact.success) throw new DataError(file, row.line, 'impact', `impact ${JSON.stringify(row.get('impact'))} is not HIGH, MEDIUM or LOW`);
    const type = eventTypeFromTitle(title) ?? slugType(title);
    if (keep !== undefined && !keep.has(type)) continue;
    const time = day + clock;
    const key = `${type}@${time}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { time, type, importance: impact.data, titles: [title] });
    else {
      if (RANK[impact.data] > RANK[g.importance]) g.importance = impact.data;
      if (!g.titles.includes(title)) g.titles.push(title);
    }
  }
  const events = [...groups.values()].map((g) => {
    const e = {
      time: g.time,
      type: g.type,
      scope: ['market'],
      importance: g.importance,
      scheduled: true,
      text: g.titles.join('; '),
      source: { kind: 'calendar' as const, ref: REF },
    };
    return { ...e, id: eventId(e) };
  });
  return sortEvents(events);
}

/** Fixed exceptions to the rule of {@link payrollsReleaseTime}: reference month → release day (the October 2013 shutdown). */
const PAYROLLS_EXCEPTIONS: Readonly<Record<string, string>> = { '2013-09': '2013-10-22', '2013-10': '2013-11-08' };

/**
 * The release instant of the Employment Situation (nonfarm payrolls) for reference month (`year`, `month`),
 * 08:30 New York time, by the BLS's scheduling rule rather than "the first Friday": the third Friday after the
 * reference week (the Sunday–Saturday week containing the 12th), i.e. that Saturday + 20 days. Exceptions:
 * a date on January 1–3 moves a week later (the holidays; e.g. December 2014 data on 2015-01-09); a date on
 * July 3 or 4 (Independence Day, or its Friday observance) moves to the Thursday before; the two reports
 * delayed by the October 2013 shutdown are listed. This matches all 48 payrolls releases 2014–2017 in the
 * schedule file of ../shared (the naive first-Friday rule misses e.g. 2015-05-08 and 2017-03-10). Other
 * irregular releases (before 2014, further shutdowns) are not modelled.
 *
 * @example
 * payrollsReleaseTime(2017, 11); // 2017-12-08 13:30 UTC: Nov 12 is a Sunday, week ends Sat Nov 18, + 20 days
 */
export function payrollsReleaseTime(year: number, month: number): number {
  const label = `${year}-${String(month).padStart(2, '0')}`;
  const exception = PAYROLLS_EXCEPTIONS[label];
  let release: Date;
  if (exception !== undefined) release = new Date(`${exception}T00:00:00Z`);
  else {
    const twelfth = new Date(utcDay(year, month, 12));
    const saturday = twelfth.getTime() + ((6 - twelfth.getUTCDay()) % 7) * 86_400_000;
    release = new Date(saturday + 20 * 86_400_000);
    const [m, d] = [release.getUTCMonth() + 1, release.getUTCDate()];
    if (m === 1 && d <= 3) release = new Date(release.getTime() + 7 * 86_400_000);
    else if (m === 7 && (d === 3 || d === 4)) release = new Date(release.getTime() - 86_400_000);
  }
  return newYorkToUtc(release.getUTCFullYear(), release.getUTCMonth() + 1, release.getUTCDate(), 8, 30);
}
