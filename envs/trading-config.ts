import { z } from 'zod';
import type { StepResult } from '../src/core/env.js';
import type { Episode } from '../src/data/episode-source.js';
import { featuresSchema } from '../src/features/config.js';
import type { FeatureSource } from '../src/features/feature-source.js';
import { costModelSchema } from '../src/market/cost-model.js';
import { rewardConfigSchema } from './rewards.js';
import type { RewardFn } from './rewards.js';

// ---------------------------------------------------------------------------------------------- config

/** Keys shared by `trading-v0` and `trading-continuous-v0`; each adds how its action maps to a target weight. */
const commonShape = {
  window: z.number().int().min(1).default(30).describe('close-to-close log returns in each observation (bars of history)'),
  fill: z
    .enum(['next-open', 'next-close'])
    .default('next-open')
    .describe('the action chosen at bar t fills at open[t+1] (default) or close[t+1]'),
  costs: costModelSchema.prefault({}).describe('half-spread, square-root impact, commission and the borrow fee of shorts'),
  initialEquity: z.number().positive().default(1_000_000).describe('starting cash, in currency'),
  ruinFloor: z
    .number()
    .min(0)
    .lt(1)
    .default(0.5)
    .describe('fraction of initial equity at or below which the episode terminates (ruin)'),
  episodeLength: z
    .number()
    .int()
    .positive()
    .nullable()
    .default(252)
    .describe('decisions per episode, sampled at a random start inside the episode window; null = the whole window'),
  returnScale: z
    .number()
    .positive()
    .default(100)
    .describe('fixed multiplier on observed log returns (no statistics are fitted)'),
  leverage: z
    .number()
    .positive()
    .default(1)
    .describe('largest |target weight| an action may ask for, as a fraction of equity; above 1 a long borrows cash at zero interest'),
  allowShort: z.boolean().default(true).describe('allow negative target weights (short sales, which pay costs.borrowBpsPerYear)'),
  reward: rewardConfigSchema,
  features: featuresSchema.describe(
    'features appended to the observation: indicators (need a fitted FeatureSource) and point-in-time calendar columns from the bars\' events',
  ),
};

/** The shared keys after `window` (each env lists its action key right after `window`, for readable help). */
const { window: _window, ...afterWindow } = commonShape;

/**
 * Configuration of `trading-v0` (discrete target weights): the single source of its defaults and help text.
 * Weights are fractions of equity, money is in the series' currency, windows are counted in bars.
 *
 * The action kind is the env id: `trading-v0` takes an index into the top-level `positions` (kept top-level
 * because the experiment runner and the buy-and-hold baseline read it), `trading-continuous-v0` a weight in
 * a Box bounded by `maxWeight` ({@link continuousTradingEnvSchema}). Both refuse a weight beyond `leverage`
 * and, without `allowShort`, any negative weight.
 *
 * @example
 * const config = tradingEnvSchema.parse({ window: 20, fill: 'next-close' }); // other keys take defaults
 */
export const tradingEnvSchema = z
  .strictObject({
    window: commonShape.window,
    positions: z
      .array(z.number())
      .min(1)
      .default(() => [-1, 0, 1])
      .describe('target weight (fraction of equity) for each discrete action: −1 fully short, 0 flat, 1 fully long'),
    ...afterWindow,
  })
  .superRefine((c, ctx) => {
    for (let i = 0; i < c.positions.length; i++) {
      const p = c.positions[i];
      if (Math.abs(p) > c.leverage) {
        ctx.addIssue({ code: 'custom', path: ['positions'], message: `positions[${i}] = ${p} exceeds the leverage limit ${c.leverage} (|weight| ≤ leverage)` });
        return;
      }
      if (p < 0 && !c.allowShort) {
        ctx.addIssue({ code: 'custom', path: ['positions'], message: `positions[${i}] = ${p} is short but allowShort is false (e.g. positions: [0, 1])` });
        return;
      }
    }
  });

/**
 * Configuration of `trading-continuous-v0`: the keys of {@link tradingEnvSchema} with `maxWeight` instead of
 * `positions`. The action is the target weight itself, in [−maxWeight, maxWeight] ([0, maxWeight] without
 * `allowShort`); `maxWeight` may not exceed `leverage`.
 *
 * @example
 * continuousTradingEnvSchema.parse({ maxWeight: 0.5 }).leverage; // 1
 */
export const continuousTradingEnvSchema = z
  .strictObject({
    window: commonShape.window,
    maxWeight: z
      .number()
      .positive()
      .default(1)
      .describe('the action is the target weight in [−maxWeight, maxWeight] ([0, maxWeight] without allowShort), a fraction of equity'),
    ...afterWindow,
  })
  .superRefine((c, ctx) => {
    if (c.maxWeight > c.leverage) {
      ctx.addIssue({ code: 'custom', path: ['maxWeight'], message: `${c.maxWeight} exceeds the leverage limit ${c.leverage} (maxWeight ≤ leverage)` });
    }
  });

/** Resolved `trading-v0` configuration (defaults applied). */
export type TradingEnvConfig = z.output<typeof tradingEnvSchema>;
/** `trading-v0` configuration as a user writes it (every key optional). */
export type TradingEnvInput = z.input<typeof tradingEnvSchema>;
/** Resolved `trading-continuous-v0` configuration. */
export type ContinuousTradingEnvConfig = z.output<typeof continuousTradingEnvSchema>;
/** `trading-continuous-v0` configuration as a user writes it. */
export type ContinuousTradingEnvInput = z.input<typeof continuousTradingEnvSchema>;
/** The keys both trading envs share. */
export type CommonConfig = Omit<TradingEnvConfig, 'positions'>;

/** What a trading env may take beyond its JSON config. */
export interface TradingEnvOptions {
  /**
   * Fitted per-bar features appended to every observation (see {@link TradingEnv}). Required when
   * `config.features.indicators` is non-empty; when given, it is used whatever the config lists, except that
   * it must carry every column `config.features.calendar` asks for (`fitFeatures(config.features, train)`
   * builds both). With calendar columns alone it may be omitted: the env builds them from each episode's
   * `bars.events` (src/features/calendar-features.ts), as they need no fitting.
   */
  readonly features?: FeatureSource;
  /** A custom reward (replaces `config.reward`). Functions are not JSON, so this is not a config key. */
  readonly reward?: RewardFn;
}

/** Per-step diagnostics of the trading envs. One object reused for every reset and step. */
export type TradingEnvInfo = {
  /** Net equity marked at close[t], in currency. */
  equity: number;
  /** Weight held after the last fill: shares·close[t]/equity[t] (0 when equity ≤ 0). */
  position: number;
  /** Signed shares held after the last fill. */
  shares: number;
  /** |Δq|·fill price of the last fill, in currency. */
  tradedNotional: number;
  /** Half-spread cost of the last fill, in currency. */
  costSpread: number;
  /** Square-root impact (slippage) of the last fill, in currency. */
  costImpact: number;
  /** Commission of the last fill, in currency. */
  costCommission: number;
  /** Borrow fee of the short held at close[t] over the interval since the previous bar, in currency. */
  costBorrow: number;
  /** costSpread + costImpact + costCommission + costBorrow, in currency. */
  cost: number;
  /** ln(equity[t]/equity[t−1]) (equity floored at 1e-9·initial): the default reward, whatever reward is used. */
  logReturn: number;
  /** Bar index of the current observation. */
  t: number;
  /** Epoch ms of bar t. */
  time: number;
  origin: Episode['origin'];
};

/** The (reused) result of a trading env's `step`, with typed diagnostics. */
export type TradingStepResult = StepResult<Float32Array> & { info: TradingEnvInfo };

/** The (reused) result of a trading env's `reset`. */
export type TradingResetResult = { obs: Float32Array; info: TradingEnvInfo };
