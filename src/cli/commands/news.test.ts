import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RlError } from '../../core/errors.js';
import { createNewsSourceRegistry, defineNewsSource, readNewsJsonl } from '../../events/news/index.js';
import type { CliIo } from '../io.js';
import { registerNewsCommand } from './news.js';
import type { NewsRegistries } from './news.js';

const rss = readFileSync(new URL('../../../tests/fixtures/feeds/fed-press-monetary.rss.xml', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rl-news-cli-'));
let server: Server;
let feedUrl: string;
const hits: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.headers['if-none-match']);
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(rss);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/press_monetary.xml`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(work, { recursive: true, force: true });
});

/** Runs `rl news …` in-process on a fresh program, as src/cli/main.ts would: an RlError becomes one line and its exit code. */
async function rl(args: string[], registries?: NewsRegistries): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), errIsTty: false };
  const program = new Command('rl').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerNewsCommand(program, io, registries);
  try {
    await program.parseAsync(['node', 'rl', ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode, stdout, stderr };
    if (e instanceof RlError) return { code: e.exitCode, stdout, stderr: `${stderr}rl: ${e.message}\n` };
    throw e;
  }
}

describe('rl news (in-process)', () => {
  const project = join(work, 'project');
  const csv = join(project, 'data', 'headlines.csv');
  const out = join(work, 'news.jsonl');

  it('sources add/list/remove keep .rl/config.json', async () => {
    mkdirSync(join(project, 'data'), { recursive: true });
    writeFileSync(csv, 'date,headline,ticker\n2024-12-18,Stocks slide after the Fed signals fewer cuts,SPY\n2024-12-18,Stocks slide after the Fed signals fewer cuts,QQQ\n2024-09-18,Fed cuts by half a point,SPY\n');
    const p = ['--project', project];
    expect((await rl(['news', ...p, 'sources', 'add', 'headlines', '--file', csv, '--text-col', 'headline', '--symbols-col', 'ticker'])).code).toBe(0);
    expect((await rl(['news', 'sources', 'add', 'fed', '--url', feedUrl, '--symbols', 'market', ...p])).code).toBe(0); // --project after the subcommand too
    const listed = await rl(['news', ...p, 'sources', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: 'headlines', kind: 'file', path: join('data', 'headlines.csv'), columns: { time: 'date', text: 'headline', symbols: 'ticker' } },
      { name: 'fed', kind: 'feed', url: feedUrl, symbols: ['market'] },
    ]);
    expect((await rl(['news', ...p, 'sources', 'list'])).stdout).toMatch(/^headlines {2}file {2}data\/headlines\.csv {2}time=date text=headline symbols=ticker\nfed {8}feed {2}http/);
    expect(JSON.parse(readFileSync(join(project, '.rl', 'config.json'), 'utf8')).news.sources).toHaveLength(2);

    expect((await rl(['news', ...p, 'sources', 'add', 'tmp', '--url', 'https://example.org/rss'])).code).toBe(0);
    expect((await rl(['news', ...p, 'sources', 'remove', 'tmp'])).stdout).toBe('removed news source "tmp"\n');
    const unknown = await rl(['news', ...p, 'sources', 'remove', 'tmp']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown news source "tmp"');
  });

  it('sources add refuses flags of the other kind, a taken name and a bad URL, each naming the problem', async () => {
    const p = ['--project', project];
    const cases: [string[], number, string][] = [
      [['headlines', '--file', csv], 2, 'exists already'],
      [['x', '--url', feedUrl, '--time-col', 'd'], 2, '--time-col'],
      [['x', '--file', csv, '--symbols', 'market'], 2, '--symbols'],
      [['x'], 2, '--file PATH or --url URL'],
      [['x', '--url', 'ftp://example.org/rss'], 2, 'news.sources[2].url'],
      [['x', '--file', csv, '--format', 'xlsx'], 1, 'xlsx'],
      [['x', '--file', csv, '--url', feedUrl], 1, 'cannot be used with'],
      [['a b', '--file', csv], 2, 'name'],
    ];
    for (const [args, code, text] of cases) {
      const r = await rl(['news', ...p, 'sources', 'add', ...args]);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toContain(text);
    }
    expect(JSON.parse((await rl(['news', ...p, 'sources', 'list', '--json'])).stdout)).toHaveLength(2);
  });

  it('fetch merges the sources into sorted, de-duplicated JSONL; a second fetch gets 304 and keeps the feed items', async () => {
    const first = await rl(['news', '--project', project, 'fetch', '--out', out, '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toEqual({
      out,
      items: 13, // 2 headlines (one filed under two tickers) + 11 press releases
      added: 13,
      sources: [
        { name: 'headlines', kind: 'file', items: 3, notModified: false },
        { name: 'fed', kind: 'feed', items: 11, notModified: false },
      ],
    });
    expect(first.stderr).toContain('headlines: 3 items\nfed: 11 items\n');
    const items = readNewsJsonl(out);
    expect(items.map((i) => i.time)).toEqual([...items.map((i) => i.time)].sort((a, b) => a - b));
    expect(items.find((i) => i.source === 'headlines' && i.symbols.length === 2)?.symbols).toEqual(['QQQ', 'SPY']);
    expect(items.filter((i) => i.source === 'fed').every((i) => i.symbols[0] === 'market')).toBe(true);
    const bytes = readFileSync(out, 'utf8');

    const second = await rl(['news', '--project', project, 'fetch', '--out', out]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`13 items (0 new) from 2 sources → ${out}\n`);
    expect(second.stderr).toContain('fed: not modified since the last fetch');
    expect(hits.slice(-2)).toEqual([undefined, '"v1"']);
    expect(readFileSync(out, 'utf8')).toBe(bytes);

    // --replace fetches in full; a new output file has no validators yet either
    expect(JSON.parse((await rl(['news', '--project', project, 'fetch', '--out', out, '--replace', '--json'])).stdout).sources[1].notModified).toBe(false);
    const other = join(work, 'fed-only.jsonl');
    const only = await rl(['news', '--project', project, 'fetch', '--source', 'fed', '--out', other, '--json']);
    expect(JSON.parse(only.stdout)).toMatchObject({ items: 11, sources: [{ name: 'fed', notModified: false }] });
    expect(hits.slice(-2)).toEqual([undefined, undefined]);
  });

  it('a bad row fails with one line naming file, line and field, and leaves the output as it was', async () => {
    const before = readFileSync(out, 'utf8');
    writeFileSync(csv, 'date,headline,ticker\n2024-12-18,ok,SPY\n2024-13-01,bad month,SPY\n');
    const r = await rl(['news', '--project', project, 'fetch', '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/rl: .*headlines\.csv, line 3, field "date": date "2024-13-01" does not exist\n$/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    const unknown = await rl(['news', '--project', project, 'fetch', '--source', 'fde', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "fed"');
  });

  it('fetch with no sources configured says how to add one; a registered custom kind works through the same commands', async () => {
    const empty = join(work, 'empty');
    const none = await rl(['news', '--project', empty, 'fetch', '--out', join(empty, 'n.jsonl')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('rl news sources add');
    expect(existsSync(join(empty, 'n.jsonl'))).toBe(false);

    const newsSources = createNewsSourceRegistry().register(
      defineNewsSource({
        id: 'static',
        description: 'fixed items (test)',
        configSchema: z.strictObject({ kind: z.literal('static'), text: z.string() }),
        create: (cfg, ctx) => ({ name: ctx.name, kind: 'static', read: async () => ({ items: [{ id: 'a', time: 1e12, text: cfg.text, symbols: [], source: ctx.name }], notModified: false }) }),
      }),
    );
    mkdirSync(join(empty, '.rl'), { recursive: true });
    writeFileSync(join(empty, '.rl', 'config.json'), JSON.stringify({ news: { sources: [{ name: 's', kind: 'static', text: 'hello' }] } }));
    const r = await rl(['news', '--project', empty, 'fetch', '--out', join(empty, 'n.jsonl'), '--json'], { newsSources });
    expect(r.code).toBe(0);
    expect(readNewsJsonl(join(empty, 'n.jsonl'))).toEqual([{ id: 'a', time: 1e12, text: 'hello', symbols: [], source: 's' }]);
    expect((await rl(['news', '--project', empty, 'sources', 'list'], { newsSources })).stdout).toBe('s  static  {"text":"hello"}\n');
    const withoutKind = await rl(['news', '--project', empty, 'sources', 'list']);
    expect(withoutKind.code).toBe(2);
    expect(withoutKind.stderr).toContain('news.sources[0].kind');
  });
});
