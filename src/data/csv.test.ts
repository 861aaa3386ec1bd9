import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { formatBarsCsv, formatReturnsCsv, formatReturnsRows, loadBarsCsv, MAX_RETURN_ROW_BYTES, parseBarsCsv } from './csv.js';

const HEADER = 'date,open,high,low,close,volume';
const ROWS = ['2020-01-02,100,101,99,100.5,1000', '2020-01-03,100.5,102,100,101.5,1200', '2020-01-06,101.5,103,101,102,900'];
const FILE = 'bad.csv';

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

/** Parses `text` and returns the DataError it must throw. */
function dataError(text: string): DataError {
  try {
    parseBarsCsv(text, { file: FILE });
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected parseBarsCsv to throw');
}

function expectDataError(text: string, line: number | undefined, field: string | undefined): DataError {
  const err = dataError(text);
  expect(err.code).toBe('E_DATA');
  expect(err.file).toBe(FILE);
  expect(err.line).toBe(line);
  expect(err.field).toBe(field);
  expect(err.message).toContain(FILE);
  if (line !== undefined) expect(err.message).toContain(`line ${line}`);
  return err;
}

describe('parseBarsCsv: valid input', () => {
  it('parses columns into Float64Arrays with UTC epoch-ms times', () => {
    const bars = parseBarsCsv(csv(...ROWS), { file: 'data/spy.csv' });
    expect(bars.symbol).toBe('SPY');
    expect(bars.length).toBe(3);
    for (const col of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) {
      expect(col).toBeInstanceOf(Float64Array);
      expect(col.length).toBe(3);
    }
    expect(bars.time[0]).toBe(Date.UTC(2020, 0, 2));
    expect([...bars.close]).toEqual([100.5, 101.5, 102]);
    expect(bars.spread).toBeUndefined();
  });

  it('uses an explicit symbol over the file name', () => {
    expect(parseBarsCsv(csv(...ROWS), { file: 'x.csv', symbol: 'SPX' }).symbol).toBe('SPX');
  });

  it('matches header names case-insensitively after trimming, in any order, ignoring extra columns', () => {
    const text = ' Volume ,CLOSE,Date,Low, high ,Open,Note\n1000,100.5,2020-01-02,99,101,100,hello\n';
    const bars = parseBarsCsv(text, { file: FILE });
    expect(bars.open[0]).toBe(100);
    expect(bars.high[0]).toBe(101);
    expect(bars.low[0]).toBe(99);
    expect(bars.close[0]).toBe(100.5);
    expect(bars.volume[0]).toBe(1000);
  });

  it.each(['adj_close', 'adjclose', 'adj close', 'Adj Close', 'ADJ_CLOSE'])('accepts the adjusted-close column spelled %j and keeps raw prices', (name) => {
    const text = `date,open,high,low,close,${name},volume\n2020-01-02,100,101,99,100.5,50.25,1000\n`;
    const bars = parseBarsCsv(text, { file: FILE });
    expect(bars.close[0]).toBe(100.5);
  });

  it('reads an optional spread column', () => {
    const bars = parseBarsCsv('date,open,high,low,close,volume,spread\n2020-01-02,100,101,99,100.5,1000,0.0002\n', { file: FILE });
    expect(bars.spread?.[0]).toBe(0.0002);
  });

  it('accepts full ISO date-times in UTC', () => {
    const bars = parseBarsCsv(csv('2020-01-02T14:30:00Z,100,101,99,100.5,1000', '2020-01-02T14:31:00.250Z,100,101,99,100.5,1000'), { file: FILE });
    expect(bars.time[0]).toBe(Date.UTC(2020, 0, 2, 14, 30));
    expect(bars.time[1]).toBe(Date.UTC(2020, 0, 2, 14, 31, 0, 250));
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseBarsCsv(csv('2020-02-29,100,101,99,100.5,1000'), { file: FILE }).length).toBe(1);
  });

  it('ignores a UTF-8 byte-order mark and a missing trailing newline', () => {
    const bars = parseBarsCsv('\ufeff' + [HEADER, ...ROWS].join('\n'), { file: FILE });
    expect(bars.length).toBe(3);
  });

  it('accepts CRLF line endings and blank lines', () => {
    const bars = parseBarsCsv([HEADER, ROWS[0], '', ROWS[1], '   ', ROWS[2], ''].join('\r\n'), { file: FILE });
    expect(bars.length).toBe(3);
  });
});

describe('parseBarsCsv: each kind of bad row names its line and field', () => {
  const cases: [name: string, row: string, field: string | undefined][] = [
    ['non-numeric price', '2020-01-07,abc,103,101,102,900', 'open'],
    ['empty price', '2020-01-07,101,103,,102,900', 'low'],
    ['hex number', '2020-01-07,101,0x67,101,102,900', 'high'],
    ['infinite price', '2020-01-07,101,Infinity,101,102,900', 'high'],
    ['negative price', '2020-01-07,101,103,-101,102,900', 'low'],
    ['zero price', '2020-01-07,101,103,101,0,900', 'close'],
    ['high < max(open, close)', '2020-01-07,101,101.5,100,102,900', 'high'],
    ['low > min(open, close)', '2020-01-07,101,103,101.5,102,900', 'low'],
    ['high < low', '2020-01-07,101,100,102,101,900', 'high'],
    ['negative volume', '2020-01-07,101,103,101,102,-1', 'volume'],
    ['non-numeric volume', '2020-01-07,101,103,101,102,n/a', 'volume'],
    ['duplicate date', '2020-01-06,101,103,101,102,900', 'date'],
    ['out-of-order date', '2020-01-03,101,103,101,102,900', 'date'],
    ['bad date format (US)', '01/07/2020,101,103,101,102,900', 'date'],
    ['bad date format (no padding)', '2020-1-7,101,103,101,102,900', 'date'],
    ['date-time without Z', '2020-01-07T00:00:00,101,103,101,102,900', 'date'],
    ['impossible date 2021-02-30', '2021-02-30,101,103,101,102,900', 'date'],
    ['impossible date 2021-02-29 (not a leap year)', '2021-02-29,101,103,101,102,900', 'date'],
    ['impossible month', '2020-13-01,101,103,101,102,900', 'date'],
    ['impossible time', '2020-01-07T24:00:00Z,101,103,101,102,900', 'date'],
    ['too few fields', '2020-01-07,101,103,101,102', undefined],
    ['too many fields', '2020-01-07,101,103,101,102,900,7', undefined],
  ];
  it.each(cases)('%s', (_name, row, field) => {
    // Three good rows occupy lines 2-4, so the bad row is line 5.
    expectDataError(csv(...ROWS, row, '2021-06-01,101,103,101,102,900'), 5, field);
  });

  it('shows the offending values in the message', () => {
    const err = expectDataError(csv('2020-01-02,100.2,99.5,99,100,1000'), 2, 'high');
    expect(err.message).toContain('high 99.5 < max(open, close) 100.2');
    expect(expectDataError(csv('2020-01-02,abc,101,99,100,1'), 2, 'open').message).toContain('"abc"');
    expect(expectDataError(csv(ROWS[1], ROWS[0]), 3, 'date').message).toContain('2020-01-02');
    expect(expectDataError(csv(ROWS[0], ROWS[0]), 3, 'date').message).toContain('duplicate date 2020-01-02');
  });

  it('rejects a negative spread', () => {
    const err = dataError('date,open,high,low,close,volume,spread\n2020-01-02,100,101,99,100.5,1000,-0.001\n');
    expect([err.line, err.field]).toEqual([2, 'spread']);
  });

  it.each(['date', 'open', 'high', 'low', 'close', 'volume'])('rejects a missing required column %s on line 1', (column) => {
    const header = HEADER.split(',').filter((c) => c !== column);
    expectDataError(`${header.join(',')}\n${header.map(() => '1').join(',')}\n`, 1, column);
  });

  it('rejects a duplicated column', () => {
    expectDataError('date,open,high,low,close,volume,Close\n2020-01-02,100,101,99,100.5,1000,1\n', 1, 'close');
  });

  it('rejects an empty file and a header without rows', () => {
    expectDataError('', 1, undefined);
    expectDataError(HEADER + '\n', undefined, undefined);
  });

  it('reports malformed quoting as a DataError on its line', () => {
    expectDataError(csv(...ROWS, '2020-01-07,"101"x,103,101,102,900'), 5, undefined);
    expectDataError(csv(...ROWS, '2020-01-07,"101,103,101,102,900'), 5, undefined);
  });
});

describe('parseBarsCsv: physical line numbers', () => {
  const bad = '2020-01-07,101,100,99,102,900'; // high < close

  it('counts blank lines', () => {
    expectDataError([HEADER, ROWS[0], '', '', ROWS[1], bad].join('\n'), 6, 'high');
  });

  it('counts CRLF lines once', () => {
    expectDataError([HEADER, ROWS[0], '', ROWS[1], bad].join('\r\n') + '\r\n', 5, 'high');
  });

  it('counts lone-CR line endings', () => {
    expectDataError([HEADER, ROWS[0], ROWS[1], bad].join('\r'), 4, 'high');
  });

  it('counts quoted fields that span lines, with LF and with CRLF inside the quotes', () => {
    const header = 'date,open,high,low,close,volume,note';
    const multi = (eol: string): string =>
      [header, `2020-01-02,100,101,99,100.5,1000,"a${eol}b${eol}c"`, '', `${bad},x`].join(eol) + eol;
    // The quoted note occupies lines 2-4, line 5 is blank, the bad row is line 6.
    for (const eol of ['\n', '\r\n']) {
      const err = dataError(multi(eol));
      expect([err.line, err.field]).toEqual([6, 'high']);
    }
    // An error in the multi-line record itself is reported at the line where the record starts.
    const err = dataError([header, ROWS[0] + ',ok', `${bad},"x\r\ny"`].join('\r\n'));
    expect([err.line, err.field]).toEqual([3, 'high']);
  });
});

describe('formatBarsCsv', () => {
  it('writes date,open,high,low,close,volume with YYYY-MM-DD dates', () => {
    const text = formatBarsCsv(parseBarsCsv(csv(...ROWS), { file: FILE }));
    expect(text).toBe(`${HEADER}\n${ROWS.join('\n')}\n`);
  });

  it('round-trips exactly, including awkward doubles, intraday times and a spread column', () => {
    const text = [
      'date,open,high,low,close,volume,spread',
      '1999-12-31,0.1,0.30000000000000004,1e-7,0.2,0,0',
      '2000-01-03,1455.219971,1478,1438.359985,1455.219971,931800000,0.00012',
      '2000-01-03T15:30:00.125Z,1.7976931348623157e+308,1.7976931348623157e+308,5e-324,1,12345678901234567890,1e-9',
    ].join('\n');
    const bars = parseBarsCsv(text, { file: 'rt.csv' });
    const again = parseBarsCsv(formatBarsCsv(bars), { file: 'rt.csv' });
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume', 'spread'] as const) {
      expect(again[key]).toEqual(bars[key]);
    }
    expect(again.length).toBe(bars.length);
    expect(formatBarsCsv(again)).toBe(formatBarsCsv(bars));
  });
});

describe('formatReturnsRows / formatReturnsCsv', () => {
  it('writes String(x) per line, which parses back to the exact double, within the row bound', () => {
    // The longest forms: 17 significant digits in fixed notation just above 1e-6, and in exponent notation.
    const values = Float64Array.of(0.01, -2.5e-7, 1 / 3, -(1 / 3) * 1e-5, -Math.PI * 1e-300, Number.MIN_VALUE, -Number.MAX_VALUE, 0);
    const csv = formatReturnsCsv(values);
    expect(csv).toBe(`log_return\n${Array.from(values, String).join('\n')}\n`);
    const lines = csv.trimEnd().split('\n').slice(1);
    expect(Float64Array.from(lines, Number)).toEqual(values);
    expect(Math.max(...lines.map((l) => l.length + 1))).toBe(MAX_RETURN_ROW_BYTES);
  });

  it('writes into a reused target and refuses one too small', () => {
    const target = Buffer.alloc(3 * MAX_RETURN_ROW_BYTES);
    expect(formatReturnsRows(Float64Array.of(1, 2), target).toString()).toBe('1\n2\n');
    expect(formatReturnsRows(Float64Array.of(-0.5), target).toString()).toBe('-0.5\n');
    expect(() => formatReturnsRows(new Float64Array(4), target)).toThrow(RangeError);
  });
});

describe('loadBarsCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bars-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and takes the symbol from its basename', () => {
    const file = join(dir, 'qqq.csv');
    writeFileSync(file, csv(...ROWS));
    const bars = loadBarsCsv(file);
    expect(bars.symbol).toBe('QQQ');
    expect(bars.length).toBe(3);
    expect(loadBarsCsv(file, { symbol: 'NDX' }).symbol).toBe('NDX');
  });

  it('names the file path in errors', () => {
    const file = join(dir, 'broken.csv');
    writeFileSync(file, csv(ROWS[0], '2020-01-03,1,1,1,1,-5'));
    try {
      loadBarsCsv(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DataError);
      expect(err).toMatchObject({ code: 'E_DATA', file, line: 3, field: 'volume' });
      expect((err as Error).message).toContain(`${file}, line 3`);
    }
  });

  it('turns a missing file into a DataError', () => {
    const file = join(dir, 'nope.csv');
    expect(() => loadBarsCsv(file)).toThrow(DataError);
  });
});
