import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import {
  addNewsSource,
  collectNews,
  createNewsSourceRegistry,
  findNewsSource,
  loadProjectConfig,
  NEWS_FILE_FORMATS,
  newsStatePath,
  NewsStateFile,
  openNewsSource,
  projectConfigPath,
  readNewsJsonl,
  removeNewsSource,
  saveProjectConfig,
  writeNewsJsonl,
} from '../../events/news/index.js';
import type { NewsFileFormat, NewsSourceConfig, NewsSourceRegistry } from '../../events/news/index.js';
import type { CliIo } from '../io.js';
import { intOption } from '../options.js';

/** The registries `rl news` resolves source kinds against. */
export interface NewsRegistries {
  readonly newsSources: NewsSourceRegistry;
}

interface AddFlags {
  file?: string;
  url?: string;
  format?: NewsFileFormat;
  timeCol?: string;
  textCol?: string;
  symbolsCol?: string;
  idCol?: string;
  symbols?: string;
  timeoutMs?: number;
  retries?: number;
}

interface FetchFlags {
  source?: string[];
  out: string;
  replace?: boolean;
  json?: boolean;
}

/**
 * `rl news sources add|list|remove` and `rl news fetch`: configure the project's news sources (in
 * `<project>/.rl/config.json`) and collect their items into one JSONL file of NewsItems.
 *
 * @example
 * registerNewsCommand(program, io); // built-in source kinds: file, feed
 */
export function registerNewsCommand(program: Command, io: CliIo, registries: NewsRegistries = { newsSources: createNewsSourceRegistry() }): void {
  const registry = registries.newsSources;
  const news = program
    .command('news')
    .description('news sources for the event-driven generator: configure them, fetch their items into JSONL')
    .option('--project <dir>', 'project directory holding .rl/config.json (default: the working directory)');
  const projectDir = (cmd: Command): string => resolve((cmd.optsWithGlobals() as { project?: string }).project ?? process.cwd());

  const sources = news.command('sources').description("the project's news sources (.rl/config.json)");

  sources
    .command('add')
    .description('add a source: a CSV/JSON/JSONL file (--file) or an RSS/Atom feed (--url)')
    .argument('<name>', 'a name of letters, digits, ".", "_" or "-"')
    .option('--file <path>', 'a CSV, JSON (array of objects) or JSONL file (stored relative to the project directory)')
    .addOption(new Option('--url <url>', 'an RSS 2.0 or Atom feed over http(s)').conflicts('file'))
    .addOption(new Option('--format <format>', 'with --file: the file format (default: from the extension)').choices(NEWS_FILE_FORMATS))
    .option('--time-col <name>', 'with --file: the date column (YYYY-MM-DD, ISO 8601 date-time or epoch ms) (default: date)')
    .option('--text-col <name>', 'with --file: the text column (default: text)')
    .option('--symbols-col <name>', 'with --file: the tickers column')
    .option('--id-col <name>', 'with --file: a stable id column (default: a hash of source, time and text)')
    .option('--symbols <list>', 'with --url: symbols given to every item, comma-separated (e.g. market)')
    .option('--timeout-ms <ms>', 'with --url: per-attempt timeout (default 15000)', intOption(1))
    .option('--retries <n>', 'with --url: retries after a 5xx, timeout or network error (default 2)', intOption(0, 10))
    .action((name: string, flags: AddFlags, cmd: Command) => {
      const dir = projectDir(cmd);
      const source = sourceFromFlags(name, flags, dir);
      const config = addNewsSource(loadProjectConfig(registry, { dir }), source, registry);
      saveProjectConfig(config, registry, { dir });
      if (source.kind === 'file' && !existsSync(resolve(dir, source.path as string))) io.err(`warning: ${source.path} does not exist (yet)\n`);
      io.out(`added news source "${name}" (${source.kind} ${String(source.kind === 'file' ? source.path : source.url)}) to ${projectConfigPath({ dir })}\n`);
    });

  sources
    .command('list')
    .description('list the configured sources')
    .option('--json', 'print the sources as stored, as JSON on stdout')
    .action((flags: { json?: boolean }, cmd: Command) => {
      const list = loadProjectConfig(registry, { dir: projectDir(cmd) }).news.sources;
      if (flags.json) return io.out(`${JSON.stringify(list, null, 2)}\n`);
      if (list.length === 0) return io.out('no news sources (add one: rl news sources add <name> --file PATH | --url URL)\n');
      const width = Math.max(...list.map((s) => s.name.length));
      io.out(list.map((s) => `${s.name.padEnd(width)}  ${s.kind.padEnd(4)}  ${describeSource(s)}`).join('\n') + '\n');
    });

  sources
    .command('remove')
    .description('remove a source (its items already fetched stay in the output)')
    .argument('<name>', 'the source')
    .action((name: string, _flags: unknown, cmd: Command) => {
      const dir = projectDir(cmd);
      saveProjectConfig(removeNewsSource(loadProjectConfig(registry, { dir }), name), registry, { dir });
      io.out(`removed news source "${name}"\n`);
    });

  news
    .command('fetch')
    .description('read every (or each --source) source and merge the items into --out: unique ids, sorted by time')
    .option('--source <name...>', 'only these sources (default: all)')
    .option('-o, --out <file>', 'the JSONL output; items already in it are kept and updated', 'news.jsonl')
    .option('--replace', 'start from an empty output and fetch every feed in full (no conditional requests)')
    .option('--json', 'print a summary as JSON on stdout (progress stays on stderr)')
    .action(async (flags: FetchFlags, cmd: Command) => {
      const dir = projectDir(cmd);
      const config = loadProjectConfig(registry, { dir });
      if (config.news.sources.length === 0) throw new ConfigError('news.sources', `no news sources in ${projectConfigPath({ dir })}: add one with rl news sources add`);
      const chosen = flags.source === undefined ? config.news.sources : [...new Set(flags.source)].map((n) => findNewsSource(config, n));
      const out = resolve(flags.out);
      // Feed validators are kept per output file: "not modified" is only true of a file that holds the items.
      const scope = relativeOrAbsolute(dir, out);
      const state = NewsStateFile.load(newsStatePath(dir));
      const fresh = flags.replace === true || !existsSync(out);
      if (fresh) state.drop(scope);
      const opened = chosen.map((s) => openNewsSource(registry, s, { baseDir: dir, state: state.scope(scope, s.name) }));
      const existing = fresh ? [] : readNewsJsonl(out);
      const started = performance.now(); // elapsed time for stderr only, never in results
      const result = await collectNews(opened, {
        existing,
        onSource: (r) => io.err(`${r.name}: ${r.notModified ? 'not modified since the last fetch' : `${r.items} item${r.items === 1 ? '' : 's'}`}\n`),
      });
      writeNewsJsonl(out, result.items);
      state.save(); // after the output: validators never claim items that were not written
      const summary = { out, items: result.items.length, added: result.added, sources: result.sources };
      if (flags.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
      else io.out(`${summary.items} items (${summary.added} new) from ${chosen.length} source${chosen.length === 1 ? '' : 's'} → ${flags.out}\n`);
      io.err(`done in ${Math.round((performance.now() - started) / 1000)}s\n`);
    });
}

/** The stored source config the `add` flags describe. @throws ConfigError naming a flag that does not apply. */
function sourceFromFlags(name: string, flags: AddFlags, dir: string): NewsSourceConfig {
  const fileOnly = { format: '--format', timeCol: '--time-col', textCol: '--text-col', symbolsCol: '--symbols-col', idCol: '--id-col' } as const;
  const urlOnly = { symbols: '--symbols', timeoutMs: '--timeout-ms', retries: '--retries' } as const;
  if (flags.file === undefined && flags.url === undefined) throw new ConfigError('--file', 'give --file PATH or --url URL');
  const [own, other] = flags.file !== undefined ? [fileOnly, urlOnly] : [urlOnly, fileOnly];
  for (const [key, flag] of Object.entries(other)) {
    if (flags[key as keyof AddFlags] !== undefined) throw new ConfigError(flag, `applies to ${own === fileOnly ? '--url' : '--file'} sources only`);
  }
  if (flags.file !== undefined) {
    const columns = {
      time: flags.timeCol ?? 'date',
      text: flags.textCol ?? 'text',
      ...(flags.symbolsCol !== undefined ? { symbols: flags.symbolsCol } : {}),
      ...(flags.idCol !== undefined ? { id: flags.idCol } : {}),
    };
    return { name, kind: 'file', path: relativeOrAbsolute(dir, resolve(flags.file)), ...(flags.format !== undefined ? { format: flags.format } : {}), columns };
  }
  const symbols = flags.symbols?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    name,
    kind: 'feed',
    url: flags.url as string,
    ...(symbols !== undefined ? { symbols } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
  };
}

/** `path` relative to `dir` when it lies inside it, else absolute. */
function relativeOrAbsolute(dir: string, path: string): string {
  const rel = relative(dir, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** One line about a stored source for `sources list`. */
function describeSource(s: NewsSourceConfig): string {
  if (s.kind === 'file') {
    const columns = Object.entries((s.columns ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
    return [String(s.path), s.format !== undefined ? `(${String(s.format)})` : '', columns.join(' ')].filter((x) => x !== '').join('  ');
  }
  if (s.kind === 'feed') {
    const symbols = Array.isArray(s.symbols) && s.symbols.length > 0 ? `symbols=${s.symbols.join(',')}` : '';
    return [String(s.url), symbols].filter((x) => x !== '').join('  ');
  }
  const { name: _name, kind: _kind, ...rest } = s;
  return JSON.stringify(rest);
}
