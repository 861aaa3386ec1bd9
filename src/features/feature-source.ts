import type { Bars } from '../data/bars.js';

/**
 * Per-bar features for observations, already fitted (any normalisation statistics were estimated on a
 * training segment and are frozen). `rows(bars)` returns a row-major `[bars.length × dim]` matrix whose row
 * t depends only on bars 0..t (causal); rows before an indicator's warm-up are 0. Implementations cache the
 * matrix per `Bars` object, so calling `rows` for every episode is cheap.
 *
 * @example
 * const features = fitFeatures(config.features, trainBars);   // src/features/pipeline.ts
 * const env = new TradingEnv(config, source, { features });
 */
export interface FeatureSource {
  readonly dim: number;
  /** Column names, e.g. `rsi14`, `macd12_26_9.hist`. */
  readonly names: readonly string[];
  rows(bars: Bars): Float32Array;
}
