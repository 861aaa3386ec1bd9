import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic.js';
import { DataError } from '../../core/errors.js';
import { newsItemSchema } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import type { NewsSource, NewsSourceState } from './source.js';

/**
 * Merges batches of items into one list sorted by time, then id. Items sharing an id are one item: the first
 * occurrence's time, text and source are kept and the symbols of all are united (a headline filed under
 * several tickers, one row each, becomes one item naming them all). Symbols are sorted.
 *
 * @example
 * mergeNewsItems([[{ id: 'a', time: 2, text: 'x', symbols: ['B'], source: 's' }], [{ id: 'a', time: 2, text: 'x', symbols: ['A'], source: 's' }]]);
 * // [{ id: 'a', time: 2, text: 'x', symbols: ['A', 'B'], source: 's' }]
 */
export function mergeNewsItems(batches: Iterable<readonly NewsItem[]>): NewsItem[] {
  const byId = new Map<string, { item: NewsItem; symbols: Set<string> }>();
  for (const batch of batches) {
    for (const item of batch) {
      const seen = byId.get(item.id);
      if (seen === undefined) byId.set(item.id, { item, symbols: new Set(item.symbols) });
      else for (const s of item.symbols) seen.symbols.add(s);
    }
  }
  const out = [...byId.values()].map(({ item, symbols }) => ({ ...item, symbols: [...symbols].sort() }));
  return out.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What one source gave in a {@link collectNews} run. */
export interface SourceReport {
  readonly name: string;
  readonly kind: string;
  /** Items read (before de-duplication). */
  readonly items: number;
  /** The source answered "not modified" (HTTP 304). */
  readonly notModified: boolean;
}

/** The result of {@link collectNews}. */
export interface CollectedNews {
  /** Existing and new items merged: unique ids, sorted by time then id. */
  readonly items: NewsItem[];
  /** How many of `items` have an id that `existing` did not. */
  readonly added: number;
  readonly sources: SourceReport[];
}

/**
 * Reads every source in order and merges what they give with the items collected before: a new item replaces
 * an existing one with the same id (a corrected headline), items no source gives any more are kept (a feed
 * shows only its latest entries, so its history accumulates across runs), and items sharing an id across
 * sources are united ({@link mergeNewsItems}). The first source that fails stops the run.
 *
 * @param opts.existing - items from an earlier run (e.g. the output file), default none
 * @param opts.onSource - called after each source is read (progress)
 * @throws whatever a source throws (DataError, NewsFetchError, …)
 *
 * @example
 * const { items, added } = await collectNews(sources, { existing: readNewsJsonl('news.jsonl') });
 * writeNewsJsonl('news.jsonl', items);
 */
export async function collectNews(
  sources: readonly NewsSource[],
  opts: { existing?: readonly NewsItem[]; onSource?: (report: SourceReport) => void } = {},
): Promise<CollectedNews> {
  const batches: NewsItem[][] = [];
  const reports: SourceReport[] = [];
  for (const source of sources) {
    const { items, notModified } = await source.read();
    const report = { name: source.name, kind: source.kind, items: items.length, notModified };
    reports.push(report);
    opts.onSource?.(report);
    batches.push(items);
  }
  const fresh = mergeNewsItems(batches);
  const freshIds = new Set(fresh.map((i) => i.id));
  const existing = opts.existing ?? [];
  const existingIds = new Set(existing.map((i) => i.id));
  const items = mergeNewsItems([existing.filter((i) => !freshIds.has(i.id)), fresh]);
  return { items, added: items.filter((i) => !existingIds.has(i.id)).length, sources: reports };
}

/**
 * News items from a JSONL file (one NewsItem per line, as {@link writeNewsJsonl} writes them); blank lines
 * are skipped.
 *
 * @throws DataError naming the file, line and field of the first invalid item
 */
export function readNewsJsonl(file: string): NewsItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot read file: ${(e as Error).message}`);
  }
  const items: NewsItem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new DataError(file, i + 1, undefined, `not valid JSON: ${(e as Error).message}`);
    }
    const r = newsItemSchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      throw new DataError(file, i + 1, [...issue.path.map(String), ...keys].join('.') || undefined, issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message);
    }
    items.push(r.data);
  });
  return items;
}

/** One JSON object per line (`id`, `time`, `text`, `symbols`, `source`), LF endings; empty for no items. */
export function formatNewsJsonl(items: readonly NewsItem[]): string {
  return items.map((i) => `${JSON.stringify({ id: i.id, time: i.time, text: i.text, symbols: i.symbols, source: i.source })}\n`).join('');
}

/** Writes items as JSONL atomically (a reader sees the old file or the complete new one). */
export function writeNewsJsonl(file: string, items: readonly NewsItem[]): void {
  writeFileAtomic(file, formatNewsJsonl(items));
}

const stateFileSchema = z.strictObject({
  version: z.literal(1),
  scopes: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string())))),
});
type StateTree = z.infer<typeof stateFileSchema>['scopes'];

/**
 * Sources' persistent state (feed validators) in one JSON file, in scopes: one per output file, so a feed's
 * "not modified" is only ever relied on for the output that already holds its items. Nothing is written
 * until {@link NewsStateFile.save}.
 *
 * @example
 * const state = NewsStateFile.load('.rl/news-state.json');
 * const ctx = { baseDir: '.', state: state.scope('news.jsonl', 'fed') };
 * // … read, write the output, then:
 * state.save();
 */
export class NewsStateFile {
  private constructor(
    readonly path: string,
    private readonly scopes: StateTree,
  ) {}

  /**
   * The state in `path`, or an empty one when the file does not exist.
   * @throws DataError when the file exists but is not a state file (delete it to start over)
   */
  static load(path: string): NewsStateFile {
    if (!existsSync(path)) return new NewsStateFile(path, {});
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new DataError(path, undefined, undefined, `not a news state file (${(e as Error).message}); delete it to start over`);
    }
    const r = stateFileSchema.safeParse(value);
    if (!r.success) throw new DataError(path, undefined, r.error.issues[0].path.join('.') || undefined, `not a news state file (${r.error.issues[0].message}); delete it to start over`);
    return new NewsStateFile(path, r.data.scopes);
  }

  /** The state of one source within one scope (e.g. the output path). */
  scope(scope: string, source: string): NewsSourceState {
    return {
      get: (key) => this.scopes[scope]?.[source]?.[key],
      set: (key, value) => {
        const bySource = (this.scopes[scope] ??= {});
        const byKey = (bySource[source] ??= {});
        if (value === undefined) delete byKey[key];
        else byKey[key] = { ...value };
        if (Object.keys(byKey).length === 0) delete bySource[source];
        if (Object.keys(bySource).length === 0) delete this.scopes[scope];
      },
    };
  }

  /** Forgets a scope's state (its output was replaced or deleted, so nothing may be assumed unchanged). */
  drop(scope: string): void {
    delete this.scopes[scope];
  }

  /** Writes the state atomically. */
  save(): void {
    writeJsonAtomic(this.path, { version: 1, scopes: this.scopes });
  }
}
