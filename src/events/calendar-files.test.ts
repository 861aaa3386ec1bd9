import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { eventId } from '../data/calendar.js';
import type { CalendarEvent } from '../data/calendar.js';
import {
  formatCalendarCsv,
  formatCalendarJsonl,
  parseCalendarCsv,
  parseCalendarJsonArray,
  parseCalendarJsonl,
  parseCsvTable,
  readCalendarCsv,
  readCalendarJsonl,
  sampleStd,
  standardiseSurprises,
  writeCalendarCsv,
  writeCalendarJsonl,
} from './calendar-files.js';

const work = mkdtempSync(join(tmpdir(), 'rl-calendar-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function event(over: Partial<CalendarEvent> & { time: number; type: string }): CalendarEvent {
  const base = { scope: ['market'], importance: 'high' as const, scheduled: true, source: { kind: 'calendar' as const, ref: 'test' }, ...over };
  return { ...base, id: eventId(base) };
}

const EVENTS: CalendarEvent[] = [
  event({ time: Date.UTC(2017, 11, 13, 19), type: 'fomc', actual: 1.5, consensus: 1.45, previous: 1.25, surprise: -0.8, text: 'FOMC, "hike"' }),
  event({ time: Date.UTC(2017, 10, 15, 13, 30), type: 'cpi', importance: 'medium', actual: 0.1, previous: 0.5 }),
  event({ time: Date.UTC(2017, 10, 2), type: 'earnings', scope: ['AAPL', 'MSFT'], scheduled: false, sentiment: 0.5, magnitude: 3 }),
];

function thrown(fn: () => unknown): DataError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError');
}

describe('JSONL calendars', () => {
  it('round-trips every field, sorted by time, keys in schema order, one line per event', () => {
    const text = formatCalendarJsonl(EVENTS);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(['id', 'time', 'type', 'scope', 'importance', 'scheduled', 'sentiment', 'magnitude', 'source']);
    const back = parseCalendarJsonl(text, { file: 'x.jsonl' });
    expect(back.map((e) => e.type)).toEqual(['earnings', 'cpi', 'fomc']);
    expect(back).toEqual([EVENTS[2], EVENTS[1], EVENTS[0]]);
  });

  it('skips blank lines and names file, line and field of an invalid event', () => {
    const good = JSON.stringify(EVENTS[0]);
    const bad = JSON.stringify({ ...EVENTS[1], importance: 'huge' });
    expect(thrown(() => parseCalendarJsonl(`${good}\n\n${bad}\n`, { file: 'c.jsonl' }))).toMatchObject({ code: 'E_DATA', file: 'c.jsonl', line: 3, field: 'importance' });
    const nested = JSON.stringify({ ...EVENTS[1], source: { kind: 'rumour', ref: 'x' } });
    expect(thrown(() => parseCalendarJsonl(nested, { file: 'c.jsonl' }))).toMatchObject({ line: 1, field: 'source.kind' });
    const extra = JSON.stringify({ ...EVENTS[1], colour: 'red' });
    expect(thrown(() => parseCalendarJsonl(extra, { file: 'c.jsonl' }))).toMatchObject({ line: 1, field: 'colour' });
    expect(thrown(() => parseCalendarJsonl(`${good}\n{oops`, { file: 'c.jsonl' }))).toMatchObject({ line: 2, field: undefined });
    expect(thrown(() => parseCalendarJsonl(`${good}\n${good}`, { file: 'c.jsonl' }))).toMatchObject({ line: 2, field: 'id' });
  });

  it('reads a JSON array, naming [index].field on error', () => {
    expect(parseCalendarJsonArray(JSON.stringify(EVENTS), { file: 'c.json' })).toHaveLength(3);
    const bad = JSON.stringify([EVENTS[0], { ...EVENTS[1], time: 1.5 }]);
    expect(thrown(() => parseCalendarJsonArray(bad, { file: 'c.json' }))).toMatchObject({ file: 'c.json', line: undefined, field: '[1].time' });
    expect(thrown(() => parseCalendarJsonArray('{}', { file: 'c.json' })).message).toContain('array');
  });

  it('writes atomically (no temporary file left) and reads back equal', () => {
    const file = join(work, 'cal.jsonl');
    writeCalendarJsonl(file, EVENTS);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readCalendarJsonl(file)).toEqual([EVENTS[2], EVENTS[1], EVENTS[0]]);
  });
});

const CSV_HEADER = 'date,type,importance,actual,consensus,previous';

describe('CSV calendars', () => {
  it('parses required and optional columns with UTC times, scopes and defaults', () => {
    const text = [
      `${CSV_HEADER},time,scope,surprise,text`,
      '2017-12-13,fomc,high,1.5,1.45,1.25,19:00,,-0.8,FOMC hike',
      '2017-11-02,earnings,medium,0.52,0.47,,,AAPL; MSFT,,',
      '2017-11-15,cpi,low,,,0.5,13:30:15,,,',
    ].join('\n');
    const [earn, cpi, fomc] = parseCalendarCsv(text, { file: 'dir/my.csv' });
    expect(earn).toMatchObject({ time: Date.UTC(2017, 10, 2), type: 'earnings', scope: ['AAPL', 'MSFT'], importance: 'medium', actual: 0.52, consensus: 0.47, scheduled: true });
    expect(earn.previous).toBeUndefined();
    expect(cpi).toMatchObject({ time: Date.UTC(2017, 10, 15, 13, 30, 15), scope: ['market'], previous: 0.5 });
    expect('actual' in cpi).toBe(false);
    expect(fomc).toMatchObject({ time: Date.UTC(2017, 11, 13, 19), surprise: -0.8, text: 'FOMC hike', source: { kind: 'calendar', ref: 'my.csv' } });
    expect(fomc.id).toBe(eventId(fomc));
  });

  it('standardises missing surprises per type: sign · (actual − consensus) / sample σ of the type', () => {
    const text = [
      CSV_HEADER,
      // cpi diffs +0.1, −0.1 → σ = 0.1·√2; cpi sign is −1
      '2017-01-12,cpi,high,0.3,0.2,',
      '2017-02-15,cpi,high,0.1,0.2,',
      // payrolls diffs +10, +30 → mean 20, σ = 10·√2; sign +1
      '2017-01-06,payrolls,high,160,150,',
      '2017-02-03,payrolls,high,180,150,',
      // a single event of its type: no σ, no surprise
      '2017-03-01,gdp,high,2.5,2.0,',
    ].join('\n');
    const byDay = new Map(parseCalendarCsv(text, { file: 'c.csv' }).map((e) => [new Date(e.time).toISOString().slice(0, 10), e]));
    expect(byDay.get('2017-01-12')?.surprise).toBeCloseTo(-0.1 / (0.1 * Math.SQRT2), 12);
    expect(byDay.get('2017-02-15')?.surprise).toBeCloseTo(0.1 / (0.1 * Math.SQRT2), 12);
    expect(byDay.get('2017-01-06')?.surprise).toBeCloseTo(10 / (10 * Math.SQRT2), 12);
    expect(byDay.get('2017-02-03')?.surprise).toBeCloseTo(30 / (10 * Math.SQRT2), 12);
    expect(byDay.get('2017-03-01')?.surprise).toBeUndefined();
    const flipped = parseCalendarCsv(text, { file: 'c.csv', signs: { cpi: 1 } });
    expect(flipped.find((e) => e.time === Date.UTC(2017, 0, 12))?.surprise).toBeCloseTo(1 / Math.SQRT2, 12);
  });

  it('names file, line and field of a bad row', () => {
    const at = (row: string) => thrown(() => parseCalendarCsv(`${CSV_HEADER}\n2017-01-12,cpi,high,0.3,0.2,\n${row}\n`, { file: 'c.csv' }));
    expect(at('2017-02-30,cpi,high,,,')).toMatchObject({ code: 'E_DATA', file: 'c.csv', line: 3, field: 'date' });
    expect(at('2017-02-01,CPI,high,,,')).toMatchObject({ line: 3, field: 'type' });
    expect(at('2017-02-01,cpi,urgent,,,')).toMatchObject({ line: 3, field: 'importance' });
    expect(at('2017-02-01,cpi,high,0x1A,,')).toMatchObject({ line: 3, field: 'actual' });
    expect(at('2017-02-01,cpi,high,,,,')).toMatchObject({ line: 3, field: undefined });
    expect(at('2017-01-12,cpi,low,,,')).toMatchObject({ line: 3, field: 'id' });
    expect(thrown(() => parseCalendarCsv(`${CSV_HEADER},time\n2017-01-12,cpi,high,,,,25:00\n`, { file: 'c.csv' }))).toMatchObject({ line: 2, field: 'time' });
    expect(thrown(() => parseCalendarCsv('date,type,importance,actual,consensus\n', { file: 'c.csv' }))).toMatchObject({ line: 1, field: 'previous' });
    expect(thrown(() => parseCalendarCsv(`${CSV_HEADER},colour\n`, { file: 'c.csv' }))).toMatchObject({ line: 1, field: 'colour' });
  });

  it('round-trips through write and read (values, surprise, times, scope, quoted text)', () => {
    const file = join(work, 'cal.csv');
    writeCalendarCsv(file, EVENTS);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('date,type,importance,actual,consensus,previous,time,scope,surprise,text');
    const back = readCalendarCsv(file);
    const strip = (e: CalendarEvent) => ({ time: e.time, type: e.type, scope: e.scope, importance: e.importance, actual: e.actual, consensus: e.consensus, previous: e.previous, surprise: e.surprise, text: e.text });
    expect(back.map(strip)).toEqual([EVENTS[2], EVENTS[1], EVENTS[0]].map(strip));
    expect(formatCalendarCsv(back)).toBe(formatCalendarCsv(EVENTS));
  });
});

describe('helpers', () => {
  it('sampleStd uses n − 1 and is NaN below two values', () => {
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(sampleStd([7])).toBeNaN();
  });

  it('standardiseSurprises leaves σ = 0 types and given surprises alone', () => {
    const out = standardiseSurprises([
      { type: 'x', actual: 1, consensus: 0 },
      { type: 'x', actual: 1, consensus: 0 },
      { type: 'y', actual: 2, consensus: 0, surprise: 9 },
      { type: 'y', actual: 0, consensus: 0 },
    ]);
    expect(out[0].surprise).toBeUndefined();
    expect(out[2].surprise).toBe(9);
    expect(out[3].surprise).toBe(0);
  });

  it('parseCsvTable reports the line a row starts on across blank lines, CRLF and multi-line quoted cells', () => {
    const rows = parseCsvTable('a,b\r\n1,2\r\n\r\n3,"x\r\ny"\r\n5,6\r\n', 't.csv', ['a', 'b']);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(rows[1].get('b')).toBe('x\ny');
    expect(rows[0].get('missing')).toBe('');
  });
});
