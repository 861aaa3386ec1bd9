import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarEventSchema } from '../../data/calendar.js';
import type { CalendarEvent } from '../../data/calendar.js';
import { sampleStd } from '../calendar-files.js';
import { buildFomcCalendar } from './fomc.js';

const work = mkdtempSync(join(tmpdir(), 'rl-fomc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A target regime, an intermeeting cut, the switch to a range, and a range change FRED dates the day after
// its meeting.
const RATES = `date,dff,dgs3mo,dgs2,dgs10,dfedtar,dfedtarl,dfedtaru
2000-01-03,5.4,5.30,,,5.50,,
2000-01-04,5.4,5.35,,,5.50,,
2000-01-05,5.6,5.60,,,5.75,,
2000-01-06,5.7,5.60,,,5.75,,
2000-01-07,5.3,5.20,,,5.25,,
2000-01-10,5.2,,,,5.25,,
2000-01-11,5.1,5.10,,,,5.00,5.25
2000-01-12,5.1,5.15,,,,5.00,5.25
2000-01-13,5.4,5.40,,,,5.25,5.50
`;
const MEETINGS = 'date\n1999-12-01\n2000-01-05\n2000-01-12\n2000-01-20\n';

function files(rates = RATES, meetings = MEETINGS): [string, string] {
  const dir = mkdtempSync(join(work, 'case-'));
  writeFileSync(join(dir, 'rates.csv'), rates);
  writeFileSync(join(dir, 'meetings.csv'), meetings);
  return [join(dir, 'rates.csv'), join(dir, 'meetings.csv')];
}

const day = (e: CalendarEvent) => new Date(e.time).toISOString().slice(0, 10);

describe('buildFomcCalendar on a hand-made series', () => {
  const events = buildFomcCalendar(...files());

  it('one event per meeting inside the data and one per unmatched change', () => {
    expect(events.map(day)).toEqual(['2000-01-05', '2000-01-07', '2000-01-12']);
    expect(events.map((e) => e.scheduled)).toEqual([true, false, true]);
    for (const e of events) {
      expect(calendarEventSchema.parse(e)).toEqual(e);
      expect(e).toMatchObject({ type: 'fomc', importance: 'high', scope: ['market'], source: { kind: 'calendar', ref: 'builder:fomc' } });
    }
    expect(events[0].time).toBe(Date.UTC(2000, 0, 5, 19)); // 14:00 New York (EST)
  });

  it('previous and actual: the level before, the level after (a change the day after a meeting is the meeting’s)', () => {
    expect(events.map((e) => [e.previous, e.actual])).toEqual([
      [5.5, 5.75],
      [5.75, 5.25],
      [5.25, 5.5],
    ]);
    expect(events[2].text).toContain('range upper bound');
  });

  it('bill-implied consensus = previous + 0.5·(bill − ref + 0.10) from the last day before; ref = range midpoint', () => {
    // 01-04: 5.5 + 0.5·(5.35 − 5.5 + 0.1); 01-06: 5.75 + 0.5·(5.60 − 5.75 + 0.1); 01-11: 5.25 + 0.5·(5.10 − 5.125 + 0.1)
    expect(events.map((e) => e.consensus)).toEqual([5.475, 5.725, 5.2875]);
  });

  it('surprise = −(actual − consensus) / sample σ over the events', () => {
    const diffs = [5.75 - 5.475, 5.25 - 5.725, 5.5 - 5.2875];
    const mean = (diffs[0] + diffs[1] + diffs[2]) / 3;
    const sigma = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / 2);
    events.forEach((e, i) => expect(e.surprise).toBeCloseTo(-diffs[i] / sigma, 12));
    expect(events[0].surprise).toBeLessThan(0); // a hike above expectations is bad news
    expect(events[1].surprise).toBeGreaterThan(0); // a cut deeper than expected is good news
  });

  it("'no-change' expectation and from/to bounds", () => {
    const flat = buildFomcCalendar(...files(), { expectation: 'no-change', from: '2000-01-06', to: '2000-01-12' });
    expect(flat.map(day)).toEqual(['2000-01-07', '2000-01-12']); // the 01-05 change stays its meeting's, outside the span
    expect(flat.map((e) => e.consensus)).toEqual([5.75, 5.25]);
    const w = buildFomcCalendar(...files(), { billWeight: 1, billSpread: 0 });
    expect(w[0].consensus).toBeCloseTo(5.5 + (5.35 - 5.5), 12);
  });

  it('without a bill yield in the week before, no consensus and no surprise', () => {
    const rates = RATES.replace('2000-01-04,5.4,5.35', '2000-01-04,5.4,').replace('2000-01-03,5.4,5.30', '2000-01-03,5.4,');
    const [first] = buildFomcCalendar(...files(rates));
    expect(first.consensus).toBeUndefined();
    expect(first.surprise).toBeUndefined();
  });

  it('bad input is a DataError naming file, line and field', () => {
    const [rates, meetings] = files(RATES.replace('2000-01-06,5.7,5.60', '2000-01-06,5.7,x'));
    expect(() => buildFomcCalendar(rates, meetings)).toThrow(expect.objectContaining({ code: 'E_DATA', file: rates, line: 5, field: 'dgs3mo' }));
    const [r2, m2] = files(RATES, 'date\n2000-13-01\n');
    expect(() => buildFomcCalendar(r2, m2)).toThrow(expect.objectContaining({ file: m2, line: 2, field: 'date' }));
    const [r3, m3] = files(RATES.replace('2000-01-06', '2000-01-04'));
    expect(() => buildFomcCalendar(r3, m3)).toThrow(expect.objectContaining({ file: r3, line: 5, field: 'date' }));
    const [r4, m4] = files('date,dgs3mo\n2000-01-03,5\n');
    expect(() => buildFomcCalendar(r4, m4)).toThrow(expect.objectContaining({ file: r4, line: 1, field: 'dfedtar' }));
    expect(() => buildFomcCalendar(...files(), { from: '2000/01/01' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'fomc.from' }));
  });
});

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const RATES_FILE = join(DATA, 'macro/us_rates_daily_fred.csv');
const MEETINGS_FILE = join(DATA, 'calendar/fomc_meeting_dates.csv');

describe.skipIf(!existsSync(RATES_FILE))('buildFomcCalendar on FRED rates and the meeting list (needs ../shared/data)', () => {
  // Built on first use: a skipped describe still runs its body to collect tests.
  let cached: CalendarEvent[] | undefined;
  const all = () => (cached ??= buildFomcCalendar(RATES_FILE, MEETINGS_FILE));
  const on = (d: string) => all().find((e) => day(e) === d);

  it('192 meetings 1994–2017 and 7 intermeeting moves', () => {
    const events = all();
    expect(events).toHaveLength(199);
    expect(events.filter((e) => e.scheduled)).toHaveLength(192);
    expect(events.filter((e) => !e.scheduled).map(day)).toEqual(['1994-04-18', '1998-10-15', '2001-01-03', '2001-04-18', '2001-09-17', '2008-01-22', '2008-10-08']);
  });

  it('known decisions: 2001-01-03 intermeeting cut, 2008-12-16 to 0–0.25, 2015-12-16 hike, 2017-03-15 (FRED: 03-16)', () => {
    expect(on('2001-01-03')).toMatchObject({ previous: 6.5, actual: 6, scheduled: false });
    expect(on('2008-12-16')).toMatchObject({ previous: 1, actual: 0.25, scheduled: true });
    expect(on('2015-12-16')).toMatchObject({ previous: 0.25, actual: 0.5, scheduled: true });
    expect(on('2017-03-15')).toMatchObject({ previous: 0.75, actual: 1 });
    expect(on('2017-03-16')).toBeUndefined();
    expect(on('2015-12-16')?.surprise).toBeLessThan(0);
  });

  it('the bill-implied expectation halves the error of "no change" over the 2000–2017 decisions', () => {
    const events = all();
    const nc = buildFomcCalendar(RATES_FILE, MEETINGS_FILE, { expectation: 'no-change' });
    const err = (ev: CalendarEvent[]) => sampleStd(ev.filter((e) => day(e) >= '2000' && e.consensus !== undefined).map((e) => (e.actual as number) - (e.consensus as number)));
    expect(events.every((e) => e.consensus !== undefined)).toBe(true);
    expect(err(events)).toBeLessThan(0.6 * err(nc));
  });
});
