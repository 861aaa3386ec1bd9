import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
// The TypeScript loader, resolved from the project (the child runs in a temp directory).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const work = mkdtempSync(join(tmpdir(), 'rl-news-e2e-'));
const rss = readFileSync(join(root, 'tests/fixtures/feeds/fed-press-monetary.rss.xml'));
const atom = readFileSync(join(root, 'tests/fixtures/feeds/fed-press-monetary.atom.xml'));

/** The feeds the CLI reads, served from this process: conditional GET on /rss, a 404 on /gone. */
let server: Server;
let base: string;
const conditional: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/rss') {
      conditional.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"r1"') return void res.writeHead(304).end();
      return void res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"r1"' }).end(rss);
    }
    if (req.url === '/atom') return void res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atom);
    res.writeHead(404).end('not here');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(work, { recursive: true, force: true });
});

/**
 * Runs the real CLI entry in a child process (exit codes and stdout/stderr as a user sees them). Asynchronous,
 * unlike tests/cli.e2e.test.ts, so that this process's feed server can answer while the child runs.
 */
function rl(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'src/cli/main.ts'), ...args], { cwd: work, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('rl news (child process)', () => {
  it('configures a file source and two feeds, fetches them into one JSONL, then gets 304 from the unchanged feed', async () => {
    mkdirSync(join(work, 'data'));
    writeFileSync(join(work, 'data', 'headlines.jsonl'), ['{"published":"2022-06-15T18:05:00Z","headline":"Stocks jump as Fed delivers 75 bp hike","tickers":["SPY","QQQ"]}', '{"published":1671043200000,"headline":"Fed slows to half-point hike","tickers":"SPY"}'].join('\n'));
    const added = [
      await rl('news', 'sources', 'add', 'headlines', '--file', 'data/headlines.jsonl', '--time-col', 'published', '--text-col', 'headline', '--symbols-col', 'tickers'),
      await rl('news', 'sources', 'add', 'fed', '--url', `${base}/rss`, '--symbols', 'market'),
      await rl('news', 'sources', 'add', 'fed-atom', '--url', `${base}/atom`),
    ];
    for (const r of added) expect(r.stderr).toBe('');
    expect(added.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(existsSync(join(work, '.rl', 'config.json'))).toBe(true);
    const list = await rl('news', 'sources', 'list', '--json');
    expect(JSON.parse(list.stdout).map((s: { name: string; kind: string }) => `${s.name}:${s.kind}`)).toEqual(['headlines:file', 'fed:feed', 'fed-atom:feed']);

    const first = await rl('news', 'fetch', '--json');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ items: 23, added: 23, sources: [{ name: 'headlines', items: 2 }, { name: 'fed', items: 11 }, { name: 'fed-atom', items: 10 }] });
    expect(first.stderr).toMatch(/^headlines: 2 items\nfed: 11 items\nfed-atom: 10 items\n/);
    const lines = readFileSync(join(work, 'news.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(23);
    expect(lines[0]).toMatchObject({ text: 'Federal Reserve issues FOMC statement. Given the economic outlook, and recognizing the time it takes for policy actions to affect future economic outcomes, the Committee decided to raise the target range for the federal funds rate to 1/4 to 1/2 percent.', time: Date.UTC(2015, 11, 16, 19), symbols: ['market'], source: 'fed' });
    expect(lines.map((l) => l.time)).toEqual([...lines.map((l) => l.time)].sort((a, b) => a - b));
    expect(lines.find((l) => l.source === 'headlines')).toMatchObject({ time: Date.UTC(2022, 5, 15, 18, 5), symbols: ['QQQ', 'SPY'] });

    const second = await rl('news', 'fetch');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('23 items (0 new) from 3 sources → news.jsonl\n');
    expect(second.stderr).toContain('fed: not modified since the last fetch');
    expect(conditional).toEqual([undefined, '"r1"']);
  });

  it('errors are one line with a non-zero exit: an HTTP 404 names the URL and status, an unknown source suggests one', async () => {
    await rl('news', 'sources', 'add', 'gone', '--url', `${base}/gone`);
    const gone = await rl('news', 'fetch', '--source', 'gone', '--out', 'gone.jsonl');
    expect(gone.code).toBe(4);
    expect(gone.stderr.trim().split('\n').at(-1)).toBe(`rl: ${base}/gone: HTTP 404 Not Found`);
    expect(existsSync(join(work, 'gone.jsonl'))).toBe(false);

    const unknown = await rl('news', 'fetch', '--source', 'fde');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('rl: unknown news source "fde" (did you mean "fed"?). Known news sources: headlines, fed, fed-atom, gone.\n');

    writeFileSync(join(work, '.rl', 'config.json'), JSON.stringify({ news: { sources: [{ name: 'x', kind: 'file', path: 'a.csv', colums: {} }] } }));
    const bad = await rl('news', 'sources', 'list');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('news.sources[0].colums: unknown key');
  });
});
