import { ConfigError, DataError } from '../core/errors.js';

/**
 * Frozen per-column standardisation statistics, plain JSON so a run can record them and a later process
 * can rebuild exactly the same transform ({@link Normalizer.fromStats}).
 *
 * @example
 * const stats: NormalizerStats = { kind: 'zscore', version: 1, names: ['rsi14'], mean: [0.02], std: [0.11],
 *   count: [986], stdFloor: 1e-8, clip: 10 };
 */
export interface NormalizerStats {
  readonly kind: 'zscore';
  readonly version: 1;
  /** Column names, in column order. */
  readonly names: readonly string[];
  /** Per-column mean of the finite training values, in the column's own units. */
  readonly mean: readonly number[];
  /** Per-column population standard deviation (divides by `count`) of the finite training values. */
  readonly std: readonly number[];
  /** Per-column number of finite training values the statistics were fitted on (warm-up rows excluded). */
  readonly count: readonly number[];
  /** A column whose fitted std is below this is divided by 1 instead (it was constant in training). */
  readonly stdFloor: number;
  /** Normalised values are clipped to [−clip, clip] (in standard deviations); `null` = no clipping. */
  readonly clip: number | null;
}

/** Options of {@link Normalizer.fit}. */
export interface NormalizerOptions {
  /** Clip normalised values to ±clip standard deviations; `null` disables. Default 10 (as SB3's VecNormalize). */
  clip?: number | null;
  /** Columns whose training std is below this are only centred, not scaled. Default 1e-8. */
  stdFloor?: number;
}

/** Default clip of normalised values, in standard deviations. */
export const DEFAULT_CLIP = 10;
/** Default std floor (column units). */
export const DEFAULT_STD_FLOOR = 1e-8;

/**
 * Per-column z-scoring with statistics fitted once (on a training segment) and then frozen:
 * `y = clip((x − mean) / scale, ±clip)` where `scale = std`, or 1 if `std < stdFloor`. A constant training
 * column is therefore only centred: dividing by a floor of 1e-8 instead would turn any later variation into
 * ±clip, whereas scale 1 passes the (already scale-free) raw deviation through. Non-finite inputs (warm-up
 * cells) are ignored when fitting and map to 0 when applying, i.e. to the training mean.
 *
 * @example
 * const norm = Normalizer.fit(train.values, train.names);      // row-major [rows × names.length]
 * const y = norm.apply(0.3, 0);                                // column 0, in training std units
 * const again = Normalizer.fromStats(JSON.parse(JSON.stringify(norm.stats)));
 */
export class Normalizer {
  private readonly mean: Float64Array;
  private readonly scale: Float64Array;
  private readonly clip: number;

  /** The frozen statistics (a deep-frozen copy of what was fitted or passed in). */
  readonly stats: NormalizerStats;

  private constructor(stats: NormalizerStats) {
    this.stats = Object.freeze({
      kind: stats.kind,
      version: stats.version,
      names: Object.freeze([...stats.names]),
      mean: Object.freeze([...stats.mean]),
      std: Object.freeze([...stats.std]),
      count: Object.freeze([...stats.count]),
      stdFloor: stats.stdFloor,
      clip: stats.clip,
    });
    this.mean = Float64Array.from(stats.mean);
    this.scale = Float64Array.from(stats.std, (s) => (s < stats.stdFloor ? 1 : s));
    this.clip = stats.clip ?? Infinity;
  }

  /** Number of columns. */
  get dim(): number {
    return this.mean.length;
  }

  /**
   * Fits mean and population std per column over the finite cells of a row-major matrix (two passes).
   *
   * @throws DataError if a column has no finite value (a training segment shorter than the warm-up)
   * @throws ConfigError for a non-positive clip or negative std floor, or a matrix whose length is not a multiple of the column count
   */
  static fit(values: Float64Array, names: readonly string[], options: NormalizerOptions = {}): Normalizer {
    const dim = names.length;
    const clip = options.clip === undefined ? DEFAULT_CLIP : options.clip;
    const stdFloor = options.stdFloor ?? DEFAULT_STD_FLOOR;
    if (dim === 0 ? values.length !== 0 : values.length % dim !== 0) {
      throw new ConfigError('normalizer', `matrix of ${values.length} values does not have ${dim} columns`);
    }
    const rows = dim === 0 ? 0 : values.length / dim;
    const mean: number[] = [];
    const std: number[] = [];
    const count: number[] = [];
    for (let j = 0; j < dim; j++) {
      let n = 0;
      let s = 0;
      for (let r = 0; r < rows; r++) {
        const x = values[r * dim + j];
        if (Number.isFinite(x)) {
          n++;
          s += x;
        }
      }
      if (n === 0) throw new DataError('training features', undefined, names[j], 'no finite value to fit the normaliser on');
      const m = s / n;
      let ss = 0;
      for (let r = 0; r < rows; r++) {
        const x = values[r * dim + j];
        if (Number.isFinite(x)) ss += (x - m) * (x - m);
      }
      mean.push(m);
      std.push(Math.sqrt(ss / n));
      count.push(n);
    }
    return Normalizer.fromStats({ kind: 'zscore', version: 1, names: [...names], mean, std, count, stdFloor, clip });
  }

  /**
   * Rebuilds a normaliser from saved statistics (e.g. parsed from a run's JSON).
   *
   * @throws ConfigError (path `normalizer…`) if the statistics are malformed
   */
  static fromStats(stats: NormalizerStats): Normalizer {
    validate(stats);
    return new Normalizer(stats);
  }

  /** Normalises one value of column `j`; non-finite `x` gives 0. */
  apply(x: number, j: number): number {
    if (!Number.isFinite(x)) return 0;
    const y = (x - this.mean[j]) / this.scale[j];
    return y > this.clip ? this.clip : y < -this.clip ? -this.clip : y;
  }

  /** Normalises a row-major `[rows × dim]` matrix into `out` (same length; may be `values` itself). */
  applyMatrix(values: Float64Array, out: Float64Array | Float32Array): void {
    const dim = this.dim;
    for (let k = 0; k < values.length; k++) out[k] = this.apply(values[k], k % dim);
  }
}

function validate(stats: NormalizerStats): void {
  const fail = (key: string, detail: string): never => {
    throw new ConfigError(key ? `normalizer.${key}` : 'normalizer', detail);
  };
  if (stats === null || typeof stats !== 'object') fail('', 'statistics must be an object');
  if (stats.kind !== 'zscore') fail('kind', `expected "zscore", got ${JSON.stringify(stats.kind)}`);
  if (stats.version !== 1) fail('version', `expected 1, got ${JSON.stringify(stats.version)}`);
  const arrays = ['names', 'mean', 'std', 'count'] as const;
  for (const key of arrays) if (!Array.isArray(stats[key])) fail(key, 'must be an array');
  const dim = stats.names.length;
  for (const key of arrays) if (stats[key].length !== dim) fail(key, `has ${stats[key].length} entries, names has ${dim}`);
  stats.names.forEach((n, j) => typeof n === 'string' || fail(`names.${j}`, 'must be a string'));
  stats.mean.forEach((m, j) => Number.isFinite(m) || fail(`mean.${j}`, 'must be a finite number'));
  stats.std.forEach((s, j) => (Number.isFinite(s) && s >= 0) || fail(`std.${j}`, 'must be a finite number ≥ 0'));
  stats.count.forEach((c, j) => (Number.isInteger(c) && c > 0) || fail(`count.${j}`, 'must be a positive integer'));
  if (!(Number.isFinite(stats.stdFloor) && stats.stdFloor >= 0)) fail('stdFloor', 'must be a finite number ≥ 0');
  if (stats.clip !== null && !(stats.clip > 0)) fail('clip', 'must be a positive number or null');
}
