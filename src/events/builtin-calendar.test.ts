import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventId, parseCalendar } from '../data/calendar.js';
import type { CalendarEvent } from '../data/calendar.js';
import { buildFomcCalendar } from './builders/fomc.js';
import { BUILTIN_FOMC_DECISIONS, builtinCalendar, FOMC_LEVEL_AT_2000 } from './builtin-calendar.js';
import { calendarHash } from './load-calendar.js';

const day = (e: CalendarEvent) => new Date(e.time).toISOString().slice(0, 10);

describe('builtinCalendar', () => {
  const cal = builtinCalendar();
  const of = (type: string) => cal.filter((e) => e.type === type);

  it('57 FOMC decisions, 252 CPI and 252 payrolls releases, all in 2000–2020, valid and sorted', () => {
    expect([of('fomc').length, of('cpi').length, of('payrolls').length, cal.length]).toEqual([57, 252, 252, 561]);
    expect(parseCalendar(cal)).toEqual(cal); // schema-valid, sorted, unique ids
    expect(day(cal[0]) >= '2000-01-01' && day(cal[cal.length - 1]) <= '2020-12-31').toBe(true);
    for (const e of cal) {
      expect(e.id).toBe(eventId(e));
      expect(e).toMatchObject({ importance: 'high', scope: ['market'], source: { kind: 'calendar', ref: `builtin:${e.type}` } });
      if (e.type !== 'fomc') {
        expect(e.consensus).toBeUndefined();
        expect(e.surprise).toBeUndefined();
      }
    }
  });

  it('FOMC surprises follow the documented no-change model: −(actual − previous)/σ of the changes', () => {
    const fomc = of('fomc');
    const changes = fomc.map((e) => e.actual! - e.previous!);
    const mean = changes.reduce((a, b) => a + b, 0) / changes.length;
    const sigma = Math.sqrt(changes.reduce((a, b) => a + (b - mean) ** 2, 0) / (changes.length - 1));
    for (const e of fomc) {
      expect(e.consensus).toBe(e.previous);
      expect(e.surprise).toBeCloseTo(-(e.actual! - e.previous!) / sigma, 12);
    }
    // 2001-01-03's intermeeting 50 bp cut is good news, 2015-12-16's first hike bad news.
    expect(fomc.find((e) => day(e) === '2001-01-03')!.surprise).toBeGreaterThan(0);
    expect(fomc.find((e) => day(e) === '2015-12-16')!.surprise).toBeLessThan(0);
  });

  it('is pure: equal contents and hash on every call', () => {
    expect(builtinCalendar()).toEqual(cal);
    expect(calendarHash(builtinCalendar())).toBe(calendarHash(cal));
  });

  it('FOMC: previous chains through the table; intermeeting moves unscheduled; decisions at 14:00 New York', () => {
    const fomc = of('fomc');
    expect(fomc[0]).toMatchObject({ previous: FOMC_LEVEL_AT_2000, actual: 5.75, time: Date.UTC(2000, 1, 2, 19) });
    for (let i = 1; i < fomc.length; i++) expect(fomc[i].previous).toBe(fomc[i - 1].actual);
    for (const e of fomc) expect(e.actual).not.toBe(e.previous);
    expect(fomc.filter((e) => !e.scheduled).map(day)).toEqual(['2001-01-03', '2001-04-18', '2001-09-17', '2008-01-22', '2008-10-08', '2020-03-03', '2020-03-15']);
    expect(fomc.find((e) => day(e) === '2008-12-16')).toMatchObject({ previous: 1, actual: 0.25 });
    expect(fomc.find((e) => day(e) === '2020-03-15')).toMatchObject({ previous: 1.25, actual: 0.25, time: Date.UTC(2020, 2, 15, 18) });
    expect(BUILTIN_FOMC_DECISIONS.filter((d) => d.lower !== undefined).every((d) => d.level - (d.lower as number) === 0.25)).toBe(true);
  });

  it('CPI and payrolls: one release per reference month Dec 1999..Nov 2020, no outcomes, 08:30 New York', () => {
    for (const type of ['cpi', 'payrolls']) {
      const months = of(type).map((e) => day(e).slice(0, 7));
      expect(new Set(months).size).toBe(252);
      expect(months[0]).toBe('2000-01');
      expect(months[months.length - 1]).toBe('2020-12');
      for (const e of of(type)) {
        expect([e.actual, e.previous]).toEqual([undefined, undefined]);
        expect([12, 13]).toContain(new Date(e.time).getUTCHours());
        expect(new Date(e.time).getUTCMinutes()).toBe(30);
        expect(e.text).toContain('approximate');
      }
    }
    // Fridays, except Thursdays before Independence Day and the shutdown-delayed report of 2013-10-22 (a Tuesday).
    const notFriday = of('payrolls').filter((e) => new Date(e.time).getUTCDay() !== 5);
    expect(notFriday.map(day)).toEqual(['2003-07-03', '2008-07-03', '2009-07-02', '2013-10-22', '2014-07-03', '2015-07-02', '2020-07-02']);
  });
});

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const RATES = join(DATA, 'macro/us_rates_daily_fred.csv');

describe.skipIf(!existsSync(RATES))('built-in FOMC table vs the fomc builder on FRED data (needs ../shared/data)', () => {
  it('every change of the target 2000–2017 matches exactly: day, time, previous, new level, scheduled', () => {
    const built = buildFomcCalendar(RATES, join(DATA, 'calendar/fomc_meeting_dates.csv'), { from: '2000-01-01', to: '2017-12-31' });
    const key = (e: CalendarEvent) => [day(e), e.time, e.previous, e.actual, e.scheduled];
    const changes = built.filter((e) => e.actual !== e.previous).map(key);
    const table = builtinCalendar()
      .filter((e) => e.type === 'fomc' && day(e) <= '2017-12-31')
      .map(key);
    expect(changes).toHaveLength(48);
    expect(table).toEqual(changes);
  });
});
