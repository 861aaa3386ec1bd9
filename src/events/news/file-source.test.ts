import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import type { NewsItem } from '../../data/calendar.js';
import { mergeNewsItems } from './collect.js';
import { formatFromExtension, parseNewsFile, readNewsFile } from './file-source.js';
import type { NewsColumns, NewsFileFormat } from './file-source.js';
import { createNewsSourceRegistry, openNewsSource } from './index.js';
import { newsItemId } from './source.js';

const work = mkdtempSync(join(tmpdir(), 'rl-news-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cols: NewsColumns = { time: 'date', text: 'headline', symbols: 'ticker' };
const parse = (text: string, format: NewsFileFormat = 'csv', columns: NewsColumns = cols): NewsItem[] =>
  parseNewsFile(text, { file: 'h.csv', format, columns, source: 'h' });

/** The DataError `f` throws. */
function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseNewsFile: CSV', () => {
  it('maps the configured columns and reads every date form', () => {
    const items = parse(
      [
        'date,headline,ticker',
        '2023-02-01,Fed raises rates by 25 bp,SPY',
        '2009-04-29 08:48:00-04:00,"Going Against the Herd, again",A',
        '2014-01-01T00:00:48Z,Dow trend,"AAPL, MSFT"',
        '1734548400000,Fed cuts,',
      ].join('\n'),
    );
    expect(items.map((i) => i.time)).toEqual([Date.UTC(2023, 1, 1), Date.UTC(2009, 3, 29, 12, 48), Date.UTC(2014, 0, 1, 0, 0, 48), 1734548400000]);
    expect(items[1].text).toBe('Going Against the Herd, again');
    expect(items.map((i) => i.symbols)).toEqual([['SPY'], ['A'], ['AAPL', 'MSFT'], []]);
    expect(items[0]).toEqual({ id: newsItemId('h', Date.UTC(2023, 1, 1), 'Fed raises rates by 25 bp'), time: Date.UTC(2023, 1, 1), text: 'Fed raises rates by 25 bp', symbols: ['SPY'], source: 'h' });
  });

  it('generates stable ids from source, time and text, and uses an id column when mapped', () => {
    const csv = 'id,date,headline\nx1,2023-02-01,A\n,2023-02-02,B\n';
    const a = parse(csv, 'csv', { time: 'date', text: 'headline', id: 'id' });
    expect(a[0].id).toBe('x1');
    expect(a[1].id).toBe(newsItemId('h', Date.UTC(2023, 1, 2), 'B')); // an empty id cell falls back to the hash
    expect(parse(csv, 'csv', { time: 'date', text: 'headline' })[0].id).toMatch(/^[0-9a-f]{16}$/);
    expect(parseNewsFile(csv, { file: 'h.csv', format: 'csv', columns: { time: 'date', text: 'headline' }, source: 'other' })[0].id).not.toBe(
      parse(csv, 'csv', { time: 'date', text: 'headline' })[0].id,
    );
  });

  it('matches headers case-insensitively, skips blank lines, ignores a BOM and CRLF', () => {
    const items = parse('\ufeffDate , Headline,TICKER\r\n\r\n2023-02-01,x,A\r\n', 'csv');
    expect(items).toHaveLength(1);
    expect(items[0].symbols).toEqual(['A']);
  });

  it('bad rows name the file, the physical line and the column', () => {
    const e = dataError(() => parse('date,headline,ticker\n2023-02-01,ok,A\n"2023-02-02","multi\nline",B\n2023-02-30,bad day,C\n'));
    expect(e).toMatchObject({ code: 'E_DATA', file: 'h.csv', line: 5, field: 'date' });
    expect(e.message).toContain('does not exist');
    expect(dataError(() => parse('date,headline,ticker\n04/29/2009,x,A\n'))).toMatchObject({ line: 2, field: 'date' });
    expect(dataError(() => parse('date,headline,ticker\n1388530808,x,A\n')).message).toContain('epoch seconds'); // seconds, not ms
    expect(dataError(() => parse('date,headline,ticker\n2023-02-01,  ,A\n'))).toMatchObject({ line: 2, field: 'headline' });
    expect(dataError(() => parse('date,headline,ticker\n2023-02-01,x\n'))).toMatchObject({ line: 2, field: undefined });
    expect(dataError(() => parse('date,title\n2023-02-01,x\n'))).toMatchObject({ line: 1, field: 'headline' });
    expect(dataError(() => parse('date,headline,ticker\n2023-02-01,"unclosed,A\n')).message).toContain('malformed CSV');
    expect(dataError(() => parse(''))).toMatchObject({ line: 1 });
  });
});

describe('parseNewsFile: JSON and JSONL', () => {
  const rows = [
    { date: '2023-02-01', headline: 'Fed raises', ticker: ['SPY', 'QQQ'] },
    { date: 1675296000000, headline: 'Stocks rally', ticker: 'SPY' },
  ];

  it('reads an array of objects and one object per line, with epoch-ms numbers and symbol arrays', () => {
    const fromJson = parse(JSON.stringify(rows, null, 2), 'json');
    const fromJsonl = parse(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n\n`, 'jsonl');
    expect(fromJson).toEqual(fromJsonl);
    expect(fromJson.map((i) => [i.time, i.symbols])).toEqual([
      [Date.UTC(2023, 1, 1), ['SPY', 'QQQ']],
      [1675296000000, ['SPY']],
    ]);
  });

  it('errors name the line where the element starts, and the key', () => {
    const text = JSON.stringify([rows[0], { date: '2023-02-02', ticker: 'X' }, rows[1]], null, 2);
    const e = dataError(() => parse(text, 'json'));
    expect(e).toMatchObject({ line: text.split('\n').findIndex((l) => l.includes('2023-02-02')), field: 'headline' }); // the `{` line before it
    expect(dataError(() => parse('{"date":"2023-02-01","headline":"x"}\n{"date":"2023-02-01","headline":7}\n', 'jsonl'))).toMatchObject({ line: 2, field: 'headline' });
    expect(dataError(() => parse('{"date":"2023-02-01","headline":"x"}\n{oops}\n', 'jsonl'))).toMatchObject({ line: 2 });
    expect(dataError(() => parse('[{"date": "2023-02-01",\n"headline": }]', 'json')).message).toContain('not valid JSON');
    expect(dataError(() => parse('{"a": 1}', 'json')).message).toContain('array');
    expect(dataError(() => parse('[1]', 'json')).message).toContain('object');
    expect(dataError(() => parse('[{"date":"2023-02-01","headline":"x","ticker":5}]', 'json'))).toMatchObject({ field: 'ticker' });
  });
});

describe('file source', () => {
  it('picks the format from the extension and refuses others', () => {
    expect(formatFromExtension('a/b.CSV')).toBe('csv');
    expect(formatFromExtension('b.ndjson')).toBe('jsonl');
    expect(() => formatFromExtension('b.txt')).toThrow(DataError);
  });

  it('reads relative to the project directory through the registry', async () => {
    writeFileSync(join(work, 'h.jsonl'), '{"when":"2023-02-01","title":"Fed raises"}\n');
    const source = openNewsSource(createNewsSourceRegistry(), { name: 'mine', kind: 'file', path: 'h.jsonl', columns: { time: 'when', text: 'title' } }, { baseDir: work });
    const { items, notModified } = await source.read();
    expect(notModified).toBe(false);
    expect(items).toEqual([{ id: newsItemId('mine', Date.UTC(2023, 1, 1), 'Fed raises'), time: Date.UTC(2023, 1, 1), text: 'Fed raises', symbols: [], source: 'mine' }]);
    await expect(openNewsSource(createNewsSourceRegistry(), { name: 'm', kind: 'file', path: 'none.csv' }, { baseDir: work }).read()).rejects.toMatchObject({ code: 'E_DATA' });
  });
});

const NEWS = fileURLToPath(new URL('../../../../shared/data/news/', import.meta.url));
const haveShared = existsSync(NEWS);

describe.skipIf(!haveShared)(`real headline files${haveShared ? '' : ' (skipped: ../shared/data/news is not present)'}`, () => {
  it('Benzinga headlines (date, datetime, ticker, title): 6,777 rows, 2009-04-29..2017-12-31, one item per distinct timestamped headline', () => {
    const file = join(NEWS, 'benzinga_headlines_A-ACAT_2009_2017.csv');
    const items = readNewsFile(file, { columns: { time: 'datetime', text: 'title', symbols: 'ticker' }, source: 'benzinga' });
    expect(items).toHaveLength(6777);
    // "2009-04-29 08:48:00-04:00": the offset is honoured
    expect(items[0]).toMatchObject({ time: Date.UTC(2009, 3, 29, 12, 48), text: 'Going Against the Herd', symbols: ['A'] });
    expect(new Date(items[items.length - 1].time).toISOString()).toBe('2017-12-31T16:34:00.000Z'); // 11:34 −05:00
    const merged = mergeNewsItems([items]);
    expect(merged).toHaveLength(6698); // the same headline filed under several tickers is one item
    expect(merged.some((i) => i.symbols.length > 1)).toBe(true);
    const byDay = readNewsFile(file, { columns: { time: 'date', text: 'title' }, source: 'benzinga' });
    expect(byDay[0].time).toBe(Date.UTC(2009, 3, 29));
    expect(mergeNewsItems([byDay])).toHaveLength(6637);
  });

  it('StockNet tweets (date, created_at_utc, ticker, tweet_id, text): 42,872 rows of 39,331 tweets, 2013-12-31..2016-03-31', () => {
    const file = join(NEWS, 'stocknet_tweets_shared_tickers.csv');
    const items = readNewsFile(file, { columns: { time: 'created_at_utc', text: 'text', symbols: 'ticker', id: 'tweet_id' }, source: 'stocknet' });
    expect(items).toHaveLength(42872);
    expect(items[0]).toMatchObject({ id: '418157151946035200', time: Date.UTC(2013, 11, 31, 23, 10, 8), symbols: ['AAPL'] });
    const merged = mergeNewsItems([items]);
    expect(merged).toHaveLength(39331);
    expect(merged.find((i) => i.id === '418169902613008384')?.symbols).toEqual(['GE', 'INTC', 'JPM', 'KO', 'MSFT']);
    expect(new Date(merged[merged.length - 1].time).toISOString().slice(0, 10)).toBe('2016-03-31');
  });
});
