import { z } from 'zod';
import { BUILTIN_EVENT_TYPES } from '../data/calendar.js';

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

/**
 * Point-in-time calendar features (src/features/calendar-features.ts): per event type, how close the next
 * *scheduled* event is and how important, and the last released surprise, decaying. Built from `Bars.events`
 * (the real calendar, or a synthetic path's drawn events); already scaled, so never normalised.
 */
export const calendarFeaturesSchema = z.strictObject({
  types: z
    .array(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case event type such as fomc, cpi, earnings'))
    .min(1)
    .default(() => [...BUILTIN_EVENT_TYPES])
    .refine((types) => new Set(types).size === types.length, 'lists an event type twice')
    .describe('event types with columns, in column order (default: every built-in type)'),
  horizon: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('bars ahead within which the next scheduled event is shown; proximity = (horizon + 1 − bars to it)/horizon, 0 beyond'),
  halfLife: z.number().positive().default(5).describe('half-life (bars) of the decay of the last released surprise'),
  importance: z.boolean().default(true).describe('add a column with the importance of the next scheduled event (low 0, medium 0.5, high 1)'),
});
export type CalendarFeaturesConfig = z.output<typeof calendarFeaturesSchema>;
export type CalendarFeaturesInput = z.input<typeof calendarFeaturesSchema>;

/** The `features` key of a trading env config. */
export const featuresSchema = z
  .strictObject({
    indicators: z.array(indicatorSchema).default([]).describe('indicator features appended to the return window'),
    normalize: z
      .boolean()
      .default(true)
      .describe('standardise indicator features with mean/std fitted on the training segment only, then frozen'),
    calendar: calendarFeaturesSchema
      .optional()
      .describe('point-in-time calendar features appended after the indicators (absent = none); not normalised'),
  })
  .prefault({});
export type FeaturesConfig = z.output<typeof featuresSchema>;
