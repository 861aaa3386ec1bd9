import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { UnknownPluginError } from '../core/errors.js';
import { suggestSimilar } from '../core/registry.js';
import type { Bars } from './bars.js';
import { loadBarsCsv } from './csv.js';

/**
 * What a built-in dataset is, where it comes from, and what the loader guarantees about it.
 *
 * @example
 * const meta: BuiltinDataset = BUILTIN_DATASETS.sp500;
 */
export interface BuiltinDataset {
  /** The id used in `builtin:<id>`. */
  readonly id: string;
  readonly symbol: string;
  readonly description: string;
  /** npm package that ships the file, and the file's path inside that package. */
  readonly package: string;
  readonly path: string;
  /** Number of data rows (bars), first and last date (YYYY-MM-DD, UTC). */
  readonly rows: number;
  readonly first: string;
  readonly last: string;
  readonly columns: readonly string[];
  readonly source: string;
  readonly license: string;
  readonly notes: string;
}

/**
 * Datasets that ship with the framework's dependencies, so examples and tests run offline.
 *
 * @example
 * BUILTIN_DATASETS.sp500.rows; // 5105
 */
export const BUILTIN_DATASETS = {
  sp500: {
    id: 'sp500',
    symbol: 'SPX',
    description: 'S&P 500 index, daily OHLCV, 2000-01-03..2020-04-17',
    package: 'vega-datasets',
    path: 'data/sp500-2000.csv',
    rows: 5105,
    first: '2000-01-03',
    last: '2020-04-17',
    columns: ['date', 'open', 'high', 'low', 'close', 'adjclose', 'volume'],
    source: 'Yahoo Finance via the vega-datasets npm package',
    license: 'BSD-3-Clause (vega-datasets)',
    notes:
      'Price-index levels, not a tradable fund (dividends are not included); adjclose equals close on every ' +
      'row, so the loader ignoring adjclose loses nothing. Volume is as Yahoo reports it for the index. The ' +
      'range runs past 2017, into the period that other shared datasets keep back for out-of-sample evaluation.',
  },
} as const satisfies Record<string, BuiltinDataset>;

/**
 * Ids accepted after `builtin:`.
 *
 * @example
 * const id: BuiltinDatasetId = 'sp500';
 */
export type BuiltinDatasetId = keyof typeof BUILTIN_DATASETS;

/**
 * Absolute path of a built-in dataset's file inside its npm package. vega-datasets exports only its entry
 * point (`build/index.js`), so the data directory is found relative to that, not through a subpath export.
 *
 * @throws Error (MODULE_NOT_FOUND) if the package is not installed
 *
 * @example
 * builtinPath('sp500'); // …/node_modules/vega-datasets/data/sp500-2000.csv
 */
export function builtinPath(id: BuiltinDatasetId): string {
  const meta = BUILTIN_DATASETS[id];
  const entry = createRequire(import.meta.url).resolve(meta.package); // <pkg>/build/index.js
  return join(dirname(entry), '..', meta.path);
}

/**
 * The S&P 500 daily bars shipped with vega-datasets (5,105 bars, 2000-01-03..2020-04-17), symbol `SPX`.
 * Prices are index points; volume is in shares; no spread column. Reads the file on every call.
 *
 * @throws DataError if the file is missing or fails validation (it passes with the pinned package version)
 *
 * @example
 * const spx = loadBuiltinSp500();
 * spx.length; // 5105
 */
export function loadBuiltinSp500(): Bars {
  const meta = BUILTIN_DATASETS.sp500;
  return loadBarsCsv(builtinPath(meta.id), { symbol: meta.symbol });
}

/**
 * Bars from a spec string: `builtin` or `builtin:sp500` is the built-in S&P 500 file; anything else is
 * a path to a CSV file (symbol from its basename).
 *
 * @throws UnknownPluginError for `builtin:<id>` with an unknown id (with did-you-mean suggestions)
 * @throws DataError if the CSV cannot be read or is invalid
 *
 * @example
 * loadBars('builtin');            // SPX
 * loadBars('data/prices/SPY.csv'); // SPY
 */
export function loadBars(spec: string): Bars {
  if (spec === 'builtin') return loadBuiltinSp500();
  if (spec.startsWith('builtin:')) {
    const id = spec.slice('builtin:'.length);
    const known = Object.keys(BUILTIN_DATASETS);
    if (id === 'sp500') return loadBuiltinSp500();
    throw new UnknownPluginError('dataset', spec, suggestSimilar(id, known).map((s) => `builtin:${s}`), known.map((s) => `builtin:${s}`));
  }
  return loadBarsCsv(spec);
}

/**
 * The content hash of bars written into dataset and run manifests: sha256 (hex) over a short header
 * (format version, symbol, length, whether a spread column exists) followed by the IEEE-754 little-endian
 * bytes of the time, open, high, low, close, volume and (if present) spread columns. Equal bars give
 * equal hashes on every platform; any changed bit, including the symbol, changes the hash. Views made
 * with `sliceBars` hash only their own range.
 *
 * @example
 * dataHash(loadBuiltinSp500()); // 64 hex characters, stable across runs and machines
 */
export function dataHash(bars: Bars): string {
  const hash = createHash('sha256');
  hash.update(`bars-v1\0${bars.symbol}\0${bars.length}\0${bars.spread ? 'spread' : 'nospread'}\0`, 'utf8');
  const columns = [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume];
  if (bars.spread) columns.push(bars.spread);
  for (const column of columns) hash.update(littleEndianBytes(column.subarray(0, bars.length)));
  return hash.digest('hex');
}

/** The column's bytes in little-endian order (a copy only on big-endian hosts). */
function littleEndianBytes(column: Float64Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
  const out = new Uint8Array(column.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < column.length; i++) view.setFloat64(i * 8, column[i], true);
  return out;
}
