import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import type { NewsItem } from '../../data/calendar.js';
import { collectNews, formatNewsJsonl, mergeNewsItems, NewsStateFile, readNewsJsonl, writeNewsJsonl } from './collect.js';
import type { NewsSource } from './source.js';

const work = mkdtempSync(join(tmpdir(), 'rl-news-collect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const item = (id: string, time: number, symbols: string[] = [], text = `text ${id}`, source = 's'): NewsItem => ({ id, time, text, symbols, source });
const fixed = (name: string, items: NewsItem[], notModified = false): NewsSource => ({ name, kind: 'test', read: async () => ({ items, notModified }) });

describe('mergeNewsItems', () => {
  it('unites items sharing an id (first one wins, symbols united and sorted) and sorts by time then id', () => {
    const merged = mergeNewsItems([
      [item('b', 2, ['MSFT']), item('a', 2), item('c', 1)],
      [item('b', 2, ['AAPL', 'MSFT'], 'other text')],
    ]);
    expect(merged).toEqual([item('c', 1), item('a', 2), item('b', 2, ['AAPL', 'MSFT'])]);
  });
});

describe('collectNews', () => {
  it('merges sources, replaces existing items by id, keeps items no source gives any more, and counts what is new', async () => {
    const reports: string[] = [];
    const existing = [item('old', 1), item('x', 5, [], 'old text')];
    const result = await collectNews([fixed('one', [item('x', 5, [], 'corrected'), item('y', 6)]), fixed('two', [], true), fixed('three', [item('y', 6, ['A'])])], {
      existing,
      onSource: (r) => reports.push(`${r.name}:${r.items}:${r.notModified}`),
    });
    expect(result.items).toEqual([item('old', 1), item('x', 5, [], 'corrected'), item('y', 6, ['A'])]);
    expect(result.added).toBe(1);
    expect(reports).toEqual(['one:2:false', 'two:0:true', 'three:1:false']);
    expect(result.sources.map((s) => s.kind)).toEqual(['test', 'test', 'test']);
  });

  it('stops at the first source that fails', async () => {
    const failing: NewsSource = { name: 'bad', kind: 'test', read: () => Promise.reject(new DataError('f', 2, 'date', 'bad')) };
    await expect(collectNews([failing, fixed('ok', [item('a', 1)])])).rejects.toMatchObject({ code: 'E_DATA' });
  });
});

describe('JSONL output', () => {
  it('round-trips items, one object per line in a fixed key order, written atomically', () => {
    const file = join(work, 'out', 'news.jsonl');
    const items = [item('a', 1675209600000, ['SPY']), item('b', 1675296000000, [], 'quote " and\nnewline')];
    writeNewsJsonl(file, items);
    expect(readdirSync(join(work, 'out'))).toEqual(['news.jsonl']);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('{"id":"a","time":1675209600000,"text":"text a","symbols":["SPY"],"source":"s"}');
    expect(text.endsWith('\n')).toBe(true);
    expect(readNewsJsonl(file)).toEqual(items);
    expect(formatNewsJsonl([])).toBe('');
  });

  it('a bad line is a DataError naming the line and field', () => {
    const file = join(work, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(item('a', 1))}\n\n{"id":"b","time":1.5,"text":"x","symbols":[],"source":"s"}\n`);
    expect(() => readNewsJsonl(file)).toThrow(DataError);
    try {
      readNewsJsonl(file);
    } catch (e) {
      expect(e).toMatchObject({ line: 3, field: 'time' });
    }
    writeFileSync(file, `{"id":"b","time":1,"text":"x","symbols":[],"source":"s","extra":1}\n`);
    expect(() => readNewsJsonl(file)).toThrow(/line 1, field "extra": unknown key/);
  });
});

describe('NewsStateFile', () => {
  it('keeps state per scope and source, prunes empty entries, and writes only on save', () => {
    const path = join(work, 'state', 'news-state.json');
    const state = NewsStateFile.load(path);
    const a = state.scope('news.jsonl', 'fed');
    a.set('https://x.test/rss', { etag: '"1"' });
    expect(state.scope('other.jsonl', 'fed').get('https://x.test/rss')).toBeUndefined();
    expect(() => readFileSync(path)).toThrow();
    state.save();
    const again = NewsStateFile.load(path);
    expect(again.scope('news.jsonl', 'fed').get('https://x.test/rss')).toEqual({ etag: '"1"' });
    again.scope('news.jsonl', 'fed').set('https://x.test/rss', undefined);
    again.save();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, scopes: {} });
    const dropped = NewsStateFile.load(path);
    dropped.scope('a.jsonl', 'fed').set('u', { etag: '"2"' });
    dropped.scope('b.jsonl', 'fed').set('u', { etag: '"3"' });
    dropped.drop('a.jsonl');
    expect(dropped.scope('a.jsonl', 'fed').get('u')).toBeUndefined();
    expect(dropped.scope('b.jsonl', 'fed').get('u')).toEqual({ etag: '"3"' });
    writeFileSync(path, '{"version":2}');
    expect(() => NewsStateFile.load(path)).toThrow(/delete it to start over/);
  });
});
