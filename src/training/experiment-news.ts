import type { CalendarEvent } from '../data/calendar.js';
import { createParser, createParserRegistry } from '../events/parsers/registry.js';
import { ParseCache } from '../events/parsers/cache.js';
import { readNewsFile } from '../events/parsers/io.js';

/**
 * Events parsed from an experiment's news files (NewsItems as `.jsonl`, e.g. from `rl news fetch`, or `.csv`
 * with `date` and `text` columns) with the parser `parserId` in its default config. Model-backed parsers
 * cache every answer under `.rl/cache/parses/`, so a re-run parses nothing again; for a parser that needs
 * settings (a model, a URL), parse with `rl events parse` and pass the events file as a calendar instead.
 *
 * @throws DataError naming the file, line and field; UnknownPluginError for an unknown parser.
 */
export async function parseNewsFiles(files: readonly string[], parserId: string): Promise<CalendarEvent[]> {
  const items = files.flatMap((file) => readNewsFile(file));
  const parser = createParser(createParserRegistry(), parserId, {}, { cache: new ParseCache() });
  try {
    return await parser.parse(items);
  } finally {
    await parser.dispose?.();
  }
}
