import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../core/errors.js';
import { NewsStateFile } from './collect.js';
import { fetchFeed } from './feed-source.js';
import { createNewsSourceRegistry, openNewsSource } from './index.js';
import type { NewsSourceConfig, NewsSourceState } from './source.js';
import { NewsFetchError } from './source.js';

const rss = readFileSync(new URL('../../../tests/fixtures/feeds/fed-press-monetary.rss.xml', import.meta.url));
const atom = readFileSync(new URL('../../../tests/fixtures/feeds/fed-press-monetary.atom.xml', import.meta.url));
const LAST_MODIFIED = 'Wed, 18 Dec 2024 19:00:00 GMT';

/** Requests seen per path, with their headers. */
let seen: Record<string, IncomingHttpHeaders[]> = {};
let server: Server;
let base: string;
const work = mkdtempSync(join(tmpdir(), 'rl-news-feed-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    (seen[path] ??= []).push(req.headers);
    const count = seen[path].length;
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/rss+xml; charset=utf-8', ...headers });
      res.end(body);
    };
    switch (path) {
      case '/rss': // ETag and Last-Modified; answers 304 only when the client sends the ETag back
        if (req.headers['if-none-match'] === '"fed-v1"') return send(304, '', { etag: '"fed-v1"' });
        return send(200, rss, { etag: '"fed-v1"', 'last-modified': LAST_MODIFIED });
      case '/atom': // Last-Modified only
        if (req.headers['if-modified-since'] === LAST_MODIFIED) return send(304, '');
        return send(200, atom, { 'content-type': 'application/atom+xml', 'last-modified': LAST_MODIFIED });
      case '/flaky': // 503 once, then the feed
        return count === 1 ? send(503, 'busy') : send(200, rss);
      case '/down':
        return send(503, 'down for maintenance');
      case '/missing':
        return send(404, 'no such feed');
      case '/slow': // headers never come
        return;
      case '/broken':
        return send(200, rss.subarray(0, 2000));
      case '/latin1':
        return send(200, Buffer.from('<rss><channel><item><title>Banque de France publie l\u2019\u00e9tude</title><pubDate>Mon, 06 Jan 2025 09:00:00 +0100</pubDate></item></channel></rss>'.replace('\u2019', "'"), 'latin1'), {
          'content-type': 'application/rss+xml; charset=ISO-8859-1',
        });
      default:
        return send(404, '');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  seen = {};
});

const registry = createNewsSourceRegistry();
const feed = (path: string, extra: Partial<NewsSourceConfig> = {}, state?: NewsSourceState) =>
  openNewsSource(registry, { name: 'fed', kind: 'feed', url: `${base}${path}`, retries: 2, backoffMs: 5, timeoutMs: 2_000, ...extra }, { baseDir: work, state });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('feed source over HTTP', () => {
  it('reads RSS, then sends the stored ETag and gets 304 with no new items', async () => {
    const state = NewsStateFile.load(join(work, 'state.json'));
    const first = await feed('/rss', {}, state.scope('news.jsonl', 'fed')).read();
    expect(first.notModified).toBe(false);
    expect(first.items).toHaveLength(11);
    expect(seen['/rss'][0]['if-none-match']).toBeUndefined();
    state.save();

    const reloaded = NewsStateFile.load(join(work, 'state.json')); // the validators survive a restart
    const second = await feed('/rss', {}, reloaded.scope('news.jsonl', 'fed')).read();
    expect(second).toEqual({ items: [], notModified: true });
    expect(seen['/rss'][1]).toMatchObject({ 'if-none-match': '"fed-v1"', 'if-modified-since': LAST_MODIFIED });

    // another scope (another output file) has no validators: a full fetch
    const other = await feed('/rss', {}, reloaded.scope('other.jsonl', 'fed')).read();
    expect(other.items).toHaveLength(11);
    expect(seen['/rss'][2]['if-none-match']).toBeUndefined();
  });

  it('reads Atom and uses If-Modified-Since when the server gives only Last-Modified', async () => {
    const store = new Map<string, Readonly<Record<string, string>>>();
    const state: NewsSourceState = { get: (k) => store.get(k), set: (k, v) => void (v === undefined ? store.delete(k) : store.set(k, v)) };
    const first = await feed('/atom', {}, state).read();
    expect(first.items).toHaveLength(10);
    expect(store.get(`${base}/atom`)).toEqual({ lastModified: LAST_MODIFIED });
    expect((await feed('/atom', {}, state).read()).notModified).toBe(true);
    expect(seen['/atom'][1]['if-modified-since']).toBe(LAST_MODIFIED);
    expect(seen['/atom'][1]['if-none-match']).toBeUndefined();
  });

  it('retries after a 503 and then succeeds', async () => {
    const { items } = await feed('/flaky').read();
    expect(items).toHaveLength(11);
    expect(seen['/flaky']).toHaveLength(2);
  });

  it('gives up after the bounded retries, naming the URL and status', async () => {
    const e = await rejection(feed('/down', { retries: 2 }).read());
    expect(e).toBeInstanceOf(NewsFetchError);
    expect(e).toMatchObject({ code: 'E_FETCH', exitCode: 4, status: 503, url: `${base}/down` });
    expect(e.message).toBe(`${base}/down: HTTP 503 Service Unavailable (gave up after 3 attempts)`);
    expect(seen['/down']).toHaveLength(3);
  });

  it('a 404 fails at once with a clear error naming the URL and status', async () => {
    const e = await rejection(feed('/missing').read());
    expect(e).toMatchObject({ code: 'E_FETCH', status: 404 });
    expect(e.message).toBe(`${base}/missing: HTTP 404 Not Found`);
    expect(seen['/missing']).toHaveLength(1); // no retry on 4xx
  });

  it('times out with a message that names the URL and the limit', async () => {
    const e = await rejection(feed('/slow', { timeoutMs: 150, retries: 1 }).read());
    expect(e).toMatchObject({ code: 'E_FETCH', status: undefined });
    expect(e.message).toBe(`${base}/slow: no complete response within 150 ms (gave up after 2 attempts)`);
    expect(seen['/slow']).toHaveLength(2);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const e = await rejection(fetchFeed(`http://127.0.0.1:${port}/x`, { timeoutMs: 1_000, retries: 1, backoffMs: 1 }));
    expect(e).toBeInstanceOf(NewsFetchError);
    expect(e.message).toContain('network error: ECONNREFUSED');
    expect(e.message).toContain('gave up after 2 attempts');
  });

  it('malformed XML is a DataError naming the URL, and stores no validators', async () => {
    const store = new Map<string, Readonly<Record<string, string>>>();
    const state: NewsSourceState = { get: (k) => store.get(k), set: (k, v) => void (v === undefined ? store.delete(k) : store.set(k, v)) };
    const e = await rejection(feed('/broken', {}, state).read());
    expect(e).toBeInstanceOf(DataError);
    expect(e).toMatchObject({ code: 'E_DATA', file: `${base}/broken` });
    expect(e.message).toContain('malformed XML');
    expect(store.size).toBe(0);
  });

  it('decodes the charset the response names', async () => {
    const { items } = await feed('/latin1').read();
    expect(items[0]).toMatchObject({ text: "Banque de France publie l'\u00e9tude", time: Date.UTC(2025, 0, 6, 8) });
  });

  it('refuses a non-http URL and unknown keys in its config', () => {
    expect(() => openNewsSource(registry, { name: 'f', kind: 'feed', url: 'ftp://x.test/rss' }, { baseDir: work })).toThrow(/news\.sources\.f\.url/);
    expect(() => openNewsSource(registry, { name: 'f', kind: 'feed', url: 'https://x.test/rss', timeout: 5 }, { baseDir: work })).toThrow(/news\.sources\.f\.timeout: unknown key/);
  });
});
