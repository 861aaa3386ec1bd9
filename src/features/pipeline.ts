import { ConfigError } from '../core/errors.js';
import type { Bars } from '../data/bars.js';
import { featuresSchema } from './config.js';
import type { FeaturesConfig, IndicatorConfig } from './config.js';
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
  /** The frozen normaliser statistics (plain JSON), or `null` when `config.normalize` is false. */
  stats(): NormalizerStats | null;
}

/**
 * Builds the feature source for an experiment: the configured indicators, and (when `config.normalize`) a
 * z-score normaliser fitted on `train`'s indicator rows only (warm-up rows excluded) and frozen. With no
 * indicators the source has `dim` 0. `rows(bars)` then runs the indicators incrementally from bar 0 of
 * `bars`, so row t reads bars 0..t only; warm-up and non-finite cells are 0; values are clipped to
 * ±`options.clip` (default 10) standard deviations. The matrix is cached per `Bars` object.
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
  const { indicators, normalize } = parseConfig(config);
  if (!normalize) return new FeaturePipeline(indicators, null);
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
  const pipeline = new FeaturePipeline(indicators, Normalizer.fit(raw.values, raw.names, options));
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
  const { indicators, normalize } = parseConfig(config);
  if (!normalize) return new FeaturePipeline(indicators, null);
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
  return new FeaturePipeline(indicators, normalizer);
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

class FeaturePipeline implements FittedFeatures {
  readonly dim: number;
  readonly names: readonly string[];
  readonly warmup: readonly number[];
  private readonly cache = new WeakMap<Bars, Float32Array>();

  constructor(
    private readonly indicators: readonly IndicatorConfig[],
    private readonly normalizer: Normalizer | null,
  ) {
    this.names = Object.freeze(indicators.flatMap(indicatorNames));
    this.warmup = Object.freeze(indicators.flatMap(indicatorWarmup));
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

  /** Caches the training rows from the raw matrix the normaliser was fitted on (saves recomputing them). */
  seed(train: Bars, raw: Float64Array): void {
    const out = new Float32Array(raw.length);
    for (let k = 0; k < raw.length; k++) out[k] = this.transform(raw[k], k % this.dim);
    this.cache.set(train, out);
  }

  private compute(bars: Bars): Float32Array {
    const dim = this.dim;
    const out = new Float32Array(bars.length * dim);
    if (dim === 0) return out;
    const sets = this.indicators.map(createIndicator);
    const row = new Float64Array(dim);
    for (let i = 0; i < bars.length; i++) {
      let offset = 0;
      for (const set of sets) {
        set.next(bars, i, row, offset);
        offset += set.names.length;
      }
      const base = i * dim;
      for (let j = 0; j < dim; j++) out[base + j] = this.transform(row[j], j);
    }
    return out;
  }

  private transform(x: number, j: number): number {
    if (this.normalizer !== null) return this.normalizer.apply(x, j);
    return Number.isFinite(x) ? x : 0;
  }
}
