import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../core/errors.js';
import { eventId } from '../data/calendar.js';
import type { CalendarEvent } from '../data/calendar.js';
import { builtinCalendar } from './builtin-calendar.js';
import { formatCalendarJsonl } from './calendar-files.js';
import { calendarHash, loadCalendar, readCalendarFile } from './load-calendar.js';

const work = mkdtempSync(join(tmpdir(), 'rl-load-calendar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

function event(time: number, type: string, over: Partial<CalendarEvent> = {}): CalendarEvent {
  const base = { time, type, scope: ['market'], importance: 'medium' as const, scheduled: true, source: { kind: 'calendar' as const, ref: 'user' }, ...over };
  return { ...base, id: eventId(base) };
}

const A = event(Date.UTC(2017, 0, 2), 'cpi', { actual: 0.2 });
const B = event(Date.UTC(2017, 0, 3), 'gdp');

const CSV = 'date,type,importance,actual,consensus,previous\n2017-01-04,payrolls,high,200,180,150\n';
const ICS = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20170105T133000Z\r\nSUMMARY:CPI\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

describe('readCalendarFile', () => {
  it('picks the format by extension', () => {
    expect(readCalendarFile(write('a.jsonl', formatCalendarJsonl([B, A])))).toEqual([A, B]);
    expect(readCalendarFile(write('a.json', JSON.stringify([B, A])))).toEqual([A, B]);
    expect(readCalendarFile(write('a.CSV', CSV))[0]).toMatchObject({ type: 'payrolls', actual: 200 });
    expect(readCalendarFile(write('a.ics', ICS))[0]).toMatchObject({ type: 'cpi', time: Date.UTC(2017, 0, 5, 13, 30) });
  });

  it('unknown extensions and missing files are DataErrors naming the file', () => {
    const txt = write('a.txt', '');
    expect(() => readCalendarFile(txt)).toThrow(expect.objectContaining({ code: 'E_DATA', file: txt }));
    expect(() => readCalendarFile(join(work, 'none.csv'))).toThrow(DataError);
  });
});

describe('loadCalendar', () => {
  it("'builtin' is the built-in calendar", () => {
    expect(loadCalendar('builtin')).toEqual(builtinCalendar());
  });

  it('merges files and the built-in calendar, sorted, identical duplicates kept once', () => {
    const jsonl = write('m.jsonl', formatCalendarJsonl([A, B]));
    const json = write('m.json', JSON.stringify([B]));
    const csv = write('m.csv', CSV);
    const merged = loadCalendar([json, jsonl, csv, 'builtin']);
    expect(merged).toHaveLength(3 + builtinCalendar().length);
    expect(merged.filter((e) => e.time >= Date.UTC(2017, 0, 1) && e.time < Date.UTC(2017, 0, 5)).map((e) => e.type)).toEqual(['cpi', 'gdp', 'payrolls']);
    for (let i = 1; i < merged.length; i++) expect(merged[i].time).toBeGreaterThanOrEqual(merged[i - 1].time);
  });

  it('the same id with different content, and an empty list, are errors', () => {
    const one = write('c1.jsonl', formatCalendarJsonl([A]));
    const other = write('c2.jsonl', formatCalendarJsonl([{ ...A, actual: 0.3 }]));
    expect(() => loadCalendar([one, other])).toThrow(expect.objectContaining({ code: 'E_DATA', file: other, field: 'id' }));
    expect(() => loadCalendar([])).toThrow(ConfigError);
  });
});

describe('calendarHash', () => {
  it('ignores order and key order; any change of content changes it', () => {
    const h = calendarHash([A, B]);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(calendarHash([B, A])).toBe(h);
    const reordered = JSON.parse(JSON.stringify({ source: A.source, type: A.type, id: A.id, actual: A.actual, time: A.time, scope: A.scope, scheduled: A.scheduled, importance: A.importance })) as CalendarEvent;
    expect(calendarHash([B, reordered])).toBe(h);
    expect(calendarHash([{ ...A, actual: 0.21 }, B])).not.toBe(h);
    expect(calendarHash([A])).not.toBe(h);
  });
});
