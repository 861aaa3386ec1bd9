import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { ConfigError, DataError } from '../core/errors.js';
import { packageInfo } from '../core/package-info.js';
import { Rng } from '../core/rng.js';
import type { Panel } from '../data/bars.js';
import { dataHash, loadBars } from '../data/builtin.js';
import { formatBarsCsv, parseBarsCsv } from '../data/csv.js';
import { parseConfig } from '../core/config.js';
import type { GeneratorSpec } from '../../generators/generator.js';
import type { Registries } from '../training/registries.js';
import { canonicalJson, contentId, sha256 } from './hash.js';
import { StagedDir } from './staged-dir.js';
import { affects } from '../data/calendar.js';
import { formatCalendarJsonl, readCalendarJsonl } from '../events/calendar-files.js';
import { calendarHash, loadCalendar } from '../events/load-calendar.js';

/** What defines a dataset: everything its bytes depend on (besides the package version and input data). */
export interface DatasetSpec {
  /** Generator id (`rl list generators`). */
  generator: string;
  /** Generator config as given; resolved with the generator's schema (defaults written out). */
  config: Record<string, unknown>;
  /** Real bars the generator is fitted on: 'builtin' or a CSV path. */
  data: string;
  seed: number;
  paths: number;
  /** Bars per path. */
  length: number;
  /** ISO date (YYYY-MM-DD) of the first generated bar; the generator's default when absent. */
  start?: string;
  /**
   * Set by `generateReturnsDataset` (./returns-dataset.ts): the dataset holds close-to-close log returns
   * only, one `path-00000.returns.csv` per path. Absent for OHLCV datasets, so their ids are unchanged.
   */
  returnsOnly?: true;
  /**
   * Calendar the generator is fitted with ('builtin' or calendar files; see src/events/load-calendar.ts),
   * for the `event` generator. Absent: no calendar, and the ids of datasets without one are unchanged.
   */
  calendar?: string | string[];
}

export interface DatasetManifest {
  id: string;
  kind: 'dataset';
  spec: DatasetSpec & { config: Record<string, unknown> };
  generator: { id: string; version: number };
  package: { name: string; version: string };
  input: { source: string; symbol: string; bars: number; sha256: string };
  paramsSha256: string;
  files: string[];
  outputs?: Record<string, string>;
}

/** A dataset spec resolved: the fitted generator, the content id and the manifest, all but the files. */
export interface PreparedDataset {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generators of any config and params type
  readonly generator: GeneratorSpec<any, any>;
  /** The fitted params (plain JSON). */
  readonly params: unknown;
  /** Epoch ms of the first bar, when the spec sets `start`. */
  readonly start: number | undefined;
  readonly id: string;
  /** Everything of the manifest but `files` and `outputs`, which exist once the paths are written. */
  readonly manifest: Omit<DatasetManifest, 'files' | 'outputs'>;
}

/**
 * Validates a dataset spec, fits the generator on the input data and derives the content id: the part of
 * writing a dataset that does not depend on how its paths are sampled (OHLCV bars or returns only). The id
 * hashes the generator id and version, the resolved config, the fitted params, seed, paths, length, start,
 * `returnsOnly`, the package version and the input data's hash.
 *
 * @throws ConfigError, UnknownPluginError, DataError
 * @example
 * const { id, params } = prepareDataset({ generator: 'gbm', config: {}, data: 'builtin', seed: 1, paths: 1, length: 2520 }, registries);
 */
export function prepareDataset(spec: DatasetSpec, registries: Registries): PreparedDataset {
  const generator = registries.generators.get(spec.generator);
  const config = parseConfig(generator.configSchema, spec.config, 'generator.config') as Record<string, unknown>;
  checkCounts(spec);
  if (spec.returnsOnly !== undefined && spec.returnsOnly !== true) throw new ConfigError('returnsOnly', `must be true or absent, got ${String(spec.returnsOnly)}`);
  if (spec.returnsOnly && spec.start !== undefined) throw new ConfigError('start', 'a returns-only dataset has no bar times');
  const start = spec.start === undefined ? undefined : parseStart(spec.start);
  const bars = loadBars(spec.data);
  const inputHash = dataHash(bars);
  const calendar = spec.calendar === undefined ? undefined : loadCalendar(spec.calendar).filter((e) => affects(e, bars.symbol));
  const params: unknown = generator.fit([bars], config, calendar === undefined ? {} : { calendar });
  const paramsSha256 = sha256(canonicalJson(params));
  const pkg = packageInfo();
  const resolved = { ...spec, config };
  const id = contentId({
    spec: resolved,
    generator: { id: generator.id, version: generator.version },
    paramsSha256,
    inputHash,
    package: pkg.version,
    ...(calendar !== undefined ? { calendarHash: calendarHash(calendar) } : {}),
  });
  return {
    generator,
    params,
    start,
    id,
    manifest: {
      id,
      kind: 'dataset',
      spec: resolved,
      generator: { id: generator.id, version: generator.version },
      package: { name: pkg.name, version: pkg.version },
      input: { source: spec.data, symbol: bars.symbol, bars: bars.length, sha256: inputHash },
      paramsSha256,
    },
  };
}

/**
 * Fits a generator on real bars, samples `paths` paths and persists them under `<outDir>/<generator>/<id>/`:
 * one CSV per path and asset (`path-00000.csv`, or `path-00000.<SYMBOL>.csv` for several assets),
 * `params.json` (the fitted parameters) and `manifest.json`, then points `<outDir>/<generator>/latest` at it.
 * Path k is drawn from the stream `<seed>/path-k`, so it is the same whatever the number of paths. The id
 * is {@link prepareDataset}'s: equal inputs give the same id and identical bytes. Returns-only datasets are
 * written by `generateReturnsDataset` (./returns-dataset.ts).
 *
 * @example
 * const { dir } = generateDataset({ generator: 'gbm', config: {}, data: 'builtin', seed: 1, paths: 100, length: 2520 }, registries, 'datasets');
 * @throws ConfigError (also for a spec with `returnsOnly`), UnknownPluginError, DataError
 */
export function generateDataset(spec: DatasetSpec, registries: Registries, outDir: string): { id: string; dir: string; manifest: DatasetManifest } {
  if (spec.returnsOnly) throw new ConfigError('returnsOnly', 'returns-only datasets are written by generateReturnsDataset');
  const prepared = prepareDataset(spec, registries);
  const { generator, params, start, id } = prepared;
  const root = join(outDir, generator.id);
  const staged = StagedDir.open(root, id);
  try {
    const files: string[] = [];
    const rng = Rng.fromSeed(spec.seed);
    for (let k = 0; k < spec.paths; k++) {
      const [panel] = generator.sample(params, rng.fork(`path-${k}`), { length: spec.length, paths: 1, ...(start !== undefined ? { start } : {}) });
      for (const name of writePath(staged, k, panel)) files.push(name);
    }
    return commitDataset(staged, prepared, files);
  } catch (e) {
    staged.abort();
    throw e;
  }
}

/**
 * Writes `params.json` and the manifest of a dataset whose path files are staged, moves it into place and
 * points `<root>/latest` at it.
 *
 * @example
 * return commitDataset(staged, prepared, ['path-00000.csv']);
 */
export function commitDataset(staged: StagedDir, prepared: PreparedDataset, files: string[]): { id: string; dir: string; manifest: DatasetManifest } {
  staged.writeJson('params.json', prepared.params);
  const manifest: DatasetManifest = { ...prepared.manifest, files };
  const dir = staged.commit(manifest as unknown as Record<string, unknown>);
  writeFileAtomic(join(staged.root, 'latest'), `${prepared.id}\n`);
  return { id: prepared.id, dir, manifest: readManifest(dir) };
}

/**
 * Regenerates a dataset from its `manifest.json` into `outDir` (same spec, same input data). The input's
 * content hash must match the one recorded, so a changed file is reported instead of silently producing
 * different data.
 *
 * @throws DataError when the manifest is unreadable or the input data changed.
 */
export function regenerateDataset(datasetDir: string, registries: Registries, outDir: string): { id: string; dir: string; manifest: DatasetManifest } {
  const manifest = readUnchangedInput(datasetDir);
  if (manifest.spec.returnsOnly) {
    throw new DataError(join(datasetDir, 'manifest.json'), undefined, 'spec.returnsOnly', 'a returns-only dataset: regenerate it with regenerateReturnsDataset');
  }
  return generateDataset(manifest.spec, registries, outDir);
}

/**
 * A dataset's manifest, once the input data it names is checked to hash as recorded (the first step of every
 * regeneration).
 *
 * @throws DataError when the manifest is unreadable or the input data changed.
 * @example
 * const manifest = readUnchangedInput('datasets/gbm/0123abcd');
 */
export function readUnchangedInput(datasetDir: string): DatasetManifest {
  const manifest = readManifest(datasetDir);
  const bars = loadBars(manifest.spec.data);
  if (dataHash(bars) !== manifest.input.sha256) {
    throw new DataError(manifest.spec.data, undefined, undefined, `content differs from the data dataset ${manifest.id} was generated from (sha256 ${manifest.input.sha256.slice(0, 12)}…)`);
  }
  return manifest;
}

/** Reads a dataset's manifest. @throws DataError when it is missing or not a dataset manifest. */
export function readManifest(datasetDir: string): DatasetManifest {
  const file = join(datasetDir, 'manifest.json');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot read a dataset manifest: ${(e as Error).message}`);
  }
  const m = value as Partial<DatasetManifest>;
  if (m.kind !== 'dataset' || typeof m.id !== 'string' || !Array.isArray(m.files) || m.spec === undefined) {
    throw new DataError(file, undefined, 'kind', 'not a dataset manifest');
  }
  return m as DatasetManifest;
}

/** Loads every path of an OHLCV dataset as Panels (assets in file order). @throws DataError for a returns-only dataset. */
export function readDatasetPaths(datasetDir: string): Panel[] {
  const manifest = readManifest(datasetDir);
  if (manifest.spec.returnsOnly) throw new DataError(join(datasetDir, 'manifest.json'), undefined, 'spec.returnsOnly', 'a returns-only dataset has no bars to load');
  const byPath = new Map<string, Panel>();
  const files = new Set(manifest.files);
  for (const name of manifest.files) {
    if (name.endsWith('.events.jsonl')) continue; // labels, attached to their bars below
    const m = /^(path-\d+)\.(?:(.+)\.)?csv$/.exec(name);
    if (!m) throw new DataError(join(datasetDir, 'manifest.json'), undefined, 'files', `unexpected file name "${name}"`);
    const key = m[1];
    const symbol = m[2] ?? manifest.input.symbol;
    const text = readFileSync(join(datasetDir, name), 'utf8');
    const parsed = parseBarsCsv(text, { file: join(datasetDir, name), symbol });
    const labels = name.replace(/\.csv$/, '.events.jsonl');
    const bars = files.has(labels) ? { ...parsed, events: readCalendarJsonl(join(datasetDir, labels)) } : parsed;
    byPath.set(key, [...(byPath.get(key) ?? []), bars]);
  }
  return [...byPath.values()];
}

/** The dataset a generator's `latest` pointer names, if any. */
export function latestDataset(outDir: string, generator: string): string | undefined {
  const pointer = join(outDir, generator, 'latest');
  if (!existsSync(pointer)) return undefined;
  const id = readFileSync(pointer, 'utf8').trim();
  return readdirSync(join(outDir, generator)).includes(id) ? join(outDir, generator, id) : undefined;
}

/** One CSV per asset; the path's event labels (drawn outcomes), when it has any, beside it as JSONL. */
function writePath(staged: StagedDir, k: number, panel: Panel): string[] {
  const stem = `path-${String(k).padStart(5, '0')}`;
  return panel.flatMap((bars) => {
    const base = panel.length === 1 ? stem : `${stem}.${bars.symbol}`;
    staged.writeText(`${base}.csv`, formatBarsCsv(bars));
    if (bars.events === undefined || bars.events.length === 0) return [`${base}.csv`];
    staged.writeText(`${base}.events.jsonl`, formatCalendarJsonl(bars.events));
    return [`${base}.csv`, `${base}.events.jsonl`];
  });
}

function checkCounts(spec: DatasetSpec): void {
  if (!(Number.isInteger(spec.paths) && spec.paths >= 1)) throw new ConfigError('paths', `must be an integer ≥ 1, got ${spec.paths}`);
  if (!(Number.isInteger(spec.length) && spec.length >= 2)) throw new ConfigError('length', `must be an integer ≥ 2, got ${spec.length}`);
  if (!(Number.isInteger(spec.seed) && spec.seed >= 0)) throw new ConfigError('seed', `must be an integer ≥ 0, got ${spec.seed}`);
}

function parseStart(start: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || new Date(t).toISOString().slice(0, 10) !== start) throw new ConfigError('start', `expected a date YYYY-MM-DD, got "${start}"`);
  return t;
}
