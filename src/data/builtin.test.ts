import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { UnknownPluginError } from '../core/errors.js';
import { sliceBars } from './bars.js';
import type { Bars } from './bars.js';
import { BUILTIN_DATASETS, builtinPath, dataHash, loadBars, loadBuiltinSp500 } from './builtin.js';
import { formatBarsCsv, loadBarsCsv, parseBarsCsv } from './csv.js';

const isoDate = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** Every invariant the loader promises, checked independently of the loader's own code path. */
function expectValidBars(bars: Bars): void {
  for (let i = 0; i < bars.length; i++) {
    const [o, h, l, c, v] = [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]];
    expect(Math.min(o, h, l, c)).toBeGreaterThan(0);
    expect(h).toBeGreaterThanOrEqual(Math.max(o, c));
    expect(l).toBeLessThanOrEqual(Math.min(o, c));
    expect(v).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(bars.time[i]).toBeGreaterThan(bars.time[i - 1]);
  }
}

describe('built-in S&P 500', () => {
  const spx = loadBuiltinSp500();
  const meta = BUILTIN_DATASETS.sp500;

  it('loads 5,105 daily bars from 2000-01-03 to 2020-04-17 as SPX', () => {
    expect(spx.symbol).toBe('SPX');
    expect(spx.length).toBe(5105);
    expect(isoDate(spx.time[0])).toBe('2000-01-03');
    expect(isoDate(spx.time[spx.length - 1])).toBe('2020-04-17');
    expect(spx.spread).toBeUndefined();
    expect([meta.rows, meta.first, meta.last]).toEqual([spx.length, isoDate(spx.time[0]), isoDate(spx.time[spx.length - 1])]);
  });

  it('passes every row invariant', () => {
    expectValidBars(spx);
  });

  it('has the first row the file shows', () => {
    expect([spx.open[0], spx.high[0], spx.low[0], spx.close[0], spx.volume[0]]).toEqual([1469.25, 1478, 1438.359985, 1455.219971, 931800000]);
  });

  it('has adjclose equal to close on every row, so ignoring adjclose loses nothing', () => {
    const rows = parse(readFileSync(builtinPath('sp500')), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(meta.columns);
    expect(rows.length).toBe(spx.length);
    expect(rows.filter((r) => r.adjclose !== r.close)).toEqual([]);
  });

  it('is what loadBars returns for "builtin" and "builtin:sp500"', () => {
    expect(dataHash(loadBars('builtin'))).toBe(dataHash(spx));
    expect(dataHash(loadBars('builtin:sp500'))).toBe(dataHash(spx));
  });

  it('resolves its file inside the vega-datasets package', () => {
    const path = builtinPath('sp500');
    expect(existsSync(path)).toBe(true);
    expect(path.replaceAll('\\', '/')).toMatch(/vega-datasets\/data\/sp500-2000\.csv$/);
  });
});

describe('loadBars', () => {
  it('suggests the right id for an unknown builtin dataset', () => {
    try {
      loadBars('builtin:sp50');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnknownPluginError);
      expect(err).toMatchObject({ code: 'E_UNKNOWN_PLUGIN', suggestions: ['builtin:sp500'] });
    }
  });

  it('treats anything else as a CSV path', () => {
    const path = builtinPath('sp500');
    expect(loadBars(path).symbol).toBe('SP500-2000');
    expect(() => loadBars('no/such/file.csv')).toThrow(expect.objectContaining({ code: 'E_DATA', file: 'no/such/file.csv' }));
  });
});

describe('dataHash', () => {
  const bars = parseBarsCsv('date,open,high,low,close,volume\n2020-01-02,100,101,99,100.5,1000\n2020-01-03,100.5,102,100,101.5,1200\n', {
    file: 'x.csv',
  });

  it('is a sha256 hex digest that depends on content, not identity', () => {
    const h = dataHash(bars);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(dataHash(parseBarsCsv(formatBarsCsv(bars), { file: 'x.csv' }))).toBe(h);
  });

  it('changes with any value, the symbol, or a spread column', () => {
    const h = dataHash(bars);
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      const copy = { ...bars, [key]: bars[key].slice() };
      copy[key][1] = copy[key][1] + 1;
      expect(dataHash(copy), key).not.toBe(h);
    }
    expect(dataHash({ ...bars, symbol: 'Y' })).not.toBe(h);
    expect(dataHash({ ...bars, spread: new Float64Array(bars.length) })).not.toBe(h);
  });

  it('hashes only the bars of a slice view', () => {
    const head = sliceBars(bars, 0, 1);
    const alone = parseBarsCsv('date,open,high,low,close,volume\n2020-01-02,100,101,99,100.5,1000\n', { file: 'x.csv' });
    expect(dataHash(head)).toBe(dataHash(alone));
  });
});

const SPY = new URL('../../../shared/data/prices/SPY.csv', import.meta.url);
const hasSpy = existsSync(SPY);

const spyTitle = hasSpy ? 'shared SPY.csv' : 'shared SPY.csv (skipped: ../shared/data/prices/SPY.csv is not present)';

describe.skipIf(!hasSpy)(spyTitle, () => {
  it('loads with every row valid (date,open,high,low,close,volume; 1999-11-01..2017-12-29)', () => {
    const bars = loadBarsCsv(fileURLToPath(SPY));
    expect(bars.symbol).toBe('SPY');
    expect(bars.length).toBe(4571);
    expect(isoDate(bars.time[0])).toBe('1999-11-01');
    expect(isoDate(bars.time[bars.length - 1])).toBe('2017-12-29');
    expectValidBars(bars);
  });

  it('reports the line of a row corrupted in a copy', () => {
    const lines = readFileSync(SPY, 'utf8').split('\n');
    const cells = lines[100].split(','); // physical line 101
    cells[2] = String(Number(cells[1]) / 2); // high below open
    lines[100] = cells.join(',');
    expect(() => parseBarsCsv(lines.join('\n'), { file: 'SPY.csv' })).toThrow(
      expect.objectContaining({ code: 'E_DATA', line: 101, field: 'high' }),
    );
  });
});
