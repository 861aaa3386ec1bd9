import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZodType } from 'zod';
import { writeJsonAtomic } from '../../core/atomic.js';
import { sha256 } from '../../store/hash.js';

/** Where parses are cached unless told otherwise (relative to the working directory). */
export const DEFAULT_PARSE_CACHE_DIR = '.rl/cache/parses';

/** What identifies a parse: the same four values always give the same answer from a deterministic setup. */
export interface ParseCacheKey {
  /** Parser id (`openai`, `llama`). */
  readonly parser: string;
  /** The model as the parser names it (endpoint model id, or GGUF file name and size). */
  readonly model: string;
  /** Version of the prompt and answer schema: bump it and every old entry stops matching. */
  readonly promptVersion: string;
  /** The text sent to the model. */
  readonly text: string;
}

/** Hits and misses since the cache was opened. */
export interface ParseCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly writes: number;
}

/**
 * A content-addressed cache of model answers: one JSON file per key in a directory, named by the SHA-256 of
 * `[parser, model, promptVersion, text]`, written atomically (a crash leaves the old file or none, never half
 * a file). A cached text is never sent to a model again, which makes LLM-parsed event sets reproducible and
 * re-runs free.
 *
 * An entry records its key fields next to the value; a file whose fields differ from the key (a hash
 * collision, or a hand-edited file) or whose value fails the schema counts as a miss and is overwritten by
 * the next {@link set}. The `builtin` parser does not use the cache: it is deterministic and faster than
 * reading a file.
 *
 * @example
 * const cache = new ParseCache('.rl/cache/parses');
 * const key = { parser: 'openai', model: 'gpt-4o-mini', promptVersion: 'news-events-v1', text: 'Fed cuts rates' };
 * cache.get(key, schema) ?? cache.set(key, await ask(key.text));
 * cache.stats(); // { hits, misses, writes }
 */
export class ParseCache {
  private hits = 0;
  private misses = 0;
  private writes = 0;

  constructor(readonly dir: string = DEFAULT_PARSE_CACHE_DIR) {}

  /** The file name (without directory) of a key: 64 hex digits + `.json`. */
  static fileName(key: ParseCacheKey): string {
    return `${sha256(JSON.stringify([key.parser, key.model, key.promptVersion, key.text]))}.json`;
  }

  /** The cached value, validated by `schema`, or `undefined` (a miss). Counts the hit or miss. */
  get<T>(key: ParseCacheKey, schema: ZodType<T>): T | undefined {
    const value = this.read(key, schema);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  /** Stores a value (JSON-serialisable) atomically and returns it. */
  set<T>(key: ParseCacheKey, value: T): T {
    writeJsonAtomic(join(this.dir, ParseCache.fileName(key)), { parser: key.parser, model: key.model, promptVersion: key.promptVersion, text: key.text, value });
    this.writes++;
    return value;
  }

  stats(): ParseCacheStats {
    return { hits: this.hits, misses: this.misses, writes: this.writes };
  }

  private read<T>(key: ParseCacheKey, schema: ZodType<T>): T | undefined {
    const path = join(this.dir, ParseCache.fileName(key));
    if (!existsSync(path)) return undefined;
    let entry: unknown;
    try {
      entry = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
    if (entry === null || typeof entry !== 'object') return undefined;
    const e = entry as Record<string, unknown>;
    if (e.parser !== key.parser || e.model !== key.model || e.promptVersion !== key.promptVersion || e.text !== key.text) return undefined;
    const parsed = schema.safeParse(e.value);
    return parsed.success ? parsed.data : undefined;
  }
}

/** How {@link parseThroughCache} asks a model. */
export interface CachedParseOptions<I, T> {
  /** Key fields other than the text. */
  readonly key: Omit<ParseCacheKey, 'text'>;
  /** Without a cache every text is asked. */
  readonly cache?: ParseCache;
  readonly schema: ZodType<T>;
  /** Texts per request. */
  readonly batchSize: number;
  /** The text sent for an item (and cached under). */
  textOf(item: I): string;
  /** Asks the model about a batch; answers in batch order. `items` are the first items with each text. */
  ask(texts: readonly string[], items: readonly I[]): Promise<T[]>;
  /** Called after each answered batch with the number of items resolved so far. */
  onProgress?(done: number, total: number): void;
}

/**
 * One answer per item, from the cache where possible. Items missing from the cache are de-duplicated by text
 * (a text is asked once per call), sent in batches of `batchSize`, and each answer is cached as soon as its
 * batch returns, so an interrupted run keeps what it paid for.
 *
 * @example
 * const answers = await parseThroughCache(items, { key, cache, schema, batchSize: 10, textOf: (i) => i.text, ask });
 */
export async function parseThroughCache<I, T>(items: readonly I[], opts: CachedParseOptions<I, T>): Promise<T[]> {
  const texts = items.map((i) => opts.textOf(i));
  const answers = new Map<string, T>();
  const pending = new Map<string, I>();
  texts.forEach((text, k) => {
    if (answers.has(text) || pending.has(text)) return;
    const hit = opts.cache?.get({ ...opts.key, text }, opts.schema);
    if (hit !== undefined) answers.set(text, hit);
    else pending.set(text, items[k]);
  });
  const resolved = (): number => texts.filter((t) => answers.has(t)).length;
  if (pending.size === 0 || answers.size > 0) opts.onProgress?.(resolved(), items.length);
  const queue = [...pending.entries()];
  for (let start = 0; start < queue.length; start += opts.batchSize) {
    const batch = queue.slice(start, start + opts.batchSize);
    const got = await opts.ask(
      batch.map(([text]) => text),
      batch.map(([, item]) => item),
    );
    batch.forEach(([text], k) => answers.set(text, opts.cache !== undefined ? opts.cache.set({ ...opts.key, text }, got[k]) : got[k]));
    opts.onProgress?.(resolved(), items.length);
  }
  return texts.map((t) => answers.get(t) as T);
}
