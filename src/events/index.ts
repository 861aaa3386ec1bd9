export {
  CALENDAR_CSV_COLUMNS,
  formatCalendarCsv,
  formatCalendarJsonl,
  parseCalendarCsv,
  parseCalendarJsonArray,
  parseCalendarJsonl,
  readCalendarCsv,
  readCalendarJsonl,
  sampleStd,
  standardiseSurprises,
  SURPRISE_SIGNS,
  surpriseSign,
  writeCalendarCsv,
  writeCalendarJsonl,
} from './calendar-files.js';
export { EVENT_TYPE_KEYWORDS, eventTypeFromTitle, importanceFromPriority, newYorkToUtc, parseIcs, readIcs, slugType, zonedTimeToUtc } from './ics.js';
export { buildFomcCalendar } from './builders/fomc.js';
export type { FomcOptions } from './builders/fomc.js';
export { buildCpiCalendar, cpiReleaseTime } from './builders/cpi.js';
export type { CpiOptions } from './builders/cpi.js';
export { buildEarningsCalendar } from './builders/earnings.js';
export type { EarningsOptions } from './builders/earnings.js';
export { buildReleaseCalendar, payrollsReleaseTime } from './builders/releases.js';
export type { ReleaseOptions } from './builders/releases.js';
export { BUILTIN_FOMC_DECISIONS, builtinCalendar, FOMC_LEVEL_AT_2000 } from './builtin-calendar.js';
export type { FomcDecision } from './builtin-calendar.js';
export { CALENDAR_EXTENSIONS, calendarHash, loadCalendar, readCalendarFile } from './load-calendar.js';
export type { CalendarSpec } from './load-calendar.js';
