/**
 * `rl events parse | show | eval`, driven in-process through commander with captured output.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEventsCommand } from '../src/cli/commands/events.js';
import type { CliIo } from '../src/cli/io.js';
import { calendarEventSchema } from '../src/data/calendar.js';
import { loadNodeLlamaCpp } from '../src/events/parsers/llama.js';

const work = mkdtempSync(join(tmpdir(), 'rl-events-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const path = (name: string) => join(work, name);

async function rl(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => void (out += s), err: (s) => void (err += s), errIsTty: false };
  const program = new Command('rl').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerEventsCommand(program, io);
  await program.parseAsync(['node', 'rl', ...args]);
  return { out, err };
}

const news = [
  { id: 'n3', time: Date.UTC(2020, 2, 16, 14), text: 'Acme (NYSE: ACME) Q4 EPS beat by $0.12; revenue rose 8%', symbols: [], source: 'wire' },
  { id: 'n1', time: Date.UTC(2020, 2, 15, 21), text: 'The Fed cut rates by 100 basis points to near zero', symbols: [], source: 'wire' },
  { id: 'n2', time: Date.UTC(2020, 2, 16, 9), text: 'Beta Corp names a new chief financial officer', symbols: ['BETA'], source: 'wire' },
];
writeFileSync(path('news.jsonl'), news.map((n) => JSON.stringify(n)).join('\n'));
writeFileSync(path('news.csv'), 'published,headline,sym\n2020-03-15T21:00:00Z,"The Fed cut rates by 100 basis points",\n2020-03-16,"Acme profit fell sharply",ACME\n');

describe('rl events parse', () => {
  it('writes one event per item, sorted by time, and a JSON summary on stdout', async () => {
    const { out, err } = await rl('events', 'parse', '--news', path('news.jsonl'), '--parser', 'builtin', '--out', path('events.jsonl'), '--json');
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({ parser: 'builtin', items: 3, events: 3, byType: { earnings: 1, fomc: 1, news: 1 }, byImportance: { high: 1, medium: 1, low: 1 }, cache: null });
    expect(err).toContain('builtin: 3/3 items');
    const lines = readFileSync(path('events.jsonl'), 'utf8').trim().split('\n');
    const events = lines.map((l) => calendarEventSchema.parse(JSON.parse(l)));
    expect(events.map((e) => e.type)).toEqual(['fomc', 'news', 'earnings']);
    expect(events[2].scope).toEqual(['ACME']);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reads CSV with --time-col/--text-col/--symbols-col and prints a text summary', async () => {
    const { out } = await rl('events', 'parse', '--news', path('news.csv'), '--time-col', 'published', '--text-col', 'headline', '--symbols-col', 'sym', '--out', path('csv-events.jsonl'));
    expect(out).toMatch(/^2 events from 2 news items \(builtin\) → .*csv-events\.jsonl\n {2}by type: earnings 1, fomc 1\n$/);
  });

  it('model flags that do not apply to the parser are refused', async () => {
    await expect(rl('events', 'parse', '--news', path('news.jsonl'), '--model', 'gpt', '--out', path('x.jsonl'))).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('--model') });
    await expect(rl('events', 'parse', '--news', path('news.jsonl'), '--parser', 'llama', '--out', path('x.jsonl'))).rejects.toMatchObject({ code: 'E_CONFIG' });
    await expect(rl('events', 'parse', '--news', path('news.jsonl'), '--parser', 'bultin', '--out', path('x.jsonl'))).rejects.toMatchObject({ code: 'E_UNKNOWN_PLUGIN', message: expect.stringContaining('"builtin"') });
  });

  it('a bad input names the file and line', async () => {
    writeFileSync(path('bad.jsonl'), '{"id":"a","time":1,"text":"x","source":"s"}\n{"id":"b"}\n');
    await expect(rl('events', 'parse', '--news', path('bad.jsonl'), '--out', path('x.jsonl'))).rejects.toMatchObject({ code: 'E_DATA', line: 2 });
  });

  it('the llama parser without node-llama-cpp says how to install it', async (ctx) => {
    const installed = await loadNodeLlamaCpp().then(
      () => true,
      () => false,
    );
    if (installed) ctx.skip('node-llama-cpp is installed');
    writeFileSync(path('model.gguf'), 'not a model');
    await expect(rl('events', 'parse', '--news', path('news.jsonl'), '--parser', 'llama', '--model', path('model.gguf'), '--out', path('x.jsonl'), '--cache-dir', path('c0'))).rejects.toMatchObject({
      code: 'E_PARSER_UNAVAILABLE',
      message: expect.stringContaining('npm install node-llama-cpp'),
    });
  });
});

describe('rl events parse --parser openai', () => {
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests++;
        const n = (JSON.parse(body).messages[1].content as string).split('\n').length - 1;
        const content = JSON.stringify({ events: Array.from({ length: n }, (_, i) => ({ index: i + 1, type: 'news', importance: 'low', sentiment: 0.25, magnitude: null, symbols: [] })) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { content } }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('batches requests, caches every answer and reports cache hits on a re-run', async () => {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const args = ['events', 'parse', '--news', path('news.jsonl'), '--parser', 'openai', '--base-url', baseUrl, '--model', 'local', '--batch', '2', '--rpm', '100000', '--cache-dir', path('cache'), '--out', path('o.jsonl'), '--json'];
    const first = JSON.parse((await rl(...args)).out);
    expect(requests).toBe(2);
    expect(first.cache).toMatchObject({ hits: 0, misses: 3, writes: 3 });
    const second = JSON.parse((await rl(...args)).out);
    expect(requests).toBe(2);
    expect(second.cache).toMatchObject({ hits: 3, misses: 0, writes: 0 });
    expect(readdirSync(path('cache'))).toHaveLength(3);
    const events = readFileSync(path('o.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.every((e) => e.source.parser === 'openai' && e.sentiment === 0.25)).toBe(true);
  });

  it('an unreachable endpoint fails with E_PARSER_UNREACHABLE naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    writeFileSync(path('retry0.json'), JSON.stringify({ maxRetries: 0 }));
    await expect(
      rl('events', 'parse', '--news', path('news.jsonl'), '--parser', 'openai', '--config', path('retry0.json'), '--base-url', `http://127.0.0.1:${port}/v1`, '--no-cache', '--out', path('u.jsonl')),
    ).rejects.toMatchObject({ code: 'E_PARSER_UNREACHABLE', message: expect.stringContaining(`127.0.0.1:${port}`) });
  });
});

describe('rl events show', () => {
  beforeAll(async () => {
    await rl('events', 'parse', '--news', path('news.jsonl'), '--out', path('show.jsonl'));
  });

  it('prints a table: date, type, importance, surprise, sentiment, scope, text', async () => {
    const { out } = await rl('events', 'show', path('show.jsonl'));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^date \(UTC\)\s+type\s+importance\s+surprise\s+sentiment\s+scope\s+text$/);
    expect(lines[1]).toMatch(/^2020-03-15 21:00\s+fomc\s+high\s+\+0\.\d\d\s+\+0\.\d\d\s+market\s+The Fed cut rates/);
    expect(lines.at(-1)).toBe('3 of 3 events');
  });

  it('filters by type and date range; --json prints the selected events', async () => {
    expect((await rl('events', 'show', path('show.jsonl'), '--type', 'earnings,news')).out).toMatch(/2 of 3 events\n$/);
    const { out } = await rl('events', 'show', path('show.jsonl'), '--from', '2020-03-16', '--to', '2020-03-16', '--json');
    expect((JSON.parse(out) as { type: string }[]).map((e) => e.type)).toEqual(['news', 'earnings']);
    expect(JSON.parse((await rl('events', 'show', path('show.jsonl'), '--to', '2020-03-15', '--json')).out)).toHaveLength(1);
    await expect(rl('events', 'show', path('show.jsonl'), '--from', 'March 16')).rejects.toMatchObject({ code: 'E_CONFIG' });
  });
});

describe('rl events eval', () => {
  it('prints accuracy, macro-F1 and the majority baseline for the dev and test halves', async () => {
    const rows = ['label,sentence'];
    for (let i = 0; i < 20; i++) rows.push(`positive,Net sales increased by ${i + 1} % .`, `negative,Operating loss widened to EUR ${i + 1} mn .`, `neutral,The company has ${i + 10} offices .`, `neutral,The plant employs ${i + 50} people .`);
    writeFileSync(path('labelled.csv'), `${rows.join('\n')}\n`);
    const text = (await rl('events', 'eval', '--parser', 'builtin', '--data', path('labelled.csv'))).out;
    expect(text).toMatch(/^builtin on .*labelled\.csv \(neutral when \|sentiment\| < 0\.2\)\nhalf\s+n\s+accuracy\s+macro-F1\s+majority baseline\s+Δ points\ndev\s+\d+\s+100\.00%\s+1\.000\s+\d+\.\d\d% \(neutral\)\s+\d+\.\d\ntest\s/);
    const report = JSON.parse((await rl('events', 'eval', '--data', path('labelled.csv'), '--json')).out);
    expect(report).toMatchObject({ parser: 'builtin', band: 0.2, all: { n: 80, accuracy: 1, majorityBaseline: 0.5, majorityClass: 'neutral' } });
    expect(report.dev.n + report.test.n).toBe(80);
  });
});

describe('rl events responses', () => {
  it('fits the event generator on the built-in S&P 500 and calendar and prints one row per group', async () => {
    const { out } = await rl('events', 'responses', '--json');
    const rows = JSON.parse(out) as { group: string; n: number; slope: number; dropped: string[] }[];
    expect(rows.map((r) => r.group)).toEqual(expect.arrayContaining(['fomc:high', 'cpi:high', 'payrolls:high', '*']));
    // The built-in calendar has 57 FOMC decisions; only FOMC events carry surprises, so only they have a slope.
    expect(rows.find((r) => r.group === 'fomc:high')!.n).toBe(57);
    expect(rows.find((r) => r.group === 'cpi:high')!.slope).toBe(0);
    const human = await rl('events', 'responses', '--to', '2009-12-31');
    expect(human.out).toMatch(/^group +n +intercept %/m);
    expect(human.out).toMatch(/events on \d+ bars of SPX, 2000-01-03\.\.2009-12-31/);
  });
});
