import { z } from 'zod';

/**
 * Indicator features an env can add to its observation. Each is computed causally (row t reads bars ≤ t
 * only) and incrementally with `technicalindicators`' `nextValue`. Periods are in bars.
 */
export const indicatorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rsi'), period: z.number().int().min(2).default(14).describe('RSI lookback (bars)') }),
  z.strictObject({
    kind: z.literal('macd'),
    fast: z.number().int().min(1).default(12).describe('fast EMA period (bars)'),
    slow: z.number().int().min(2).default(26).describe('slow EMA period (bars)'),
    signal: z.number().int().min(1).default(9).describe('signal EMA period (bars)'),
  }),
  z.strictObject({
    kind: z.literal('bollinger'),
    period: z.number().int().min(2).default(20).describe('moving-average period (bars)'),
    stdDev: z.number().positive().default(2).describe('band width in standard deviations'),
  }),
  z.strictObject({ kind: z.literal('atr'), period: z.number().int().min(1).default(14).describe('average true range period (bars)') }),
  z.strictObject({ kind: z.literal('volatility'), period: z.number().int().min(2).default(20).describe('rolling std of log returns (bars)') }),
  z.strictObject({ kind: z.literal('volume-z'), period: z.number().int().min(2).default(20).describe('rolling z-score of volume (bars)') }),
]);
export type IndicatorConfig = z.output<typeof indicatorSchema>;

/** The `features` key of a trading env config. */
export const featuresSchema = z
  .strictObject({
    indicators: z.array(indicatorSchema).default([]).describe('indicator features appended to the return window'),
    normalize: z
      .boolean()
      .default(true)
      .describe('standardise indicator features with mean/std fitted on the training segment only, then frozen'),
  })
  .prefault({});
export type FeaturesConfig = z.output<typeof featuresSchema>;
