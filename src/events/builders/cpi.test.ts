import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarEventSchema } from '../../data/calendar.js';
import { sampleStd } from '../calendar-files.js';
import { buildCpiCalendar, cpiReleaseTime } from './cpi.js';
import { buildReleaseCalendar } from './releases.js';

const work = mkdtempSync(join(tmpdir(), 'rl-cpi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Index from 2000-01 whose month-on-month change is 0.2 % except Januaries (0.5 %); `last` overrides the final change. */
function indexFile(months: number, last?: number): string {
  const rows = ['date,cpi_index,inflation_pct'];
  let x = 100;
  for (let i = 0; i < months; i++) {
    const change = i === months - 1 && last !== undefined ? last : i % 12 === 0 ? 0.5 : 0.2;
    if (i > 0) x *= 1 + change / 100;
    rows.push(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${x},`);
  }
  const file = join(mkdtempSync(join(work, 'case-')), 'cpi.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

const ym = (t: number) => new Date(t).toISOString().slice(0, 7);

describe('cpiReleaseTime', () => {
  it('08:30 New York on the first weekday on or after the 15th of the next month', () => {
    expect(cpiReleaseTime(2017, 11)).toBe(Date.UTC(2017, 11, 15, 13, 30)); // Friday, EST
    expect(cpiReleaseTime(2017, 6)).toBe(Date.UTC(2017, 6, 17, 12, 30)); // 15th a Saturday → Monday, EDT
    expect(cpiReleaseTime(2017, 12)).toBe(Date.UTC(2018, 0, 15, 13, 30)); // into the next year
    expect(cpiReleaseTime(2002, 12)).toBe(Date.UTC(2003, 0, 15, 13, 30));
  });
});

describe('buildCpiCalendar on a hand-made index', () => {
  it('seasonal expectation reproduces a stable seasonal pattern exactly (K = 1)', () => {
    const events = buildCpiCalendar(indexFile(37), { seasonalYears: 1 });
    // The first event needs 12·(K+1) earlier changes: month 25 (2002-02) onwards.
    expect(events.map((e) => e.text)).toEqual(Array.from({ length: 12 }, (_, k) => `CPI ${k === 11 ? '2003-01' : `2002-${String(k + 2).padStart(2, '0')}`} m/m (NSA)`));
    for (const e of events) {
      expect(calendarEventSchema.parse(e)).toEqual(e);
      expect(e.consensus).toBe(e.actual);
      expect(e.surprise).toBeUndefined(); // σ = 0: nothing to standardise by
    }
    expect(events[11]).toMatchObject({ actual: 0.5, previous: 0.2, time: Date.UTC(2003, 1, 17, 13, 30) });
  });

  it('trailing mean alone (K = 0): January is expected at (0.5 + 11·0.2)/12', () => {
    const events = buildCpiCalendar(indexFile(37), { seasonalYears: 0 });
    expect(events).toHaveLength(24); // from month 13 (2001-02)
    expect(events.at(-1)).toMatchObject({ actual: 0.5, consensus: 0.225 });
  });

  it('surprise = −(actual − consensus)/σ: one 0.3-point upside miss among 12 exact months gives −√12', () => {
    const events = buildCpiCalendar(indexFile(37, 0.8), { seasonalYears: 1 });
    const last = events.at(-1);
    expect(last).toMatchObject({ actual: 0.8, consensus: 0.5 });
    expect(last?.surprise).toBeCloseTo(-Math.sqrt(12), 9);
    expect(events[0].surprise).toBe(0);
    // Causal: changing the last month changes nothing earlier (except the scale of surprises).
    const base = buildCpiCalendar(indexFile(37), { seasonalYears: 1 });
    expect(events.slice(0, -1).map((e) => [e.time, e.actual, e.consensus, e.previous])).toEqual(base.slice(0, -1).map((e) => [e.time, e.actual, e.consensus, e.previous]));
  });

  it('from/to on reference months; known release instants replace the rule for their month', () => {
    const events = buildCpiCalendar(indexFile(37), { seasonalYears: 1, from: '2002-06', to: '2002-08', releaseTimes: [Date.UTC(2002, 7, 14, 12, 30)] });
    expect(events.map((e) => e.text)).toEqual(['CPI 2002-06 m/m (NSA)', 'CPI 2002-07 m/m (NSA)', 'CPI 2002-08 m/m (NSA)']);
    expect(events.map((e) => e.time)).toEqual([cpiReleaseTime(2002, 6), Date.UTC(2002, 7, 14, 12, 30), cpiReleaseTime(2002, 8)]);
  });

  it('bad input is a DataError naming file, line and field', () => {
    const file = indexFile(30);
    const text = readFileSync(file, 'utf8');
    const gap = join(work, 'gap.csv');
    writeFileSync(gap, text.replace('2000-03-01', '2000-04-01'));
    expect(() => buildCpiCalendar(gap)).toThrow(expect.objectContaining({ code: 'E_DATA', file: gap, line: 4, field: 'date' }));
    const mid = join(work, 'mid.csv');
    writeFileSync(mid, text.replace('2000-03-01', '2000-03-02'));
    expect(() => buildCpiCalendar(mid)).toThrow(expect.objectContaining({ line: 4, field: 'date' }));
    const neg = join(work, 'neg.csv');
    writeFileSync(neg, text.replace(/2000-03-01,[^,]*/, '2000-03-01,-1'));
    expect(() => buildCpiCalendar(neg)).toThrow(expect.objectContaining({ line: 4, field: 'cpi_index' }));
    expect(() => buildCpiCalendar(file, { from: '2000-13' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'cpi.from' }));
    expect(() => buildCpiCalendar(file, { seasonalYears: -1 })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'cpi.seasonalYears' }));
  });
});

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const CPI_FILE = join(DATA, 'macro/us_cpi_monthly.csv');
const SCHEDULE = join(DATA, 'calendar/usd_high_impact_events_2014_2017.csv');

describe.skipIf(!existsSync(CPI_FILE))('buildCpiCalendar on the BLS CPI-U series (needs ../shared/data)', () => {
  it('one event per month from 1919-02 (72 months of history) to 2017-12', () => {
    const events = buildCpiCalendar(CPI_FILE);
    expect(events).toHaveLength(1187);
    expect(events[0].text).toBe('CPI 1919-02 m/m (NSA)');
    expect(ym(events.at(-1)?.time as number)).toBe('2018-01');
    expect(events.every((e) => e.surprise !== undefined && Number.isFinite(e.surprise))).toBe(true);
  });

  it('the seasonal term lowers the expectation error over 1990–2017 (≈ 0.31 vs ≈ 0.34 points)', () => {
    const err = (K: number) => sampleStd(buildCpiCalendar(CPI_FILE, { from: '1990-01', seasonalYears: K }).map((e) => (e.actual as number) - (e.consensus as number)));
    expect(err(5)).toBeCloseTo(0.3056, 3);
    expect(err(0)).toBeCloseTo(0.3384, 3);
  });

  it('the release-date rule against the 40 CPI releases of 2014–2017 in the schedule: 8 exact, mean error 2.5 days, worst 10', () => {
    const releases = buildReleaseCalendar(SCHEDULE, { types: ['cpi'] });
    expect(releases).toHaveLength(40);
    const errors = releases.map((r) => {
      const d = new Date(r.time);
      const ref = d.getUTCFullYear() * 12 + d.getUTCMonth() - 1;
      return (cpiReleaseTime(Math.floor(ref / 12), (ref % 12) + 1) - r.time) / 86_400_000;
    });
    expect(errors.filter((e) => e === 0)).toHaveLength(8); // same instant, 08:30 New York, as the schedule says
    const abs = errors.map(Math.abs);
    expect(abs.reduce((s, x) => s + x, 0) / abs.length).toBeCloseTo(2.5, 9);
    expect(Math.max(...abs)).toBe(10);
    // With the schedule's instants passed in, those months use them exactly.
    const exact = buildCpiCalendar(CPI_FILE, { from: '2013-12', releaseTimes: releases.map((r) => r.time) });
    expect(releases.every((r) => exact.some((e) => e.time === r.time))).toBe(true);
  });
});
