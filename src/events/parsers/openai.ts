import { z } from 'zod';
import type { CalendarEvent, EventParser, NewsItem } from '../../data/calendar.js';
import { RlError } from '../../core/errors.js';
import { parseThroughCache } from './cache.js';
import type { ParseCache } from './cache.js';
import { PROMPT_VERSION, SYSTEM_PROMPT, answerJsonSchema, cachedParseSchema, clip, userPrompt, validateAnswer } from './llm-answer.js';
import { toNewsEvent } from './news-event.js';
import type { ParsedNews } from './news-event.js';

/** Configuration of the `openai` parser. */
export const openaiConfigSchema = z.strictObject({
  baseUrl: z.url().default('https://api.openai.com/v1').describe('base URL of an OpenAI-compatible API (…/v1); requests go to {baseUrl}/chat/completions'),
  model: z.string().min(1).default('gpt-4o-mini').describe('model id as the endpoint names it'),
  apiKeyEnv: z.string().min(1).default('OPENAI_API_KEY').describe('environment variable holding the API key (sent as a Bearer token when set)'),
  batchSize: z.int().min(1).max(100).default(10).describe('news items per request'),
  maxRetries: z.int().min(0).max(10).default(4).describe('retries after a 429, a 5xx, a timeout or a reset connection'),
  backoffMs: z.int().min(0).default(1000).describe('first retry delay in ms, doubled on each retry (a Retry-After header takes precedence)'),
  maxBackoffMs: z.int().min(0).default(60_000).describe('longest wait before a retry, ms'),
  requestsPerMinute: z.number().positive().default(60).describe('request starts are spaced at least 60000 / requestsPerMinute ms apart'),
  timeoutMs: z.int().positive().default(120_000).describe('per-request timeout, ms'),
  maxTextChars: z.int().min(16).default(2000).describe('longest text sent per item (longer texts are cut)'),
});
export type OpenAiConfig = z.infer<typeof openaiConfigSchema>;

/** What the parser needs from its surroundings; all optional, for tests and the CLI. */
export interface OpenAiParserContext {
  readonly cache?: ParseCache;
  /** Environment to read the API key from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Waits `ms` (default: a timer). Tests pass a recorder that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: typeof globalThis.fetch;
  readonly onProgress?: (done: number, total: number) => void;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `openai` parser: any OpenAI-compatible chat-completions endpoint (OpenAI, a llama.cpp server, vLLM,
 * Ollama). Each request carries `batchSize` items, `temperature: 0`, `seed: 0` and a strict
 * `response_format: { type: 'json_schema' }` built from the event fields ({@link answerJsonSchema}); the
 * answer is validated with zod and every item's answer is cached by content hash ({@link ParseCache}), so a
 * text is sent once and re-runs are reproducible.
 *
 * Failures: a 429 or 5xx is retried up to `maxRetries` times, waiting for the `Retry-After` header (seconds,
 * or an HTTP date read against the response's own `Date`) or else `backoffMs · 2^attempt`, capped at
 * `maxBackoffMs`; a timeout or a reset connection is retried the same way, while a refused connection or an
 * unknown host fails at once (retrying would only delay the error). Requests are paced to `requestsPerMinute`.
 *
 * @example
 * const parser = createOpenAiParser({ baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen2.5-7b-instruct' }, { cache: new ParseCache() });
 * const events = await parser.parse(items);
 * @throws RlError E_PARSER_UNREACHABLE (naming the URL) when the endpoint cannot be reached after the retries;
 *   E_PARSER_HTTP for an error status; E_PARSER_OUTPUT (naming the item) for an answer that fails validation.
 */
export function createOpenAiParser(config: Partial<OpenAiConfig> = {}, ctx: OpenAiParserContext = {}): EventParser & { readonly config: OpenAiConfig } {
  const cfg = openaiConfigSchema.parse(config);
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const sleep = ctx.sleep ?? realSleep;
  const pace = pacer(60_000 / cfg.requestsPerMinute, sleep);
  const doFetch = ctx.fetch ?? globalThis.fetch;

  async function request(body: string): Promise<unknown> {
    const key = (ctx.env ?? process.env)[cfg.apiKeyEnv];
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (key !== undefined && key !== '') headers.authorization = `Bearer ${key}`;
    for (let attempt = 0; ; attempt++) {
      await pace();
      let res: Response;
      try {
        res = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(cfg.timeoutMs) });
      } catch (e) {
        if (transient(e) && attempt < cfg.maxRetries) {
          await sleep(backoff(attempt));
          continue;
        }
        throw new RlError(`cannot reach the chat-completions endpoint ${url}: ${networkReason(e)} (after ${attempt + 1} attempt(s)); check --base-url and that the server is running`, 'E_PARSER_UNREACHABLE', 4);
      }
      if (res.ok) {
        try {
          return await res.json();
        } catch {
          throw new RlError(`${url} answered ${res.status} with a body that is not JSON`, 'E_PARSER_HTTP', 4);
        }
      }
      const retryable = res.status === 429 || res.status >= 500;
      const detail = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
      if (retryable && attempt < cfg.maxRetries) {
        await sleep(Math.min(cfg.maxBackoffMs, retryAfterMs(res.headers) ?? backoff(attempt)));
        continue;
      }
      const hint = res.status === 401 || res.status === 403 ? ` (is $${cfg.apiKeyEnv} set?)` : '';
      throw new RlError(`${url} answered HTTP ${res.status}${hint}${retryable ? ` after ${attempt + 1} attempt(s)` : ''}: ${detail}`, 'E_PARSER_HTTP', 4);
    }
  }
  const backoff = (attempt: number): number => Math.min(cfg.maxBackoffMs, cfg.backoffMs * 2 ** attempt);

  async function ask(texts: readonly string[], items: readonly NewsItem[]): Promise<ParsedNews[]> {
    const body = JSON.stringify({
      model: cfg.model,
      temperature: 0,
      seed: 0,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: userPrompt(texts, cfg.maxTextChars) },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'news_events', strict: true, schema: answerJsonSchema(texts.length, 'openai') } },
    });
    const completion = chatCompletionSchema.safeParse(await request(body));
    const ids = items.map((i) => `"${i.id}"`).join(', ');
    if (!completion.success) throw new RlError(`parser openai: ${url} did not answer a chat completion for news item(s) ${ids}`, 'E_PARSER_OUTPUT');
    const message = completion.data.choices[0].message;
    if (typeof message.content !== 'string') {
      throw new RlError(`parser openai: no content for news item(s) ${ids}${message.refusal ? `: refused: ${message.refusal}` : ''}`, 'E_PARSER_OUTPUT');
    }
    return validateAnswer(message.content, items, 'openai');
  }

  return {
    id: 'openai',
    config: cfg,
    async parse(items: readonly NewsItem[]): Promise<CalendarEvent[]> {
      const parsed = await parseThroughCache(items, {
        key: { parser: 'openai', model: `${cfg.model}@${cfg.baseUrl}`, promptVersion: PROMPT_VERSION },
        ...(ctx.cache !== undefined ? { cache: ctx.cache } : {}),
        schema: cachedParseSchema,
        batchSize: cfg.batchSize,
        textOf: (item) => clip(item.text, cfg.maxTextChars),
        ask,
        ...(ctx.onProgress !== undefined ? { onProgress: ctx.onProgress } : {}),
      });
      return items.map((item, i) => toNewsEvent(item, parsed[i], 'openai'));
    },
  };
}

const chatCompletionSchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }) }))
    .min(1),
});

/**
 * Request starts spaced at least `intervalMs` apart, in call order, without reading a clock: each call waits
 * for the previous call's slot, then opens the next slot `intervalMs` later.
 */
export function pacer(intervalMs: number, sleep: (ms: number) => Promise<void>): () => Promise<void> {
  let next: Promise<void> = Promise.resolve();
  return async () => {
    const turn = next;
    next = turn.then(() => sleep(intervalMs));
    await turn;
  };
}

/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds, or an HTTP date measured against the
 * response's `Date` header (the server's clock, so no local clock is read); undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  const now = Date.parse(headers.get('date') ?? '');
  return Number.isFinite(at) && Number.isFinite(now) ? Math.max(0, at - now) : undefined;
}

/** Network failures worth retrying (a reset or a timeout); a refused connection or an unknown host is not. */
const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function transient(e: unknown): boolean {
  if (e instanceof Error && e.name === 'TimeoutError') return true;
  const code = (e as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code !== undefined && TRANSIENT.has(code);
}

function networkReason(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'timed out';
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? e.message;
  }
  return String(e);
}
