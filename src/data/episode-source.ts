import type { Rng } from '../core/rng.js';
import type { Bars } from './bars.js';

/**
 * One episode's data: the env observes `bars` up to the current step only. The first decision is taken at
 * bar `start` (so `start ≥ window` leaves room for the observation window, which reads bars before `start`:
 * past data, never future); the last decision is at bar `end - 2` and is filled at bar `end - 1`.
 */
export interface Episode {
  readonly bars: Bars;
  readonly start: number;
  /** Exclusive end: the episode never reads bars at index ≥ end. */
  readonly end: number;
  readonly origin: 'real' | 'synthetic';
}

/**
 * Supplies episodes to environments at reset. Implementations decide the mix (e.g. synthetic:real = r:1)
 * and draw any randomness from the rng they are given (the env's own stream).
 */
export interface EpisodeSource {
  next(rng: Rng): Episode;
}

/**
 * A source that always returns the same episode: evaluation on a fixed test window.
 *
 * @example
 * const source = fixedEpisode(bars, 30, bars.length); // decisions from bar 30 to the end
 */
export function fixedEpisode(bars: Bars, start: number, end: number = bars.length, origin: Episode['origin'] = 'real'): EpisodeSource {
  const episode: Episode = { bars, start, end, origin };
  return { next: () => episode };
}
