import { affects, sortEvents, type CalendarEvent } from '../data/calendar.js';
import type { Bars } from '../data/bars.js';
import { loadCalendar } from '../events/load-calendar.js';
import type { ExperimentConfig } from './experiment-config.js';

/**
 * The calendar an experiment runs with: `events.calendar` ('builtin', 'none', or files) merged with the
 * events parsed from `events.news` files. The whole history is loaded once; each fold's generator sees
 * only the events of its training window (`sliceBars` keeps a slice's own events), and observations see
 * an outcome only from its release bar on (src/features/calendar-features.ts).
 *
 * @throws ConfigError, DataError naming the file and field.
 */
export async function loadExperimentEvents(cfg: ExperimentConfig['events']): Promise<CalendarEvent[]> {
  const calendar = cfg.calendar === 'none' ? [] : loadCalendar(cfg.calendar);
  if (cfg.news.length === 0) return calendar;
  const { parseNewsFiles } = await import('./experiment-news.js');
  const news = await parseNewsFiles(cfg.news, cfg.parser);
  const ids = new Set(calendar.map((e) => e.id));
  return sortEvents([...calendar, ...news.filter((e) => !ids.has(e.id))], 'events');
}

/** The bars with the events that concern their symbol (market-wide ones and those scoped to it) attached. */
export function withEvents(bars: Bars, events: readonly CalendarEvent[]): Bars {
  return { ...bars, events: events.filter((e) => affects(e, bars.symbol)) };
}
