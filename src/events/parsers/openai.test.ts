import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calendarEventSchema } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import { ParseCache } from './cache.js';
import { PROMPT_VERSION } from './llm-answer.js';
import { createOpenAiParser, pacer, retryAfterMs } from './openai.js';

/** A local stand-in for an OpenAI-compatible endpoint: each request is answered by the next queued reply. */
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** The message content, or a function of the numbered texts in the prompt; a raw body when `raw`. */
  content?: string | ((texts: string[]) => string);
  raw?: string;
}
interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: { model: string; temperature: number; messages: { role: string; content: string }[]; response_format: { type: string; json_schema: { strict: boolean; schema: { properties: { events: { minItems: number } } } } } };
}

let server: Server;
let baseUrl: string;
const queue: Reply[] = [];
const seen: Seen[] = [];

/** The mock model: an item mentioning "beat" is positive, anything else neutral. */
const answer = (texts: string[]): string =>
  JSON.stringify({
    events: texts.map((t, i) => ({ index: i + 1, type: t.includes('EPS') ? 'earnings' : 'news', importance: 'medium', sentiment: t.includes('beat') ? 0.75 : 0, magnitude: t.includes('$0.12') ? 0.12 : null, symbols: t.includes('ACME') ? ['$acme'] : [] })),
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(data) as Seen['body'];
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const reply = queue.shift() ?? { content: answer };
      const texts = body.messages[1].content
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^\d+\. /, ''));
      const content = typeof reply.content === 'function' ? reply.content(texts) : (reply.content ?? answer(texts));
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.raw ?? JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  queue.length = 0;
  seen.length = 0;
});

const dir = mkdtempSync(join(tmpdir(), 'rl-openai-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const items: NewsItem[] = [
  { id: 'n1', time: Date.UTC(2020, 0, 2), text: 'ACME Q3 EPS beat by $0.12', symbols: [], source: 'wire' },
  { id: 'n2', time: Date.UTC(2020, 0, 3), text: 'Acme opens an office', symbols: ['ACME'], source: 'wire' },
  { id: 'n3', time: Date.UTC(2020, 0, 4), text: 'Beta names a new chief executive', symbols: [], source: 'wire' },
];

/** Records the waits instead of waiting. */
const recorder = () => {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
};

describe('openai parser against a local endpoint', () => {
  it('sends batches with temperature 0, a strict JSON schema and the API key; returns valid events', async () => {
    const { sleep } = recorder();
    const parser = createOpenAiParser({ baseUrl, model: 'test-model', batchSize: 2 }, { sleep, env: { OPENAI_API_KEY: 'sk-test' } });
    const events = await parser.parse(items);
    expect(seen).toHaveLength(2); // 3 items in batches of 2
    expect(seen[0].url).toBe('/v1/chat/completions');
    expect(seen[0].headers.authorization).toBe('Bearer sk-test');
    expect(seen[0].body).toMatchObject({ model: 'test-model', temperature: 0, response_format: { type: 'json_schema', json_schema: { strict: true } } });
    expect(seen[0].body.response_format.json_schema.schema.properties.events.minItems).toBe(2);
    expect(seen[1].body.response_format.json_schema.schema.properties.events.minItems).toBe(1);
    expect(seen[0].body.messages[1].content).toBe('Items:\n1. ACME Q3 EPS beat by $0.12\n2. Acme opens an office');
    expect(events).toHaveLength(3);
    for (const e of events) expect(calendarEventSchema.parse(e)).toEqual(e);
    expect(events[0]).toMatchObject({ type: 'earnings', sentiment: 0.75, surprise: 0.75, magnitude: 0.12, scope: ['ACME'], importance: 'medium', scheduled: false, source: { kind: 'news', ref: 'wire', parser: 'openai' } });
    expect(events[1]).toMatchObject({ type: 'news', sentiment: 0, scope: ['ACME'] });
    expect(events[2].scope).toEqual(['market']);
  });

  it('never re-sends a cached item', async () => {
    const cache = new ParseCache(join(dir, 'cache'));
    const parser = createOpenAiParser({ baseUrl, model: 'test-model', batchSize: 10 }, { cache, sleep: recorder().sleep });
    const first = await parser.parse(items.slice(0, 2));
    expect(seen).toHaveLength(1);
    const second = await parser.parse(items);
    expect(seen).toHaveLength(2);
    expect(seen[1].body.messages[1].content).toBe('Items:\n1. Beta names a new chief executive');
    expect(second.slice(0, 2)).toEqual(first);
    expect(cache.stats()).toEqual({ hits: 2, misses: 3, writes: 3 });
    await createOpenAiParser({ baseUrl, model: 'test-model' }, { cache, sleep: recorder().sleep }).parse(items);
    expect(seen).toHaveLength(2);
    expect(PROMPT_VERSION).toMatch(/^news-events-v\d+$/);
  });

  it('retries a 429, waiting as Retry-After says, then succeeds', async () => {
    queue.push({ status: 429, headers: { 'retry-after': '2' }, raw: '{"error":{"message":"rate limited"}}' });
    const { waits, sleep } = recorder();
    const events = await createOpenAiParser({ baseUrl, model: 'm', requestsPerMinute: 6000 }, { sleep }).parse(items.slice(0, 1));
    expect(seen).toHaveLength(2);
    expect(events[0].sentiment).toBe(0.75);
    expect(waits).toContain(2000);
  });

  it('backs off exponentially on 5xx without Retry-After and gives up after maxRetries with E_PARSER_HTTP', async () => {
    for (let i = 0; i < 3; i++) queue.push({ status: 503, raw: 'overloaded' });
    const { waits, sleep } = recorder();
    const parser = createOpenAiParser({ baseUrl, model: 'm', maxRetries: 2, backoffMs: 100, requestsPerMinute: 6000 }, { sleep });
    await expect(parser.parse(items.slice(0, 1))).rejects.toMatchObject({ code: 'E_PARSER_HTTP', message: expect.stringContaining('HTTP 503') });
    expect(seen).toHaveLength(3);
    expect(waits.filter((w) => w !== 10)).toEqual([100, 200]); // 10 ms is the pacing interval at 6000 rpm
  });

  it('a 4xx other than 429 fails at once, naming the URL and the key variable', async () => {
    queue.push({ status: 401, raw: '{"error":"bad key"}' });
    const parser = createOpenAiParser({ baseUrl, model: 'm', apiKeyEnv: 'MY_KEY' }, { sleep: recorder().sleep, env: {} });
    await expect(parser.parse(items.slice(0, 1))).rejects.toMatchObject({ code: 'E_PARSER_HTTP', message: expect.stringMatching(/chat\/completions answered HTTP 401 \(is \$MY_KEY set\?\)/) });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.authorization).toBeUndefined();
  });

  it('an answer that is not valid JSON fails validation naming the item', async () => {
    queue.push({ content: '{"events": [{"index": 1, "type": "news"' });
    const parser = createOpenAiParser({ baseUrl, model: 'm' }, { sleep: recorder().sleep });
    await expect(parser.parse(items.slice(2))).rejects.toMatchObject({ code: 'E_PARSER_OUTPUT', message: expect.stringContaining('"n3"') });
  });

  it('an answer that breaks the schema names the offending item and field', async () => {
    queue.push({ content: (texts) => JSON.stringify({ events: texts.map((_, i) => ({ index: i + 1, type: 'news', importance: 'low', sentiment: i === 1 ? 3 : 0, magnitude: null, symbols: [] })) }) });
    const parser = createOpenAiParser({ baseUrl, model: 'm' }, { sleep: recorder().sleep });
    await expect(parser.parse(items)).rejects.toMatchObject({ code: 'E_PARSER_OUTPUT', message: expect.stringMatching(/news item "n2": sentiment/) });
  });

  it('an answer missing an item says which', async () => {
    queue.push({ content: (texts) => answer(texts.slice(0, 1)) });
    const parser = createOpenAiParser({ baseUrl, model: 'm' }, { sleep: recorder().sleep });
    await expect(parser.parse(items.slice(0, 2))).rejects.toMatchObject({ code: 'E_PARSER_OUTPUT', message: expect.stringContaining('no event for news item "n2"') });
  });

  it('an unreachable endpoint is E_PARSER_UNREACHABLE naming the URL, without pointless retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { waits, sleep } = recorder();
    const parser = createOpenAiParser({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 2, backoffMs: 50, requestsPerMinute: 6000 }, { sleep });
    const error = await parser.parse(items.slice(0, 1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PARSER_UNREACHABLE', exitCode: 4 });
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}/v1/chat/completions`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).toContain('after 1 attempt(s)');
    expect(waits.filter((w) => w !== 10)).toEqual([]); // a refused connection is not retried (10 ms is the pacing slot)
  });

  it('a timeout is retried, then reported as E_PARSER_UNREACHABLE', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    const { waits, sleep } = recorder();
    try {
      const parser = createOpenAiParser({ baseUrl: url, model: 'm', maxRetries: 1, backoffMs: 5, timeoutMs: 50, requestsPerMinute: 6000 }, { sleep });
      await expect(parser.parse(items.slice(0, 1))).rejects.toMatchObject({ code: 'E_PARSER_UNREACHABLE', message: expect.stringMatching(/timed out \(after 2 attempt\(s\)\)/) });
      expect(waits.filter((w) => w !== 10)).toEqual([5]);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('paces requests to requestsPerMinute', async () => {
    const { waits, sleep } = recorder();
    await createOpenAiParser({ baseUrl, model: 'm', batchSize: 1, requestsPerMinute: 30 }, { sleep }).parse(items);
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([2000, 2000, 2000]); // each request opens the next slot 60000 / 30 ms later
  });
});

describe('pacer', () => {
  it('spaces starts: the first call passes at once, the next waits until the slot the first opened has elapsed', async () => {
    const timers: { ms: number; fire: () => void }[] = [];
    const sleep = (ms: number) => new Promise<void>((fire) => timers.push({ ms, fire }));
    const wait = pacer(500, sleep);
    await wait(); // passes at once and opens a 500 ms slot
    let second = false;
    const pending = wait().then(() => (second = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(timers.map((t) => t.ms)).toEqual([500]);
    expect(second).toBe(false);
    timers[0].fire();
    await pending;
    expect(second).toBe(true);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates (against the response Date)', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT', date: 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBe(10_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
