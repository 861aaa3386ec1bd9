import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCalendar } from './load-calendar.js';
import { rawCalendarKind } from './raw-calendars.js';

const work = mkdtempSync(join(tmpdir(), 'rl-raw-cal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const f = join(work, name);
  writeFileSync(f, text);
  return f;
};

describe('raw series as calendars', () => {
  it('recognises each raw format by its header, and leaves calendar CSVs alone', () => {
    expect(rawCalendarKind(write('r.csv', 'date,dff,dgs3mo,dgs2,dgs10,dfedtar,dfedtarl,dfedtaru\n'))).toBe('rates');
    expect(rawCalendarKind(write('m.csv', 'date\n2001-01-03\n'))).toBe('meetings');
    expect(rawCalendarKind(write('c.csv', 'date,cpi_index,inflation_pct\n'))).toBe('cpi');
    expect(rawCalendarKind(write('e.csv', 'date,eps_estimate,eps_actual,eps_pct_diff,ticker\n'))).toBe('earnings');
    expect(rawCalendarKind(write('s.csv', 'date,time,event,impact,currency,id\n'))).toBe('releases');
    expect(rawCalendarKind(write('cal.csv', 'date,type,importance,actual,consensus,previous\n'))).toBeUndefined();
    expect(rawCalendarKind(join(work, 'x.jsonl'))).toBeUndefined();
  });

  it('refuses half of the FOMC pair, naming the key', () => {
    const rates = write('rates-only.csv', 'date,dff,dgs3mo,dgs2,dgs10,dfedtar,dfedtarl,dfedtaru\n2001-01-02,6.5,,,,6.5,,\n');
    expect(() => loadCalendar([rates])).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'calendar' }));
  });
});

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const RATES = join(DATA, 'macro/us_rates_daily_fred.csv');

describe.skipIf(!existsSync(RATES))('--calendar with the raw files of ../shared/data (needs ../shared/data)', () => {
  it('builds FOMC, CPI, earnings and release calendars from the files as they are, merged and sorted', () => {
    const files = [RATES, join(DATA, 'calendar/fomc_meeting_dates.csv'), join(DATA, 'macro/us_cpi_monthly.csv'), join(DATA, 'calendar/usd_high_impact_events_2014_2017.csv')];
    const cal = loadCalendar(files);
    const count = (t: string) => cal.filter((e) => e.type === t).length;
    // The builders' own tests pin these counts: 199 FOMC decisions (1994–2017) and 1,187 CPI releases; the
    // release schedule adds 33 FOMC, 40 CPI and 48 payrolls rows of 2014–2017 (its own events, own ids).
    expect(count('fomc')).toBe(199 + 33);
    expect(count('cpi')).toBe(1187 + 40);
    expect(count('payrolls')).toBe(48);
    for (let i = 1; i < cal.length; i++) expect(cal[i].time >= cal[i - 1].time).toBe(true);
    // FOMC surprises exist (bill-implied expectations), signed: the 2001-01-03 intermeeting cut is good news.
    const cut = cal.find((e) => e.type === 'fomc' && new Date(e.time).toISOString().startsWith('2001-01-03'));
    expect(cut?.surprise).toBeGreaterThan(0);
  });
});
