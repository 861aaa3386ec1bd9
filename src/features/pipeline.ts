import { ConfigError } from '../core/errors.js';
import type { Bars } from '../data/bars.js';
import { calendarFeatureNames, writeCalendarFeatures } from './calendar-features.js';
import { featuresSchema } from './config.js';
import type { CalendarFeaturesConfig, FeaturesConfig, IndicatorConfig } from './config.js';
import type { FeatureSource } from './feature-source.js';
import { computeIndicators, createIndicator, indicatorNames, indicatorWarmup } from './indicators.js';
import { Normalizer } from './normalizer.js';
import type { NormalizerOptions, NormalizerStats } from './normalizer.js';

/**
 * A {@link FeatureSource} whose normalisation (if any) is fitted and frozen, with the statistics exposed so a
 * run can record them and {@link featureSourceFromStats} can rebuild the same source later.
 *
 * @example
 * const features = fitFeatures(config.features, trainBars);
 * writeJson('normalizer.json', features.stats());
 */
export interface FittedFeatures extends FeatureSource {
  /** Per column, the number of leading rows that are 0 because the indicator is still warming up. */
  readonly warmup: readonly number[];
  /**
   * The frozen normaliser statistics (plain JSON), or `null` when `config.normalize` is false. They cover the
   * indicator columns only: calendar columns are never normalised.
   */
  stats(): NormalizerStats | null;
}

/**
 * Builds the feature source for an experiment: the configured indicators, and (when `config.normalize`) a
 * z-score normaliser fitted on `train`'s indicator rows only (warm-up rows excluded) and frozen. With no
 * indicators the source has `dim` 0. `rows(bars)` then runs the indicators incrementally from bar 0 of
 * `bars`, so row t reads bars 0..t only; warm-up and non-finite cells are 0; values are clipped to
 * ±`options.clip` (default 10) standard deviations. The matrix is cached per `Bars` object.
 *
 * With `config.calendar`, the point-in-time calendar columns of src/features/calendar-features.ts follow the
 * indicator columns (names `calendar/<type>/…`, warm-up 0). They are built from each series' own
 * `bars.events` (zeros without), are already in [0, 1] or [−5, 5], and bypass the normaliser: a z-score
 * fitted on a training window would rescale the sparse surprise columns by how many events that window held,
 * so the same outcome would read differently per fold — and nothing about them needs fitting.
 *
 * @throws ConfigError if `config` is invalid, two indicators produce the same column, or `train` is not longer
 *   than an indicator's warm-up (when normalising)
 *
 * @example
 * const features = fitFeatures({ indicators: [{ kind: 'rsi', period: 14 }], normalize: true }, train);
 * const m = features.rows(testBars);      // Float32Array [testBars.length × features.dim]
 * m[t * features.dim + 0];                // RSI at bar t, in training standard deviations
 */
export function fitFeatures(config: FeaturesConfig, train: Bars, options: NormalizerOptions = {}): FittedFeatures {
  const { indicators, normalize, calendar } = parseConfig(config);
  if (!normalize) return new FeaturePipeline(indicators, null, calendar);
  indicators.forEach((ind, k) => {
    const need = Math.max(0, ...indicatorWarmup(ind)) + 1;
    if (train.length < need) {
      throw new ConfigError(
        `features.indicators.${k}`,
        `${ind.kind} needs at least ${need} training bars to fit its normaliser; the training segment has ${train.length}`,
      );
    }
  });
  const raw = computeIndicators(indicators, train);
  const pipeline = new FeaturePipeline(indicators, Normalizer.fit(raw.values, raw.names, options), calendar);
  pipeline.seed(train, raw.values);
  return pipeline;
}

/**
 * Rebuilds a frozen feature source from statistics saved by {@link FittedFeatures.stats} (for evaluation in a
 * later process, or on another machine). Gives byte-identical rows to the source that produced the stats.
 *
 * @throws ConfigError if `config` is invalid, `stats` is malformed, missing while `config.normalize` is true,
 *   or fitted for different columns than `config` produces
 *
 * @example
 * const features = featureSourceFromStats(config.features, JSON.parse(readFileSync('normalizer.json', 'utf8')));
 */
export function featureSourceFromStats(config: FeaturesConfig, stats: NormalizerStats | null): FittedFeatures {
  const { indicators, normalize, calendar } = parseConfig(config);
  if (!normalize) return new FeaturePipeline(indicators, null, calendar);
  if (stats === null || stats === undefined) {
    throw new ConfigError('features.normalize', 'is true, but no normaliser statistics were given');
  }
  const normalizer = Normalizer.fromStats(stats);
  const names = indicators.flatMap(indicatorNames);
  if (names.length !== stats.names.length || names.some((n, j) => n !== stats.names[j])) {
    throw new ConfigError(
      'features.indicators',
      `produce columns [${names.join(', ')}], but the statistics are for [${stats.names.join(', ')}]`,
    );
  }
  return new FeaturePipeline(indicators, normalizer, calendar);
}

function parseConfig(config: FeaturesConfig): FeaturesConfig {
  const parsed = featuresSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(['features', ...issue.path.map(String)].join('.'), issue.message);
  }
  const seen = new Map<string, number>();
  parsed.data.indicators.forEach((ind, k) => {
    for (const name of indicatorNames(ind)) {
      const first = seen.get(name);
      if (first !== undefined) {
        throw new ConfigError(`features.indicators.${k}`, `duplicates column "${name}" of features.indicators.${first}`);
      }
      seen.set(name, k);
    }
  });
  return parsed.data;
}

/** Columns: the indicators' (normalised when fitted), then the calendar's (as computed). */
class FeaturePipeline implements FittedFeatures {
  readonly dim: number;
  readonly names: readonly string[];
  readonly warmup: readonly number[];
  /** Number of indicator columns (the calendar's start here). */
  private readonly indicatorDim: number;
  private readonly cache = new WeakMap<Bars, Float32Array>();

  constructor(
    private readonly indicators: readonly IndicatorConfig[],
    private readonly normalizer: Normalizer | null,
    private readonly calendar: CalendarFeaturesConfig | undefined,
  ) {
    const calendarNames = calendar === undefined ? [] : calendarFeatureNames(calendar);
    const names = indicators.flatMap(indicatorNames);
    this.indicatorDim = names.length;
    this.names = Object.freeze([...names, ...calendarNames]);
    this.warmup = Object.freeze([...indicators.flatMap(indicatorWarmup), ...calendarNames.map(() => 0)]);
    this.dim = this.names.length;
  }

  stats(): NormalizerStats | null {
    return this.normalizer?.stats ?? null;
  }

  rows(bars: Bars): Float32Array {
    let out = this.cache.get(bars);
    if (out === undefined) {
      out = this.compute(bars);
      this.cache.set(bars, out);
    }
    return out;
  }

  /** Caches the training rows from the raw indicator matrix the normaliser was fitted on (saves recomputing them). */
  seed(train: Bars, raw: Float64Array): void {
    const { dim, indicatorDim } = this;
    const out = new Float32Array(train.length * dim);
    for (let i = 0; i < train.length; i++) {
      for (let j = 0; j < indicatorDim; j++) out[i * dim + j] = this.transform(raw[i * indicatorDim + j], j);
    }
    this.writeCalendar(train, out);
    this.cache.set(train, out);
  }

  private compute(bars: Bars): Float32Array {
    const { dim, indicatorDim } = this;
    const out = new Float32Array(bars.length * dim);
    if (dim === 0) return out;
    if (indicatorDim > 0) {
      const sets = this.indicators.map(createIndicator);
      const row = new Float64Array(indicatorDim);
      for (let i = 0; i < bars.length; i++) {
        let offset = 0;
        for (const set of sets) {
          set.next(bars, i, row, offset);
          offset += set.names.length;
        }
        const base = i * dim;
        for (let j = 0; j < indicatorDim; j++) out[base + j] = this.transform(row[j], j);
      }
    }
    this.writeCalendar(bars, out);
    return out;
  }

  private writeCalendar(bars: Bars, out: Float32Array): void {
    if (this.calendar !== undefined) writeCalendarFeatures(this.calendar, bars, out, this.dim, this.indicatorDim);
  }

  private transform(x: number, j: number): number {
    if (this.normalizer !== null) return this.normalizer.apply(x, j);
    return Number.isFinite(x) ? x : 0;
  }
}
