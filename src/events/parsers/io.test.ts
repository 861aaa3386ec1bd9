import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NewsItem } from '../../data/calendar.js';
import { createBuiltinParser } from './builtin.js';
import { loadCalendar } from '../load-calendar.js';
import { formatEventsJsonl, generatedNewsId, mergeNewsItems, parseNewsTime, readNewsFile } from './io.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-news-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('parseNewsTime', () => {
  it.each([
    ['2020-03-15', Date.UTC(2020, 2, 15)],
    ['2009-04-29 08:48:00-04:00', Date.UTC(2009, 3, 29, 12, 48)],
    ['2013-12-31T23:10:08Z', Date.UTC(2013, 11, 31, 23, 10, 8)],
    ['2013-12-31T23:10', Date.UTC(2013, 11, 31, 23, 10)],
    ['2013-12-31 23:10:08+0100', Date.UTC(2013, 11, 31, 22, 10, 8)],
    ['1584230400000', 1584230400000],
    ['04/29/2009', undefined],
    ['2009-13-45', undefined],
  ])('%s → %s', (text, value) => {
    expect(parseNewsTime(text)).toBe(value);
  });
});

describe('readNewsFile', () => {
  it('reads JSONL news items (symbols default to none)', () => {
    const f = file('a.jsonl', `${JSON.stringify({ id: 'x', time: 5, text: 'hi', source: 's' })}\n\n${JSON.stringify({ id: 'y', time: 6, text: 'yo', symbols: ['A'], source: 's' })}\n`);
    expect(readNewsFile(f)).toEqual([
      { id: 'x', time: 5, text: 'hi', symbols: [], source: 's' },
      { id: 'y', time: 6, text: 'yo', symbols: ['A'], source: 's' },
    ]);
  });

  it('names the line and field of a bad JSONL item', () => {
    const f = file('bad.jsonl', `${JSON.stringify({ id: 'x', time: 5, text: 'hi', source: 's' })}\n${JSON.stringify({ id: 'y', time: 'noon', text: 'yo', source: 's' })}\n`);
    expect(() => readNewsFile(f)).toThrow(expect.objectContaining({ code: 'E_DATA', line: 2, field: 'time' }));
  });

  it('reads CSV with detected columns (Benzinga layout), generating ids', () => {
    const f = file('bz.csv', 'date,datetime,ticker,title\n2009-04-29,2009-04-29 08:48:00-04:00,A,Going Against the Herd\n');
    const [item] = readNewsFile(f);
    expect(item).toEqual({ id: generatedNewsId('bz', Date.UTC(2009, 3, 29, 12, 48), 'Going Against the Herd'), time: Date.UTC(2009, 3, 29, 12, 48), text: 'Going Against the Herd', symbols: ['A'], source: 'bz' });
  });

  it('reads CSV with named columns and a source name (tweets layout)', () => {
    const f = file('tw.csv', '"date","created_at_utc","ticker","tweet_id","text"\n"2014-01-01","2014-01-01T00:00:48Z","GE","4181","Dow trend $GE"\n');
    expect(readNewsFile(f, { columns: { time: 'date' }, source: 'stocknet' })).toEqual([{ id: '4181', time: Date.UTC(2014, 0, 1), text: 'Dow trend $GE', symbols: ['GE'], source: 'stocknet' }]);
  });

  it('names a missing column, a bad time and an unknown extension', () => {
    const f = file('x.csv', 'when,text\n2020-01-01,hi\n');
    expect(() => readNewsFile(f)).toThrow(expect.objectContaining({ code: 'E_DATA', message: expect.stringContaining('--time-col') }));
    expect(() => readNewsFile(f, { columns: { time: 'wen' } })).toThrow(expect.objectContaining({ code: 'E_DATA', field: 'wen' }));
    const g = file('y.csv', 'time,text\n2020-01-01,hi\n01/02/2020,there\n');
    expect(() => readNewsFile(g)).toThrow(expect.objectContaining({ code: 'E_DATA', line: 3, field: 'time' }));
    expect(() => readNewsFile(file('z.txt', 'hello'))).toThrow(expect.objectContaining({ code: 'E_DATA' }));
  });
});

describe('mergeNewsItems', () => {
  it('merges one text listed under several tickers and drops id conflicts', () => {
    const base: NewsItem = { id: '1', time: 0, text: 't', symbols: ['A'], source: 's' };
    const r = mergeNewsItems([base, { ...base, symbols: ['B'] }, { ...base, text: 'other' }, { ...base, id: '2' }]);
    expect(r.items).toEqual([{ ...base, symbols: ['A', 'B'] }, { ...base, id: '2' }]);
    expect(r).toMatchObject({ merged: 1, dropped: 1 });
  });
});

describe('events files', () => {
  it('writes JSONL that the calendar loader reads back unchanged', async () => {
    const events = await createBuiltinParser().parse([
      { id: '1', time: 0, text: 'Fed cuts rates', symbols: [], source: 's' },
      { id: '2', time: 1, text: 'Acme (NYSE: ACME) EPS beat by $0.12', symbols: [], source: 's' },
    ]);
    expect(loadCalendar(file('e.jsonl', formatEventsJsonl(events)))).toEqual(events);
  });
});
