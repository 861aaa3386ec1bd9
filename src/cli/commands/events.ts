import type { Command } from 'commander';
import { jsonReplacer, writeFileAtomic } from '../../core/atomic.js';
import { ConfigError } from '../../core/errors.js';
import { readJsonObject } from '../../core/read-json.js';
import { sortEvents } from '../../data/calendar.js';
import type { CalendarEvent } from '../../data/calendar.js';
import { DEFAULT_PARSE_CACHE_DIR, ParseCache } from '../../events/parsers/cache.js';
import type { ParseCacheStats } from '../../events/parsers/cache.js';
import { evaluateSentiment, readLabeledCsv } from '../../events/parsers/evaluate.js';
import type { SentimentEvaluation } from '../../events/parsers/evaluate.js';
import { loadCalendar } from '../../events/load-calendar.js';
import { formatEventsJsonl, mergeNewsItems, parseNewsTime, readNewsFile } from '../../events/parsers/io.js';
import { NEUTRAL_BAND } from '../../events/parsers/news-event.js';
import { createParser, createParserRegistry } from '../../events/parsers/registry.js';
import type { DisposableParser, ParserRegistry } from '../../events/parsers/registry.js';
import { event, responseTable } from '../../../generators/event.js';
import { renderTable } from '../../../evaluators/report.js';
import { affects } from '../../data/calendar.js';
import { sliceBars } from '../../data/bars.js';
import { loadBars } from '../../data/builtin.js';
import type { CliIo } from '../io.js';
import { intOption, numberOption } from '../options.js';

/** Flags that configure a parser (shared by `parse` and `eval`). */
interface ParserFlags {
  parser: string;
  config?: string;
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  batch?: number;
  rpm?: number;
  threads?: number;
  cache: boolean;
  cacheDir: string;
}

interface ParseFlags extends ParserFlags {
  news: string;
  timeCol?: string;
  textCol?: string;
  symbolsCol?: string;
  idCol?: string;
  source?: string;
  out: string;
  json?: boolean;
}

interface ShowFlags {
  type?: string;
  from?: string;
  to?: string;
  limit?: number;
  json?: boolean;
}

interface EvalFlags extends ParserFlags {
  data: string;
  band: number;
  json?: boolean;
}

/** Items handed to the parser at a time by `rl events parse` (progress is reported between chunks). */
const CHUNK = 500;

/**
 * `rl events parse | show | eval`: turn news into events with a parser, inspect an events file, and score a
 * parser's sentiment on labelled sentences.
 *
 * @example
 * registerEventsCommand(program, io); // in buildProgram
 */
export function registerEventsCommand(program: Command, io: CliIo, parsers: ParserRegistry = createParserRegistry()): void {
  const events = program.command('events').description('news → events: parse news with a parser, show an events file, evaluate a parser');
  const parserOptions = (cmd: Command): Command =>
    cmd
      .option('--parser <id>', `event parser: ${parsers.ids().join(', ')}`, 'builtin')
      .option('--config <file>', "parser config (JSON object, the parser's schema); flags override it")
      .option('--model <name>', 'openai: the model id; llama: the GGUF model file')
      .option('--base-url <url>', 'openai: base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1')
      .option('--api-key-env <var>', 'openai: environment variable holding the API key (default OPENAI_API_KEY)')
      .option('--batch <n>', 'openai: news items per request', intOption(1, 100))
      .option('--rpm <n>', 'openai: requests per minute', numberOption(0.001))
      .option('--threads <n>', 'llama: CPU threads', intOption(1))
      .option('--cache-dir <dir>', 'parse cache directory (model-backed parsers)', DEFAULT_PARSE_CACHE_DIR)
      .option('--no-cache', 'neither read nor write the parse cache');

  parserOptions(
    events
      .command('parse')
      .description('parse news items into events (JSONL, one event per item, sorted by time)')
      .requiredOption('--news <file>', 'news items: .jsonl of {id,time,text,symbols,source}, or .csv (see --time-col, --text-col)')
      .option('--time-col <name>', 'CSV: time column (default: the first of time, datetime, created_at_utc, published, date)')
      .option('--text-col <name>', 'CSV: text column (default: the first of text, title, headline, sentence, body)')
      .option('--symbols-col <name>', 'CSV: symbols column (default: symbols, tickers, ticker or symbol, if present)')
      .option('--id-col <name>', 'CSV: id column (default: id, tweet_id or guid, if present; else a hash)')
      .option('--source <name>', "CSV: the items' source name (default: the file's base name)")
      .requiredOption('-o, --out <file>', 'events file to write (JSONL, written atomically)')
      .option('--json', 'print a JSON summary on stdout (counts by type, cache hits)'),
  ).action(async (flags: ParseFlags) => {
    const read = readNewsFile(flags.news, {
      columns: { time: flags.timeCol, text: flags.textCol, symbols: flags.symbolsCol, id: flags.idCol },
      ...(flags.source !== undefined ? { source: flags.source } : {}),
    });
    const { items, merged, dropped } = mergeNewsItems(read);
    const progress = progressLine(io, items.length, flags.parser);
    let base = 0; // first item of the chunk being parsed: model-backed parsers report progress within it
    const { parser, cache } = openParser(parsers, flags, (done) => progress(base + done));
    const out: CalendarEvent[] = [];
    try {
      for (base = 0; base < items.length; base += CHUNK) {
        out.push(...(await parser.parse(items.slice(base, base + CHUNK))));
        progress(Math.min(base + CHUNK, items.length));
      }
    } finally {
      await parser.dispose?.();
    }
    progress.end();
    const sorted = sortEvents(out, flags.out);
    writeFileAtomic(flags.out, formatEventsJsonl(sorted));
    const summary = {
      parser: parser.id,
      news: flags.news,
      out: flags.out,
      items: read.length,
      mergedDuplicates: merged,
      droppedConflicts: dropped,
      events: sorted.length,
      byType: countBy(sorted, (e) => e.type),
      byImportance: countBy(sorted, (e) => e.importance),
      cache: cache === undefined ? null : { dir: cache.dir, ...cache.stats() },
    };
    if (flags.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const types = Object.entries(summary.byType).map(([t, n]) => `${t} ${n}`).join(', ');
      io.out(`${sorted.length} events from ${read.length} news items (${parser.id}) → ${flags.out}\n  by type: ${types || 'none'}\n${cacheLine(summary.cache)}`);
    }
  });

  events
    .command('show')
    .description('show an events file as a table: date, type, importance, surprise, sentiment, scope, text')
    .argument('<file>', "events file: .jsonl (as rl events parse writes), .json, .csv or .ics calendar, or 'builtin'")
    .option('--type <types>', 'only these types (comma-separated)')
    .option('--from <date>', 'only events on or after this day (YYYY-MM-DD, UTC)')
    .option('--to <date>', 'only events on or before this day (YYYY-MM-DD, UTC)')
    .option('-n, --limit <n>', 'at most n events (the first in time)', intOption(1))
    .option('--json', 'print the selected events as a JSON array on stdout')
    .action((file: string, flags: ShowFlags) => {
      const all = loadCalendar(file);
      const types = flags.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const from = flags.from !== undefined ? dayStart(flags.from, 'from') : -Infinity;
      const to = flags.to !== undefined ? dayStart(flags.to, 'to') + 86_400_000 : Infinity;
      let selected = [...all]
        .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .filter((e) => (types === undefined || types.includes(e.type)) && e.time >= from && e.time < to);
      if (flags.limit !== undefined) selected = selected.slice(0, flags.limit);
      if (flags.json) {
        io.out(`${JSON.stringify(selected, jsonReplacer, 2)}\n`);
        return;
      }
      io.out(`${eventsTable(selected)}${selected.length} of ${all.length} events\n`);
    });

  events
    .command('responses')
    .description('fit the event generator on real bars and a calendar, and print its response table per event type × importance')
    .option('-d, --data <file>', "real bars: 'builtin' (S&P 500) or a CSV", 'builtin')
    .option('--calendar <files...>', "calendar: 'builtin' or calendar files / raw series", ['builtin'])
    .option('--from <date>', 'fit on bars on or after this day (YYYY-MM-DD)')
    .option('--to <date>', 'fit on bars on or before this day (YYYY-MM-DD)')
    .option('--json', 'print the rows as JSON on stdout')
    .action((flags: { data: string; calendar: string[]; from?: string; to?: string; json?: boolean }) => {
      const bars = loadBars(flags.data);
      const from = flags.from !== undefined ? dayStart(flags.from, 'from') : -Infinity;
      const to = flags.to !== undefined ? dayStart(flags.to, 'to') + 86_400_000 : Infinity;
      let [start, end] = [0, bars.length];
      while (start < end && bars.time[start] < from) start++;
      while (end > start && bars.time[end - 1] >= to) end--;
      if (end - start < 100) throw new ConfigError('--from', `only ${end - start} bars in the window: need at least 100`);
      const train = sliceBars({ ...bars, events: loadCalendar(flags.calendar.length === 1 ? flags.calendar[0] : flags.calendar).filter((e) => affects(e, bars.symbol)) }, start, end);
      const params = event.fit([train], event.configSchema.parse({}), { calendar: train.events ?? [] });
      const rows = responseTable(params);
      if (flags.json) {
        io.out(`${JSON.stringify(rows, jsonReplacer, 2)}\n`);
        return;
      }
      const f = (x: number | null | undefined, se?: number | null) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(3)}${se === null || se === undefined ? '' : ` ± ${se.toFixed(3)}`}`);
      const table = [
        ['group', 'n', 'intercept %', 'slope % per σ', 'jump sd %', 'vol shock κ', 'half-life', 'pre var ratio', 'sampled as 0'],
        ...rows.map((r) => [r.group, String(r.n), f(r.intercept, r.interceptSe), f(r.slope, r.slopeSe), f(r.jumpSd, r.jumpSdSe), f(r.volKappa, r.volKappaSe), f(r.halfLife, r.halfLifeSe), f(r.preVarRatio, r.preVarRatioSe), r.dropped.join(' ') || '–']),
      ];
      io.out(`${renderTable(table)}\n${train.events?.length ?? 0} events on ${train.length} bars of ${bars.symbol}, ${isoDay(train.time[0])}..${isoDay(train.time[train.length - 1])}; estimates with |t| < 2 are sampled as no effect\n`);
    });

  parserOptions(
    events
      .command('eval')
      .description('sentiment accuracy and macro-F1 of a parser on labelled sentences (CSV label,sentence), on the fixed dev and test halves')
      .requiredOption('-d, --data <file>', 'labelled CSV: columns label (positive|negative|neutral) and sentence (e.g. FinancialPhraseBank)')
      .option('--band <x>', '|sentiment| below this is neutral', numberOption(0), NEUTRAL_BAND)
      .option('--json', 'print the evaluation as JSON on stdout'),
  ).action(async (flags: EvalFlags) => {
    const rows = readLabeledCsv(flags.data);
    const progress = progressLine(io, rows.length, flags.parser);
    const { parser } = openParser(parsers, flags);
    let report: SentimentEvaluation;
    try {
      report = await evaluateSentiment(parser, rows, { file: flags.data, band: flags.band, onProgress: (done) => progress(done) });
    } finally {
      await parser.dispose?.();
    }
    progress.end();
    if (flags.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(evalTable(report));
  });
}

/** The parser named by the flags, with its config (file, then flags) validated by its schema. */
function openParser(parsers: ParserRegistry, flags: ParserFlags, onProgress?: (done: number) => void): { parser: DisposableParser; cache: ParseCache | undefined } {
  const spec = parsers.get(flags.parser);
  const config: Record<string, unknown> = flags.config !== undefined ? readJsonObject(flags.config, `parser.${spec.id}`) : {};
  const given = (['model', 'baseUrl', 'apiKeyEnv', 'batch', 'rpm', 'threads'] as const).filter((k) => flags[k] !== undefined);
  const applies: Record<string, readonly string[]> = { openai: ['model', 'baseUrl', 'apiKeyEnv', 'batch', 'rpm'], llama: ['model', 'threads'] };
  const wrong = given.find((k) => !(applies[spec.id] ?? []).includes(k));
  if (wrong !== undefined) throw new ConfigError(`--${wrong.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, `does not apply to the ${spec.id} parser`);
  if (spec.id === 'openai') {
    if (flags.model !== undefined) config.model = flags.model;
    if (flags.baseUrl !== undefined) config.baseUrl = flags.baseUrl;
    if (flags.apiKeyEnv !== undefined) config.apiKeyEnv = flags.apiKeyEnv;
    if (flags.batch !== undefined) config.batchSize = flags.batch;
    if (flags.rpm !== undefined) config.requestsPerMinute = flags.rpm;
  } else if (spec.id === 'llama') {
    if (flags.model !== undefined) config.modelPath = flags.model;
    if (flags.threads !== undefined) config.threads = flags.threads;
    if (config.modelPath === undefined) throw new ConfigError('--model', 'the llama parser needs a GGUF model file (--model FILE)');
  }
  const cache = spec.usesCache && flags.cache ? new ParseCache(flags.cacheDir) : undefined;
  const parser = createParser(parsers, spec.id, config, { ...(cache !== undefined ? { cache } : {}), ...(onProgress !== undefined ? { onProgress } : {}) });
  return { parser, cache };
}

/** Progress on stderr: redrawn in place on a terminal, a line per tenth otherwise. */
function progressLine(io: CliIo, total: number, label: string): ((done: number) => void) & { end(): void } {
  let lastTenth = -1;
  let shown = false;
  const report = (done: number): void => {
    const line = `${label}: ${done}/${total} items`;
    if (io.errIsTty) {
      io.err(`\r${line}`);
      shown = true;
      return;
    }
    const tenth = total > 0 ? Math.floor((10 * done) / total) : 10;
    if (tenth !== lastTenth) io.err(`${line}\n`);
    lastTenth = tenth;
  };
  return Object.assign(report, { end: () => void (shown && io.err('\n')) });
}

function countBy<T>(values: readonly T[], key: (v: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[key(v)] = (out[key(v)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function cacheLine(cache: ({ dir: string } & ParseCacheStats) | null): string {
  return cache === null ? '' : `  cache ${cache.dir}: ${cache.hits} hits, ${cache.misses} misses, ${cache.writes} written\n`;
}

function dayStart(value: string, flag: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseNewsTime(value) : undefined;
  if (t === undefined) throw new ConfigError(`--${flag}`, `expected a date YYYY-MM-DD, got "${value}"`);
  return t;
}

const num = (x: number | undefined): string => (x === undefined ? '' : (x >= 0 ? '+' : '') + x.toFixed(2));

/** The events as an aligned text table. */
export function eventsTable(events: readonly CalendarEvent[]): string {
  const rows = events.map((e) => [
    new Date(e.time).toISOString().slice(0, 16).replace('T', ' '),
    e.type,
    e.importance,
    num(e.surprise),
    num(e.sentiment),
    excerpt(e.scope.join(','), 24),
    excerpt((e.text ?? '').replace(/\s+/g, ' '), 70),
  ]);
  const header = ['date (UTC)', 'type', 'importance', 'surprise', 'sentiment', 'scope', 'text'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === r.length - 1 ? cell : c === 3 || c === 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

function excerpt(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** The evaluation as a text table. */
export function evalTable(r: SentimentEvaluation): string {
  const rows = (['dev', 'test', 'all'] as const).map((h) => [h, String(r[h].n), pct(r[h].accuracy), r[h].macroF1.toFixed(3), `${pct(r[h].majorityBaseline)} (${r[h].majorityClass})`, `${(100 * (r[h].accuracy - r[h].majorityBaseline)).toFixed(1)}`]);
  const header = ['half', 'n', 'accuracy', 'macro-F1', 'majority baseline', 'Δ points'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (row: readonly string[]): string => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return `${r.parser} on ${r.file} (neutral when |sentiment| < ${r.band})\n${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
