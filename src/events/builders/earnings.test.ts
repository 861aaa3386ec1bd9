import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarEventSchema } from '../../data/calendar.js';
import { buildEarningsCalendar } from './earnings.js';

const work = mkdtempSync(join(tmpdir(), 'rl-earnings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Relative surprises r: 0, 0.1, 0.2, −0.1, 0.5 (median 0.1; |r − 0.1| = 0.1, 0, 0.1, 0.2, 0.4, median 0.1),
// then an estimate of 0 (no r) and a missing actual.
const FILE = `date,eps_estimate,eps_actual,eps_pct_diff,ticker,country,category
2017-01-10,1.00,1.00,0,AAA,USA,tech
2017-01-11,1.00,1.10,10,BBB,USA,"tech, retail"
2017-01-12,-0.50,-0.40,20,CCC,USA,x
2017-01-13,2.00,1.80,-10,AAA,USA,tech
2017-01-14,0.40,0.60,50,BBB,USA,x
2017-01-15,0,0.05,,DDD,USA,x
2017-01-16,0.30,,,AAA,USA,x
`;

function file(text = FILE): string {
  const f = join(mkdtempSync(join(work, 'case-')), 'earnings.csv');
  writeFileSync(f, text);
  return f;
}

describe('buildEarningsCalendar on a hand-made file', () => {
  const events = buildEarningsCalendar(file());
  const scale = 1.4826 * 0.1;

  it('one event per row: scope the ticker, EPS as actual/consensus, medium importance, UTC midnight', () => {
    expect(events).toHaveLength(7);
    expect(events.map((e) => e.scope[0])).toEqual(['AAA', 'BBB', 'CCC', 'AAA', 'BBB', 'DDD', 'AAA']);
    for (const e of events) {
      expect(calendarEventSchema.parse(e)).toEqual(e);
      expect(e).toMatchObject({ type: 'earnings', importance: 'medium', scheduled: true, source: { kind: 'calendar', ref: 'builder:earnings' } });
    }
    expect(events[2]).toMatchObject({ time: Date.UTC(2017, 0, 12), actual: -0.4, consensus: -0.5 });
    expect('previous' in events[2]).toBe(false);
  });

  it('surprise = ((actual − estimate)/|estimate|) / (1.4826 · MAD), clipped', () => {
    const expected = [0, 0.1, 0.2, -0.1, 0.5].map((r) => r / scale);
    events.slice(0, 5).forEach((e, i) => expect(e.surprise).toBeCloseTo(expected[i], 12));
    expect(events[2].surprise).toBeGreaterThan(0); // a smaller loss than expected is a beat
    expect(events[5].surprise).toBeUndefined(); // estimate 0
    expect(events[6]).toMatchObject({ consensus: 0.3 });
    expect(events[6].actual).toBeUndefined();
    expect(events[6].surprise).toBeUndefined();
    const clipped = buildEarningsCalendar(file(), { clip: 3 });
    expect(clipped[4].surprise).toBe(3);
  });

  it('ticker filter (case-insensitive) and dates; the scale still comes from the whole file', () => {
    const bbb = buildEarningsCalendar(file(), { tickers: ['bbb'], from: '2017-01-12' });
    expect(bbb).toHaveLength(1);
    expect(bbb[0].surprise).toBeCloseTo(0.5 / scale, 12);
  });

  it('bad rows are DataErrors naming file, line and field', () => {
    const f1 = file(FILE.replace('1.10,10,BBB', 'abc,10,BBB'));
    expect(() => buildEarningsCalendar(f1)).toThrow(expect.objectContaining({ code: 'E_DATA', file: f1, line: 3, field: 'eps_actual' }));
    const f2 = file(FILE.replace(',CCC,', ',,'));
    expect(() => buildEarningsCalendar(f2)).toThrow(expect.objectContaining({ line: 4, field: 'ticker' }));
    const f3 = file(`${FILE}2017-01-10,1,2,,AAA,USA,x\n`);
    expect(() => buildEarningsCalendar(f3)).toThrow(expect.objectContaining({ line: 9, field: 'ticker' }));
    const f4 = file(FILE.replace('2017-01-14', '14/01/2017'));
    expect(() => buildEarningsCalendar(f4)).toThrow(expect.objectContaining({ line: 6, field: 'date' }));
    expect(() => buildEarningsCalendar(file(), { to: 'soon' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'earnings.to' }));
  });
});

const EARNINGS = fileURLToPath(new URL('../../../../shared/data/calendar/earnings_eps_to_2017.csv', import.meta.url));

describe.skipIf(!existsSync(EARNINGS))('buildEarningsCalendar on the EPS file (needs ../shared/data)', () => {
  it('45,821 reports of 769 tickers, 44,452 with a surprise, all within the clip', () => {
    const events = buildEarningsCalendar(EARNINGS);
    expect(events).toHaveLength(45_821);
    expect(new Set(events.map((e) => e.scope[0])).size).toBe(769);
    const s = events.flatMap((e) => (e.surprise === undefined ? [] : [e.surprise]));
    expect(s).toHaveLength(44_452);
    expect(Math.max(...s.map(Math.abs))).toBe(10);
  });

  it('AAPL only: the 2015-01-27 report as the file has it', () => {
    const aapl = buildEarningsCalendar(EARNINGS, { tickers: ['AAPL'] });
    expect(aapl.every((e) => e.scope[0] === 'AAPL')).toBe(true);
    expect(aapl.find((e) => e.time === Date.UTC(2015, 0, 27))).toMatchObject({ actual: 0.77 });
  });
});
