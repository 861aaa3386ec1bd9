import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarEventSchema } from '../../data/calendar.js';
import type { CalendarEvent } from '../../data/calendar.js';
import { buildReleaseCalendar, payrollsReleaseTime } from './releases.js';

const work = mkdtempSync(join(tmpdir(), 'rl-releases-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FILE = `date,time,event,impact,currency,id
2017-12-08,13:30:00,Nonfarm Payrolls,HIGH,USD,a
2017-12-08,13:30:00,Unemployment Rate,MEDIUM,USD,b
2017-12-13,13:30:00,Consumer Price Index (YoY),HIGH,USD,c
2017-12-13,13:30:00,Consumer Price Index ex Food & Energy (YoY),HIGH,USD,d
2017-12-13,19:00:00,Fed Interest Rate Decision,HIGH,USD,e
2017-12-13,19:30:00,FOMC Press Conference,HIGH,USD,f
2017-12-22,13:30:00,Core Personal Consumption Expenditures - Price Index (YoY),LOW,USD,g
`;

function file(text = FILE): string {
  const f = join(mkdtempSync(join(work, 'case-')), 'schedule.csv');
  writeFileSync(f, text);
  return f;
}

describe('buildReleaseCalendar on a hand-made schedule', () => {
  const events = buildReleaseCalendar(file());

  it('types by keyword, rows of one release merged, no outcomes', () => {
    expect(events.map((e) => [e.type, e.time])).toEqual([
      ['payrolls', Date.UTC(2017, 11, 8, 13, 30)],
      ['cpi', Date.UTC(2017, 11, 13, 13, 30)],
      ['fomc', Date.UTC(2017, 11, 13, 19)],
      ['speech', Date.UTC(2017, 11, 13, 19, 30)],
      ['core-personal-consumption-expenditures-price', Date.UTC(2017, 11, 22, 13, 30)],
    ]);
    expect(events[0]).toMatchObject({ importance: 'high', text: 'Nonfarm Payrolls; Unemployment Rate', scope: ['market'], scheduled: true });
    expect(events[4].importance).toBe('low');
    for (const e of events) {
      expect(calendarEventSchema.parse(e)).toEqual(e);
      expect([e.actual, e.consensus, e.previous, e.surprise]).toEqual([undefined, undefined, undefined, undefined]);
      expect(e.source).toEqual({ kind: 'calendar', ref: 'builder:releases' });
    }
  });

  it('filters by type', () => {
    expect(buildReleaseCalendar(file(), { types: ['cpi', 'payrolls'] }).map((e) => e.type)).toEqual(['payrolls', 'cpi']);
  });

  it('bad rows are DataErrors naming file, line and field', () => {
    const f1 = file(FILE.replace('HIGH,USD,c', 'SEVERE,USD,c'));
    expect(() => buildReleaseCalendar(f1)).toThrow(expect.objectContaining({ code: 'E_DATA', file: f1, line: 4, field: 'impact' }));
    const f2 = file(FILE.replace('13:30:00,Nonfarm', '1:30 pm,Nonfarm'));
    expect(() => buildReleaseCalendar(f2)).toThrow(expect.objectContaining({ line: 2, field: 'time' }));
    const f3 = file(FILE.replace('Fed Interest Rate Decision', ''));
    expect(() => buildReleaseCalendar(f3)).toThrow(expect.objectContaining({ line: 6, field: 'event' }));
  });
});

describe('payrollsReleaseTime', () => {
  it.each([
    [2017, 11, Date.UTC(2017, 11, 8, 13, 30)], // 12th a Sunday: week ends Sat 18th, + 20 days
    [2017, 2, Date.UTC(2017, 2, 10, 13, 30)], // the second Friday, not the first
    [2016, 11, Date.UTC(2016, 11, 2, 13, 30)], // 12th a Saturday
    [2017, 5, Date.UTC(2017, 5, 2, 12, 30)], // EDT
    [2014, 12, Date.UTC(2015, 0, 9, 13, 30)], // would be Jan 2: a week later
    [2014, 6, Date.UTC(2014, 6, 3, 12, 30)], // would be Fri Jul 4: Thursday
    [2015, 6, Date.UTC(2015, 6, 2, 12, 30)], // would be Fri Jul 3 (holiday observed): Thursday
    [2013, 9, Date.UTC(2013, 9, 22, 12, 30)], // shutdown
    [2013, 10, Date.UTC(2013, 10, 8, 13, 30)], // shutdown
  ])('%i-%i → %s', (year, month, expected) => {
    expect(payrollsReleaseTime(year, month)).toBe(expected);
  });
});

const SCHEDULE = fileURLToPath(new URL('../../../../shared/data/calendar/usd_high_impact_events_2014_2017.csv', import.meta.url));

describe.skipIf(!existsSync(SCHEDULE))('buildReleaseCalendar on the 2014–2017 USD schedule (needs ../shared/data)', () => {
  // Built on first use: a skipped describe still runs its body to collect tests.
  let cached: CalendarEvent[] | undefined;
  const all = () => (cached ??= buildReleaseCalendar(SCHEDULE));
  const count = (type: string) => all().filter((e) => e.type === type).length;

  it('592 rows → 433 releases; payrolls 48, cpi 40, fomc 33, gdp 42', () => {
    const events = all();
    expect(events).toHaveLength(433);
    expect([count('payrolls'), count('cpi'), count('fomc'), count('gdp'), count('fomc-minutes'), count('speech')]).toEqual([48, 40, 33, 42, 32, 76]);
    expect(events.every((e) => e.actual === undefined && e.surprise === undefined)).toBe(true);
  });

  it('every payrolls release is exactly where the BLS rule puts it', () => {
    for (const e of all().filter((x) => x.type === 'payrolls')) {
      const d = new Date(e.time);
      const ref = d.getUTCFullYear() * 12 + d.getUTCMonth() - 1;
      expect(payrollsReleaseTime(Math.floor(ref / 12), (ref % 12) + 1)).toBe(e.time);
    }
  });
});
