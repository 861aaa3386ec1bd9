import { createHash } from 'node:crypto';
import type { ZodType } from 'zod';
import { parseConfig } from '../../core/config.js';
import { ConfigError, RlError, UnknownPluginError } from '../../core/errors.js';
import type { Registry } from '../../core/registry.js';
import type { NewsItem } from '../../data/calendar.js';

/**
 * The news-source plugin contract. A source kind (`file`, `feed`, or a researcher's own) is a registry entry
 * with a zod schema for its configuration and a factory; a configured source is `{ name, kind, ...config }`
 * (stored in `.rl/config.json`, see project-config.ts). Sources only read: merging, de-duplication and
 * writing belong to {@link collectNews}.
 */

/**
 * Small persistent state a source keeps between reads (a feed's ETag and Last-Modified per URL). Values are
 * plain JSON records. The caller decides when it is saved: only after the items it describes are safely
 * written, so a crash never leaves state that claims items that were lost.
 */
export interface NewsSourceState {
  get(key: string): Readonly<Record<string, string>> | undefined;
  /** `undefined` deletes the entry. */
  set(key: string, value: Readonly<Record<string, string>> | undefined): void;
}

/** What a source is opened with besides its own config. */
export interface NewsSourceContext {
  /** The configured source's name: written to every item's `source` and mixed into generated ids. */
  readonly name: string;
  /** Relative file paths in configs resolve against this directory (the project directory). */
  readonly baseDir: string;
  /** Conditional-request state; without it every read is unconditional. */
  readonly state?: NewsSourceState;
  /** The fetch implementation for network sources (default: the global `fetch`). */
  readonly fetch?: typeof globalThis.fetch;
}

/** One read of a source. */
export interface NewsReadResult {
  /** Items as read, in source order; duplicates are left for {@link mergeNewsItems}. */
  readonly items: NewsItem[];
  /** The source answered "nothing changed since the last read" (HTTP 304): `items` is empty. */
  readonly notModified: boolean;
}

/** An opened source. */
export interface NewsSource {
  readonly name: string;
  readonly kind: string;
  /** @throws RlError (DataError for malformed content, NewsFetchError for network failures) */
  read(): Promise<NewsReadResult>;
}

/**
 * A kind of news source. `configSchema` validates the stored config without its `name` (it includes the
 * `kind` literal) and should be strict, so a misspelt key is reported rather than ignored.
 *
 * @example
 * const myApi = defineNewsSource({
 *   id: 'my-api', description: 'headlines from an in-house service',
 *   configSchema: z.strictObject({ kind: z.literal('my-api'), endpoint: z.url() }),
 *   create: (cfg, ctx) => ({ name: ctx.name, kind: 'my-api', read: async () => ({ items: [], notModified: false }) }),
 * });
 * registry.register(myApi);
 */
export interface NewsSourceSpec<C = unknown> {
  /** The `kind` a config names. */
  readonly id: string;
  readonly description: string;
  readonly configSchema: ZodType<C>;
  create(config: C, ctx: NewsSourceContext): NewsSource;
}

/** Identity helper that types a spec from its schema. */
export function defineNewsSource<C>(spec: NewsSourceSpec<C>): NewsSourceSpec<C> {
  return spec;
}

// Each spec validates its own config, so the registry erases it (as the generator registry does).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NewsSourceRegistry = Registry<NewsSourceSpec<any>>;

/** A source as stored in the project config: a unique name, the kind, and the kind's own keys. */
export interface NewsSourceConfig {
  readonly name: string;
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** Source names: letters, digits, `.`, `_`, `-`, starting with a letter or digit (they appear in ids and flags). */
export const SOURCE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Validates a named source config against its kind's schema.
 *
 * @param key - the config path used in errors, e.g. `news.sources[2]`
 * @returns the kind's spec and its parsed config
 * @throws ConfigError naming `key.name`, `key.kind` (unknown kind, with a did-you-mean) or the offending key
 */
export function resolveNewsSourceConfig(
  registry: NewsSourceRegistry,
  source: unknown,
  key: string,
): { name: string; spec: NewsSourceSpec<unknown>; config: unknown } {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new ConfigError(key, 'must be an object { name, kind, ... }');
  const { name, ...rest } = source as Record<string, unknown>;
  if (typeof name !== 'string' || !SOURCE_NAME_RE.test(name)) {
    throw new ConfigError(`${key}.name`, `expected a name of letters, digits, ".", "_" or "-", got ${JSON.stringify(name)}`);
  }
  const kind = rest.kind;
  if (typeof kind !== 'string') throw new ConfigError(`${key}.kind`, `expected one of ${registry.ids().join(', ')}`);
  let spec: NewsSourceSpec<unknown>;
  try {
    spec = registry.get(kind);
  } catch (e) {
    if (e instanceof UnknownPluginError) throw new ConfigError(`${key}.kind`, e.message);
    throw e;
  }
  return { name, spec, config: parseConfig(spec.configSchema, rest, key) };
}

/**
 * Opens a configured source.
 *
 * @example
 * const source = openNewsSource(registry, { name: 'fed', kind: 'feed', url: 'https://www.federalreserve.gov/feeds/press_all.xml' }, { baseDir: '.' });
 * const { items } = await source.read();
 * @throws ConfigError when the config is invalid (see {@link resolveNewsSourceConfig})
 */
export function openNewsSource(
  registry: NewsSourceRegistry,
  source: NewsSourceConfig,
  ctx: Omit<NewsSourceContext, 'name'>,
  key = `news.sources.${source.name}`,
): NewsSource {
  const { name, spec, config } = resolveNewsSourceConfig(registry, source, key);
  return spec.create(config, { ...ctx, name });
}

/**
 * The id given to an item whose source has none: a hash of the source name, time and text, so reading the
 * same data again gives the same ids (16 hex digits, as {@link eventId}).
 */
export function newsItemId(source: string, time: number, text: string): string {
  return createHash('sha256').update(JSON.stringify([source, time, text])).digest('hex').slice(0, 16);
}

/**
 * A network source failed: no answer within the timeout, a connection error, or an HTTP error status.
 * `status` is the HTTP status when there was one. Exit code 4.
 */
export class NewsFetchError extends RlError {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${url}: ${detail}`, 'E_FETCH', 4);
  }
}
