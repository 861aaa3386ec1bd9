import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ParseCache, parseThroughCache } from './cache.js';

const root = mkdtempSync(join(tmpdir(), 'rl-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `c${n++}`);

const schema = z.strictObject({ sentiment: z.number() });
const key = { parser: 'openai', model: 'm', promptVersion: 'v1', text: 'Fed cuts rates' };

describe('ParseCache', () => {
  it('misses, stores one JSON file per key, then hits; counts both', () => {
    const cache = new ParseCache(freshDir());
    expect(cache.get(key, schema)).toBeUndefined();
    cache.set(key, { sentiment: 0.5 });
    expect(cache.get(key, schema)).toEqual({ sentiment: 0.5 });
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, writes: 1 });
    const files = readdirSync(cache.dir);
    expect(files).toEqual([ParseCache.fileName(key)]);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(JSON.parse(readFileSync(join(cache.dir, files[0]), 'utf8'))).toEqual({ ...key, value: { sentiment: 0.5 } });
  });

  it('every key field matters: parser, model, prompt version and text', () => {
    const cache = new ParseCache(freshDir());
    cache.set(key, { sentiment: 0.5 });
    for (const change of [{ parser: 'llama' }, { model: 'other' }, { promptVersion: 'v2' }, { text: 'Fed hikes rates' }]) {
      expect(cache.get({ ...key, ...change }, schema)).toBeUndefined();
    }
    expect(new Set([key, { ...key, model: 'other' }, { ...key, text: 'x' }].map(ParseCache.fileName)).size).toBe(3);
  });

  it('a corrupt, foreign or invalid entry is a miss and is overwritten by the next set', () => {
    const cache = new ParseCache(freshDir());
    cache.set(key, { sentiment: 0.5 });
    const path = join(cache.dir, ParseCache.fileName(key));
    writeFileSync(path, '{"parser": "openai", "model": "m", "prom');
    expect(cache.get(key, schema)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ ...key, text: 'another text', value: { sentiment: 1 } }));
    expect(cache.get(key, schema)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ ...key, value: { sentiment: 'high' } }));
    expect(cache.get(key, schema)).toBeUndefined();
    cache.set(key, { sentiment: -0.25 });
    expect(cache.get(key, schema)).toEqual({ sentiment: -0.25 });
    expect(readdirSync(cache.dir)).toHaveLength(1); // no temporary files left behind
  });
});

describe('parseThroughCache', () => {
  const opts = (cache: ParseCache | undefined, asked: string[][]) => ({
    key: { parser: 'p', model: 'm', promptVersion: 'v1' },
    ...(cache !== undefined ? { cache } : {}),
    schema,
    batchSize: 2,
    textOf: (t: string) => t,
    ask: (texts: readonly string[]) => {
      asked.push([...texts]);
      return Promise.resolve(texts.map((t) => ({ sentiment: t.length / 100 })));
    },
  });

  it('asks each distinct uncached text once, in batches, and never again once cached', async () => {
    const cache = new ParseCache(freshDir());
    const asked: string[][] = [];
    const first = await parseThroughCache(['a', 'bb', 'a', 'ccc', 'dddd'], opts(cache, asked));
    expect(asked).toEqual([['a', 'bb'], ['ccc', 'dddd']]);
    expect(first.map((x) => x.sentiment)).toEqual([0.01, 0.02, 0.01, 0.03, 0.04]);
    const again: string[][] = [];
    const second = await parseThroughCache(['dddd', 'a', 'eeeee'], opts(cache, again));
    expect(again).toEqual([['eeeee']]);
    expect(second.map((x) => x.sentiment)).toEqual([0.04, 0.01, 0.05]);
    expect(cache.stats()).toMatchObject({ hits: 2, writes: 5 });
  });

  it('caches each batch as soon as it returns: a failure keeps what was answered', async () => {
    const cache = new ParseCache(freshDir());
    let calls = 0;
    const failing = {
      ...opts(cache, []),
      ask: (texts: readonly string[]) => (++calls === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(texts.map(() => ({ sentiment: 0 })))),
    };
    await expect(parseThroughCache(['a', 'b', 'c'], failing)).rejects.toThrow('boom');
    expect(cache.get({ parser: 'p', model: 'm', promptVersion: 'v1', text: 'b' }, schema)).toEqual({ sentiment: 0 });
    expect(existsSync(join(cache.dir, ParseCache.fileName({ parser: 'p', model: 'm', promptVersion: 'v1', text: 'c' })))).toBe(false);
  });

  it('works without a cache', async () => {
    const asked: string[][] = [];
    expect((await parseThroughCache(['x', 'x'], opts(undefined, asked))).length).toBe(2);
    expect(asked).toEqual([['x']]);
  });
});
