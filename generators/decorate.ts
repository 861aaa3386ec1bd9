import { z } from 'zod';
import { Rng } from '../src/core/rng.js';
import type { Panel } from '../src/data/bars.js';
import { parseConfig } from '../src/core/config.js';
import type { GeneratorSpec, SampleOptions } from './generator.js';
import { applyShocks, shockSchema } from './shocks.js';
import type { AppliedShock } from './shocks.js';
import { sideChannelConfigSchema, withSideChannels } from './side-channels.js';

/**
 * Decorations for the experiment config, beside `generator.id` and `generator.config`: shocks applied to
 * every sampled path and optional microstructure side channels. The lead spreads `decorationsSchema.shape`
 * into the experiment's `generator` object.
 *
 * @example
 * decorationsSchema.parse({ shocks: [{ kind: 'gap', at: 'random', probability: 0.2, size: -0.08 }], sideChannels: {} });
 */
export const decorationsSchema = z.strictObject({
  shocks: z
    .array(shockSchema)
    .default([])
    .describe('shocks applied, in order, to every sampled path (see generators/shocks.ts); [] = none'),
  sideChannels: sideChannelConfigSchema
    .optional()
    .describe('spread, depth and order-imbalance side channels (see generators/side-channels.ts); absent = off, {} = on with defaults'),
});

/** Decorations as written (defaults optional). */
export type DecorationsInput = z.input<typeof decorationsSchema>;
/** Resolved decorations (defaults applied). */
export type Decorations = z.output<typeof decorationsSchema>;

/**
 * Version of the decoration layer's semantics, bumped whenever the same decorations, params and rng state
 * would give different bytes. A decorated spec's version is `inner.version·100 + DECORATION_VERSION`, so a
 * bump of either changes it.
 */
export const DECORATION_VERSION = 1;

/** One decorated path with its labels and extra channels. */
export interface DecoratedPath {
  /** The path's bars, one per asset; `spread` is set when side channels are on. */
  readonly panel: Panel;
  /**
   * The shocks that hit this path (the same for every asset). A label that goes beside the data, for
   * analysis and stratified evaluation, never into observations.
   */
  readonly applied: readonly AppliedShock[];
  /** Per asset, depth (currency at the touch) and order imbalance in [−1, 1]; null when side channels are off. */
  readonly channels: readonly { readonly depth: Float64Array; readonly imbalance: Float64Array }[] | null;
}

/** A generator whose paths go through shocks and side channels; `sample` returns the bars only. */
export interface DecoratedGeneratorSpec<C, P> extends GeneratorSpec<C, P> {
  readonly inner: GeneratorSpec<C, P>;
  readonly decorations: Decorations;
  /** Like `sample`, with the labels (shocks that hit) and the depth and imbalance channels of every path. */
  sampleDecorated(params: P, rng: Rng, opts: SampleOptions): DecoratedPath[];
}

/**
 * Wraps `spec` so every sampled path goes through `decorations.shocks` (in order) and then, when
 * `decorations.sideChannels` is set, through {@link withSideChannels}, the liquidity shocks' spread factors
 * acting as its stress multiplier. `fit` and `configSchema` are the inner spec's. There is no `sampleReturns`:
 * the inner one's returns would not carry the shocks.
 *
 * Identity: the id is the inner id plus `+shocks` (when there are shocks) and `+side-channels` (when they
 * are on), e.g. `gbm+shocks+side-channels`; the version is `inner.version·100 + DECORATION_VERSION`. With no
 * decoration the paths are the inner ones, and id and version stay the inner spec's.
 *
 * Randomness: the inner generator draws from `rng` exactly as it would undecorated, so the underlying paths
 * (and the caller's rng afterwards) are identical with and without decoration. Shocks and side channels draw
 * from forks of `rng` named `shocks@<state>` and `side-channels@<state>`, where `<state>` is the rng's state
 * when `sample` is called: the same rng state reproduces the same bytes, and a caller that samples episode
 * after episode from one advancing stream (as the mixed episode source does) gets fresh shocks each time
 * rather than the same shock bars on every path. Within a call, path p uses the child `path-<p>`. Shocks are
 * market-wide: every asset of a path gets the same draws, hence the same shock bars; side-channel noise is
 * drawn per asset (child `path-<p>/asset-<k>`).
 *
 * @throws ConfigError naming the key (`generator.shocks.0.depth`, `generator.sideChannels.minSpreadBps`); when
 *   sampling, `generator.shocks.<i>.at` for a fixed bar beyond the path length.
 * @example
 * const stressed = decorateGenerator(gbm, { shocks: [{ kind: 'flash-crash', at: 'random', probability: 0.1, depth: 0.1 }], sideChannels: {} });
 * stressed.id; // 'gbm+shocks+side-channels'
 * const [path] = stressed.sampleDecorated(params, Rng.fromSeed(1), { length: 252, paths: 1 });
 * path.applied; // e.g. [{ kind: 'flash-crash', at: 87 }]: a label, not an observation
 */
export function decorateGenerator<C, P>(spec: GeneratorSpec<C, P>, decorations: DecorationsInput): DecoratedGeneratorSpec<C, P> {
  const resolved = parseConfig(decorationsSchema, decorations, 'generator');
  const { shocks, sideChannels } = resolved;
  const hasShocks = shocks.length > 0;
  const parts = [spec.id, ...(hasShocks ? ['shocks'] : []), ...(sideChannels !== undefined ? ['side-channels'] : [])];
  const decorated = parts.length > 1;

  const sampleDecorated = (params: P, rng: Rng, opts: SampleOptions): DecoratedPath[] => {
    const at = rng.state().s.join('.');
    const panels = spec.sample(params, rng, opts);
    const shockRoot = rng.fork(`shocks@${at}`);
    const sideRoot = rng.fork(`side-channels@${at}`);
    return panels.map((inner, p) => {
      const shockState = shockRoot.fork(`path-${p}`).state();
      let applied: readonly AppliedShock[] = [];
      const panel: Panel = [];
      const channels: { depth: Float64Array; imbalance: Float64Array }[] = [];
      for (let k = 0; k < inner.length; k++) {
        let bars = inner[k];
        let stress: Float64Array | undefined;
        if (hasShocks) {
          const shocked = applyShocks(bars, shocks, Rng.fromState(shockState), 'generator.shocks');
          bars = shocked.bars;
          stress = shocked.spreadMultiplier;
          if (k === 0) applied = shocked.applied;
        }
        if (sideChannels !== undefined) {
          const side = withSideChannels(bars, sideChannels, sideRoot.fork(`path-${p}/asset-${k}`), stress !== undefined ? { stress } : {});
          bars = side.bars;
          channels.push({ depth: side.depth, imbalance: side.imbalance });
        }
        panel.push(bars);
      }
      return { panel, applied, channels: sideChannels !== undefined ? channels : null };
    });
  };

  const what = [
    ...(hasShocks ? [`shocks (${shocks.map((s) => s.kind).join(', ')})`] : []),
    ...(sideChannels !== undefined ? ['spread, depth and order-imbalance side channels'] : []),
  ];
  return {
    id: parts.join('+'),
    version: decorated ? spec.version * 100 + DECORATION_VERSION : spec.version,
    description: decorated ? `${spec.description} Decorated with ${what.join(' and ')}.` : spec.description,
    configSchema: spec.configSchema,
    inner: spec,
    decorations: resolved,
    fit: (train, config, ctx) => spec.fit(train, config, ctx),
    sample: (params, rng, opts) => sampleDecorated(params, rng, opts).map((path) => path.panel),
    sampleDecorated,
  };
}
