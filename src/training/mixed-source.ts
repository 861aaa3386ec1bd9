import type { GeneratorSpec } from '../../generators/generator.js';
import type { Rng } from '../core/rng.js';
import type { Bars } from '../data/bars.js';
import type { Episode, EpisodeSource } from '../data/episode-source.js';
import { ConfigError } from '../core/errors.js';

export interface MixedSourceOptions {
  /** The fold's real training bars (never test data). Null with `syntheticOnly`. */
  readonly real: Bars | null;
  /** Generator fitted on `real` and its params; null means real data only. */
  readonly generator: { readonly spec: GeneratorSpec<unknown, unknown>; readonly params: unknown } | null;
  /** Synthetic episodes per real episode (r in synthetic:real = r:1). 0 = real only; Infinity = synthetic only. */
  readonly ratio: number;
  /** Bars of history every episode leaves before its first decision (≥ the env's observation window). */
  readonly window: number;
  /** Decisions per episode; a synthetic path is generated with exactly enough bars for it. */
  readonly episodeLength: number;
}

/**
 * Mixes synthetic and real training episodes at a fixed ratio r:1.
 *
 * The interleaving is deterministic rather than random, so every prefix of the episode stream holds the
 * ratio as closely as integers allow: a real episode is served whenever `real · r ≤ synthetic`, otherwise a
 * synthetic one (r = 4: R S S S S R S S S S …; r = 0.5: R S R R S …). All episodes have the same number of
 * decisions, so the ratio by episodes is the ratio by steps (short of ruin, which ends an episode early).
 *
 * Each synthetic episode is a fresh path sampled from the fitted generator with the rng the env passes in
 * (the env's own seeded stream), so synthetic data is unlimited yet reproducible. Real episodes are the
 * whole training window: the env picks a random start inside it.
 *
 * @example
 * const source = new MixedEpisodeSource({ real: train, generator: { spec: gbm, params }, ratio: 4, window: 30, episodeLength: 252 });
 */
export class MixedEpisodeSource implements EpisodeSource {
  private realCount = 0;
  private syntheticCount = 0;
  private readonly realEpisode: Episode | null;

  constructor(private readonly opts: MixedSourceOptions) {
    if (!(opts.ratio >= 0)) throw new ConfigError('ratio', `must be ≥ 0, got ${opts.ratio}`);
    if (opts.ratio > 0 && opts.generator === null) throw new ConfigError('generator', 'a ratio > 0 needs a generator');
    if (opts.real === null && !(opts.ratio === Infinity)) throw new ConfigError('syntheticOnly', 'real data is required unless training is synthetic only');
    if (opts.real !== null && opts.real.length < opts.window + opts.episodeLength + 1) {
      throw new ConfigError(
        'env.episodeLength',
        `the training window has ${opts.real.length} bars, fewer than window + episodeLength + 1 = ${opts.window + opts.episodeLength + 1}`,
      );
    }
    this.realEpisode = opts.real === null ? null : { bars: opts.real, start: opts.window, end: opts.real.length, origin: 'real' };
  }

  /** Episodes served so far, by origin. */
  get counts(): { real: number; synthetic: number } {
    return { real: this.realCount, synthetic: this.syntheticCount };
  }

  next(rng: Rng): Episode {
    const useReal = this.realEpisode !== null && (this.opts.ratio === 0 || this.realCount * this.opts.ratio <= this.syntheticCount);
    if (useReal) {
      this.realCount++;
      return this.realEpisode as Episode;
    }
    this.syntheticCount++;
    const { spec, params } = this.opts.generator as NonNullable<MixedSourceOptions['generator']>;
    const length = this.opts.window + this.opts.episodeLength + 1;
    const [panel] = spec.sample(params, rng, { length, paths: 1 });
    return { bars: panel[0], start: this.opts.window, end: length, origin: 'synthetic' };
  }
}
