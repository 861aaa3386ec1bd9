import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../core/atomic.js';
import { parseConfig } from '../../core/config.js';
import { ConfigError, UnknownPluginError } from '../../core/errors.js';
import { suggestSimilar } from '../../core/registry.js';
import { resolveNewsSourceConfig } from './source.js';
import type { NewsSourceConfig, NewsSourceRegistry } from './source.js';

/**
 * The project's own settings, in `<project>/.rl/config.json` (the project directory is the working directory
 * unless given):
 *
 * ```json
 * { "news": { "sources": [
 *   { "name": "benzinga", "kind": "file", "path": "data/headlines.csv", "columns": { "time": "datetime", "text": "title", "symbols": "ticker" } },
 *   { "name": "fed", "kind": "feed", "url": "https://www.federalreserve.gov/feeds/press_monetary.xml", "symbols": ["market"] }
 * ] } }
 * ```
 *
 * Every source is validated against its kind's schema; unknown keys, at any level, are errors naming the key.
 * Sources are stored as written (defaults are applied when a source is opened, so a later default applies to
 * an old config too).
 */

/** The directory, inside a project, that holds its config and state. */
export const PROJECT_DIR = '.rl';

export interface ProjectConfig {
  readonly news: { readonly sources: readonly NewsSourceConfig[] };
}

/** Where the config lives: `path` when given, else `<dir>/.rl/config.json` (`dir` defaults to the working directory). */
export interface ProjectConfigLocation {
  readonly dir?: string;
  readonly path?: string;
}

/** `<dir>/.rl/config.json`, or `loc.path`. */
export function projectConfigPath(loc: ProjectConfigLocation = {}): string {
  return loc.path ?? join(loc.dir ?? process.cwd(), PROJECT_DIR, 'config.json');
}

/** `<dir>/.rl/news-state.json`: the feeds' conditional-request state (see NewsStateFile). */
export function newsStatePath(dir: string = process.cwd()): string {
  return join(dir, PROJECT_DIR, 'news-state.json');
}

const fileSchema = z.strictObject({
  news: z.strictObject({ sources: z.array(z.unknown()).default([]) }).optional(),
});

/**
 * Validates a project config value.
 *
 * @param file - named in error messages
 * @throws ConfigError whose `path` is the offending key (`news.sources[1].columns.tme`), for unknown keys,
 *   invalid values, unknown source kinds and duplicate source names
 *
 * @example
 * parseProjectConfig({ news: { sources: [{ name: 'fed', kind: 'feed', url: 'https://example.org/rss' }] } }, registry);
 */
export function parseProjectConfig(value: unknown, registry: NewsSourceRegistry, file = 'project config'): ProjectConfig {
  return inFile(file, () => {
    const parsed = parseConfig(fileSchema, value);
    const sources = parsed.news?.sources ?? [];
    const seen = new Map<string, number>();
    sources.forEach((source, i) => {
      const { name } = resolveNewsSourceConfig(registry, source, `news.sources[${i}]`);
      const first = seen.get(name);
      if (first !== undefined) throw new ConfigError(`news.sources[${i}].name`, `duplicate source name "${name}" (also news.sources[${first}])`);
      seen.set(name, i);
    });
    return { news: { sources: sources as NewsSourceConfig[] } };
  });
}

/**
 * Reads and validates the project config; a project without one has no sources.
 *
 * @throws ConfigError when the file is not JSON or does not validate (see {@link parseProjectConfig})
 *
 * @example
 * const { news } = loadProjectConfig(registry);            // ./.rl/config.json
 * loadProjectConfig(registry, { dir: '/data/project' });
 */
export function loadProjectConfig(registry: NewsSourceRegistry, loc: ProjectConfigLocation = {}): ProjectConfig {
  const file = projectConfigPath(loc);
  if (!existsSync(file)) return { news: { sources: [] } };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseProjectConfig(value, registry, file);
}

/**
 * Validates and writes the project config atomically (creating `.rl/`).
 * @throws ConfigError when the config does not validate; nothing is written then
 */
export function saveProjectConfig(config: ProjectConfig, registry: NewsSourceRegistry, loc: ProjectConfigLocation = {}): void {
  const file = projectConfigPath(loc);
  parseProjectConfig(config, registry, file);
  writeJsonAtomic(file, { news: { sources: config.news.sources } });
}

/**
 * The config with one more source (validated).
 * @throws ConfigError if the name is taken or the source does not validate
 */
export function addNewsSource(config: ProjectConfig, source: NewsSourceConfig, registry: NewsSourceRegistry): ProjectConfig {
  if (config.news.sources.some((s) => s.name === source.name)) {
    throw new ConfigError(`news.sources.${source.name}`, `a source named "${source.name}" exists already (remove it first)`);
  }
  const next = { ...config, news: { ...config.news, sources: [...config.news.sources, source] } };
  return parseProjectConfig(next, registry);
}

/**
 * The config without the named source.
 * @throws UnknownPluginError (kind `news source`, with a did-you-mean) when there is none by that name
 */
export function removeNewsSource(config: ProjectConfig, name: string): ProjectConfig {
  findNewsSource(config, name);
  return { ...config, news: { ...config.news, sources: config.news.sources.filter((s) => s.name !== name) } };
}

/**
 * The configured source of this name.
 * @throws UnknownPluginError (kind `news source`, with a did-you-mean and the configured names)
 */
export function findNewsSource(config: ProjectConfig, name: string): NewsSourceConfig {
  const source = config.news.sources.find((s) => s.name === name);
  if (source !== undefined) return source;
  const names = config.news.sources.map((s) => s.name);
  throw new UnknownPluginError('news source', name, suggestSimilar(name, names), names);
}

/** Runs `f`, adding the file's name to any ConfigError it throws. */
function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const detail = e.message.slice(e.path ? `invalid config at ${e.path}: `.length : 'invalid config: '.length);
    throw new ConfigError(e.path, `${detail} (in ${file})`);
  }
}
