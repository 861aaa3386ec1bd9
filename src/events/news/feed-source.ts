import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { parseFeed } from './feed-parse.js';
import { defineNewsSource, NewsFetchError } from './source.js';

/** `{ kind: 'feed', url, ... }` as stored in the project config. */
export const feedSourceConfigSchema = z.strictObject({
  kind: z.literal('feed'),
  url: z.url({ protocol: /^https?$/ }).describe('an RSS 2.0, RSS 1.0 or Atom feed over http(s)'),
  symbols: z.array(z.string().min(1)).default([]).describe("symbols given to every item, e.g. ['market']"),
  timeoutMs: z.number().int().positive().default(15_000).describe('per attempt, for the whole response (ms)'),
  retries: z.number().int().min(0).max(10).default(2).describe('further attempts after a 5xx, 408, 429, timeout or network error'),
  backoffMs: z.number().int().min(0).default(1_000).describe('wait before the first retry (ms), doubled for each further one'),
});
export type FeedSourceConfig = z.infer<typeof feedSourceConfigSchema>;

/** HTTP cache validators kept per URL for conditional requests. */
export interface FeedValidators {
  readonly etag?: string;
  readonly lastModified?: string;
}

/** Options of {@link fetchFeed}. */
export interface FetchFeedOptions {
  /** Per attempt, covering the headers and the whole body (ms). */
  readonly timeoutMs: number;
  /** Attempts after the first one, for 5xx, 408, 429, timeouts and network errors; never for other 4xx. */
  readonly retries: number;
  /** Wait before retry k (0-based) is `backoffMs · 2^k`, or the server's `Retry-After` seconds when given; at most 60 s. */
  readonly backoffMs: number;
  /** Sent as If-None-Match / If-Modified-Since. */
  readonly validators?: FeedValidators;
  readonly fetch?: typeof globalThis.fetch;
}

/** The answer to {@link fetchFeed}: the body and its validators, or "not modified" (HTTP 304). */
export type FeedResponse = { readonly notModified: true } | { readonly notModified: false; readonly body: string; readonly validators: FeedValidators };

const MAX_WAIT_MS = 60_000;
const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

/**
 * GETs a feed with a timeout, bounded retries with exponential backoff, and a conditional request when
 * `validators` are given. The body is decoded with the charset the response (or the XML declaration) names,
 * UTF-8 by default.
 *
 * @throws NewsFetchError (code `E_FETCH`, exit 4) naming the URL: the HTTP status for a 4xx (at once) or for
 *   a 5xx after the last retry, or the timeout / network error after the last retry
 *
 * @example
 * const r = await fetchFeed('https://www.federalreserve.gov/feeds/press_all.xml', { timeoutMs: 15_000, retries: 2, backoffMs: 1_000 });
 * if (!r.notModified) parseFeed(r.body, { url, source: 'fed' });
 */
export async function fetchFeed(url: string, opts: FetchFeedOptions): Promise<FeedResponse> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': 'synthetic-market-rl news reader' };
  if (opts.validators?.etag !== undefined) headers['if-none-match'] = opts.validators.etag;
  if (opts.validators?.lastModified !== undefined) headers['if-modified-since'] = opts.validators.lastModified;
  const attempts = opts.retries + 1;
  for (let attempt = 0; ; attempt++) {
    let failure: { status?: number; detail: string; waitMs?: number };
    try {
      const res = await doFetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'follow' });
      if (res.status === 304) {
        await res.body?.cancel();
        return { notModified: true };
      }
      if (res.ok) {
        const body = decode(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
        const validators: { etag?: string; lastModified?: string } = {};
        const etag = res.headers.get('etag');
        const lastModified = res.headers.get('last-modified');
        if (etag !== null) validators.etag = etag;
        if (lastModified !== null) validators.lastModified = lastModified;
        return { notModified: false, body, validators };
      }
      await res.body?.cancel();
      const detail = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      if (!(res.status >= 500 || res.status === 408 || res.status === 429)) throw new NewsFetchError(url, res.status, detail);
      failure = { status: res.status, detail, waitMs: retryAfterMs(res.headers.get('retry-after')) };
    } catch (e) {
      if (e instanceof NewsFetchError) throw e;
      failure = { detail: describeError(e, opts.timeoutMs) };
    }
    if (attempt + 1 >= attempts) {
      throw new NewsFetchError(url, failure.status, attempts > 1 ? `${failure.detail} (gave up after ${attempts} attempts)` : failure.detail);
    }
    await sleep(Math.min(MAX_WAIT_MS, failure.waitMs ?? opts.backoffMs * 2 ** attempt));
  }
}

/**
 * The `feed` source kind: an RSS or Atom feed over HTTP(S). With a state store in the context, each read is
 * conditional on the validators of the previous one; an unchanged feed reads as `notModified` with no items.
 * The new validators are put in the store only after the body has parsed.
 *
 * @example
 * openNewsSource(registry, { name: 'fed', kind: 'feed', url: 'https://www.federalreserve.gov/feeds/press_monetary.xml', symbols: ['market'] }, { baseDir: '.', state });
 */
export const feedSource = defineNewsSource({
  id: 'feed',
  description: 'an RSS 2.0 or Atom feed over http(s), fetched with conditional requests',
  configSchema: feedSourceConfigSchema,
  create: (config, ctx) => ({
    name: ctx.name,
    kind: 'feed',
    read: async () => {
      const previous = ctx.state?.get(config.url);
      const validators: FeedValidators | undefined = previous === undefined ? undefined : { etag: previous.etag, lastModified: previous.lastModified };
      const res = await fetchFeed(config.url, { timeoutMs: config.timeoutMs, retries: config.retries, backoffMs: config.backoffMs, validators, fetch: ctx.fetch });
      if (res.notModified) return { items: [], notModified: true };
      const { items } = parseFeed(res.body, { url: config.url, source: ctx.name, symbols: config.symbols });
      const next = Object.fromEntries(Object.entries(res.validators).filter(([, v]) => v !== undefined)) as Record<string, string>;
      ctx.state?.set(config.url, Object.keys(next).length > 0 ? next : undefined);
      return { items, notModified: false };
    },
  }),
});

function describeError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `no complete response within ${timeoutMs} ms`;
  if (e instanceof Error && e.message === 'fetch failed' && e.cause instanceof Error) {
    const code = (e.cause as { code?: unknown }).code;
    return `network error: ${typeof code === 'string' ? `${code} (${e.cause.message})` : e.cause.message}`;
  }
  return `request failed: ${e instanceof Error ? e.message : String(e)}`;
}

/** `Retry-After` in seconds (the HTTP-date form would need the clock, so it falls back to the backoff). */
function retryAfterMs(header: string | null): number | undefined {
  return header !== null && /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : undefined;
}

function decode(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const fromDecl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  for (const label of [fromHeader, fromDecl, 'utf-8']) {
    if (label === undefined) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // an unknown label: try the next one
    }
  }
  return new TextDecoder().decode(bytes);
}
