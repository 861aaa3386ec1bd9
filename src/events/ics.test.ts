import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { calendarEventSchema, eventId } from '../data/calendar.js';
import { eventTypeFromTitle, importanceFromPriority, newYorkToUtc, parseIcs, slugType, zonedTimeToUtc } from './ics.js';

// Folded lines: SUMMARY continues with a space, DESCRIPTION with a tab; CRLF line ends.
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//calendar//EN',
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:STANDARD',
  'DTSTART:19701101T020000',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'UID:fomc-2017-12',
  'DTSTART;TZID=America/New_York:20171213T140000',
  'SUMMARY:FOMC Rate Decis',
  ' ion (target range)',
  'DESCRIPTION:Statement\\, projections and\\npress conf',
  '\terence',
  'PRIORITY:1',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:reminder',
  'TRIGGER:-PT15M',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:cpi-2017-06',
  'DTSTART;TZID="America/New_York":20170714T083000',
  'SUMMARY:Consumer Price Index (MoM)',
  'CATEGORIES:Economic,Inflation',
  'PRIORITY:5',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;VALUE=DATE:20170801',
  'SUMMARY:Apple Inc. quarterly results',
  'CATEGORIES:Earnings',
  'X-SCOPE:AAPL',
  'PRIORITY:7',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART:20170707T123000Z',
  'SUMMARY:Employment Situation',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART:20170926T160000',
  'SUMMARY:ISM Manufacturing PMI',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART:20171001',
  'SUMMARY:Holiday',
  'CATEGORIES:Bank Holiday\\, US',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART:20171002T000000Z',
  'SUMMARY:Cancelled meeting',
  'STATUS:CANCELLED',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

function thrown(text: string): DataError {
  try {
    parseIcs(text, { file: 'cal.ics' });
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError');
}

const wrap = (...lines: string[]) => ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');

describe('parseIcs', () => {
  const events = parseIcs(ICS, { file: 'cals/fed.ics' });
  const byType = new Map(events.map((e) => [e.type, e]));

  it('reads every VEVENT but the cancelled one, sorted by time, schema-valid, with stable ids', () => {
    expect(events.map((e) => e.type)).toEqual(['payrolls', 'cpi', 'earnings', 'ism-manufacturing-pmi', 'bank-holiday-us', 'fomc']);
    for (const e of events) {
      expect(calendarEventSchema.parse(e)).toEqual(e);
      expect(e.id).toBe(eventId(e));
      expect(e.scheduled).toBe(true);
    }
  });

  it('unfolds lines and unescapes text; nested VALARM properties are not the event’s', () => {
    expect(byType.get('fomc')?.text).toBe('FOMC Rate Decision (target range)\nStatement, projections and\npress conference');
    expect(byType.get('fomc')?.source).toEqual({ kind: 'calendar', ref: 'fed.ics#fomc-2017-12' });
  });

  it('converts DATE, UTC, New York (EST and EDT, quoted TZID) and floating DTSTARTs', () => {
    expect(byType.get('fomc')?.time).toBe(Date.UTC(2017, 11, 13, 19, 0)); // EST: UTC−5
    expect(byType.get('cpi')?.time).toBe(Date.UTC(2017, 6, 14, 12, 30)); // EDT: UTC−4
    expect(byType.get('earnings')?.time).toBe(Date.UTC(2017, 7, 1)); // DATE: UTC midnight
    expect(byType.get('payrolls')?.time).toBe(Date.UTC(2017, 6, 7, 12, 30)); // Z
    expect(byType.get('ism-manufacturing-pmi')?.time).toBe(Date.UTC(2017, 8, 26, 16, 0)); // floating read as UTC
    expect(byType.get('bank-holiday-us')?.time).toBe(Date.UTC(2017, 9, 1)); // bare DATE value
  });

  it('types from CATEGORIES, then SUMMARY keywords, then slugs; importance from PRIORITY; X-SCOPE', () => {
    expect(byType.get('cpi')?.importance).toBe('medium'); // PRIORITY 5; category "Economic" is no keyword, summary is
    expect(byType.get('earnings')).toMatchObject({ importance: 'low', scope: ['AAPL'] }); // category keyword
    expect(byType.get('fomc')?.importance).toBe('high');
    expect(byType.get('payrolls')).toMatchObject({ importance: 'medium', scope: ['market'] }); // no PRIORITY
    expect(byType.get('bank-holiday-us')?.text).toBe('Holiday'); // escaped comma kept inside one category
  });

  it('names file, line and property of malformed input', () => {
    expect(thrown(wrap('DTSTART:2017-12-13'))).toMatchObject({ code: 'E_DATA', file: 'cal.ics', line: 3, field: 'DTSTART' });
    expect(thrown(wrap('DTSTART:20170230T120000Z'))).toMatchObject({ line: 3, field: 'DTSTART' });
    expect(thrown(wrap('DTSTART;TZID=Mars/Olympus:20170101T120000'))).toMatchObject({ line: 3, field: 'DTSTART' });
    expect(thrown(wrap('SUMMARY:x'))).toMatchObject({ line: 2, field: 'DTSTART' });
    expect(thrown(wrap('DTSTART:20170101', 'PRIORITY:high'))).toMatchObject({ line: 4, field: 'PRIORITY' });
    expect(thrown(wrap('DTSTART:20170101', 'RRULE:FREQ=MONTHLY'))).toMatchObject({ line: 4, field: 'RRULE' });
    expect(thrown(wrap('DTSTART:20170101', 'no colon here'))).toMatchObject({ line: 4, field: undefined });
    expect(thrown('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20170101\r\nEND:VCALENDAR')).toMatchObject({ line: 4, field: 'END' });
    expect(thrown('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20170101\r\nEND:VEVENT')).toMatchObject({ line: 1, field: 'BEGIN' });
    const twice = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART:20170101', 'SUMMARY:CPI', 'END:VEVENT', 'BEGIN:VEVENT', 'DTSTART:20170101', 'SUMMARY:CPI', 'END:VEVENT', 'END:VCALENDAR'];
    expect(thrown(twice.join('\n'))).toMatchObject({ line: 6, field: 'id' });
  });
});

describe('keyword map, slugs, priority', () => {
  it.each([
    ['FOMC Rate Decision', 'fomc'],
    ['Fed Interest Rate Decision', 'fomc'],
    ['Federal Reserve target rate', 'fomc'],
    ['FOMC Minutes', 'fomc-minutes'],
    ["Fed's Chair Yellen speech", 'speech'],
    ['FOMC Press Conference', 'speech'],
    ['Fed Chairman Nomination Vote', 'nomination'],
    ['Nonfarm Payrolls', 'payrolls'],
    ['Non-Farm Employment Change', 'payrolls'],
    ['NFP', 'payrolls'],
    ['Average Hourly Earnings (MoM)', 'payrolls'],
    ['CPI m/m', 'cpi'],
    ['Consumer Price Index ex Food & Energy (YoY)', 'cpi'],
    ['GDP Advance', 'gdp'],
    ['Gross Domestic Product Annualized', 'gdp'],
    ['Q3 earnings call', 'earnings'],
    ['ISM Manufacturing PMI', undefined],
    ['Producer Price Index', undefined],
  ])('%s → %s', (title, type) => {
    expect(eventTypeFromTitle(title)).toBe(type);
  });

  it('slugs are valid event types', () => {
    expect(slugType('Core PCE - Price Index (YoY)')).toBe('core-pce-price-index');
    expect(slugType('S&P Global PMI')).toBe('s-and-p-global-pmi');
    expect(slugType('2-Year Note Auction')).toBe('event-2-year-note-auction');
    expect(slugType('(((')).toBe('event');
    expect(slugType('a'.repeat(30) + ' ' + 'b'.repeat(30))).toBe('a'.repeat(30));
    for (const s of ['Core PCE - Price Index (YoY)', '2-Year Note Auction', 'Ünïcödé']) expect(slugType(s)).toMatch(/^[a-z][a-z0-9_-]*$/);
  });

  it('PRIORITY 1–4 high, 5 medium, 6–9 low, 0/absent medium', () => {
    expect([0, 1, 4, 5, 6, 9, undefined].map(importanceFromPriority)).toEqual(['medium', 'high', 'high', 'medium', 'low', 'low', 'medium']);
  });
});

describe('New York time', () => {
  const intl = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const wall = (t: number) => {
    const p: Record<string, number> = {};
    for (const x of intl.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
    return p;
  };

  it('the fixed rule agrees with the IANA data twice a day and hourly around each transition, 1967–2037', () => {
    const H = 3_600_000;
    const check = (t: number) => {
      const p = wall(t);
      const back = newYorkToUtc(p.year, p.month, p.day, p.hour, p.minute);
      // The repeated autumn hour maps to its first occurrence, one hour before its second.
      if (back !== t) {
        expect(back).toBe(t - H);
        expect(wall(t - H).hour).toBe(p.hour);
      }
    };
    let transitions = 0;
    for (let t = Date.UTC(1967, 0, 1); t < Date.UTC(2038, 0, 1); t += 12 * H) {
      check(t);
      const offset = (x: number) => (wall(x).hour - new Date(x).getUTCHours() + 24) % 24;
      if (offset(t) !== offset(t + 12 * H)) {
        transitions++;
        for (let u = t - 24 * H; u < t + 36 * H; u += H) check(u);
      }
    }
    expect(transitions).toBe(2 * 71);
  });

  it('skipped spring hours read as EST, repeated autumn hours as EDT (RFC 5545)', () => {
    expect(newYorkToUtc(2017, 3, 12, 2, 30)).toBe(Date.UTC(2017, 2, 12, 7, 30));
    expect(newYorkToUtc(2017, 11, 5, 1, 30)).toBe(Date.UTC(2017, 10, 5, 5, 30));
    expect(newYorkToUtc(1974, 1, 6, 12)).toBe(Date.UTC(1974, 0, 6, 16)); // 1974 emergency DST from Jan 6
  });

  it('zonedTimeToUtc: UTC names, New York aliases, other IANA zones through Intl', () => {
    expect(zonedTimeToUtc(2017, 6, 1, 9, 0, 0, 'Etc/UTC')).toBe(Date.UTC(2017, 5, 1, 9));
    expect(zonedTimeToUtc(2017, 6, 1, 9, 0, 0, 'US/Eastern')).toBe(Date.UTC(2017, 5, 1, 13));
    expect(zonedTimeToUtc(2017, 6, 1, 9, 0, 0, 'Eastern Standard Time')).toBe(Date.UTC(2017, 5, 1, 13));
    expect(zonedTimeToUtc(2017, 6, 1, 9, 0, 0, 'Europe/London')).toBe(Date.UTC(2017, 5, 1, 8));
    expect(zonedTimeToUtc(2017, 1, 1, 9, 0, 0, 'Asia/Tokyo')).toBe(Date.UTC(2017, 0, 1, 0));
    expect(() => zonedTimeToUtc(2017, 1, 1, 9, 0, 0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
