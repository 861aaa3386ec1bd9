import { DataError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { Panel } from './bars.js';

/**
 * One multi-asset episode: the multi-asset counterpart of `Episode` (episode-source.ts), with the same bounds. The env
 * observes every asset up to the current step only. The first decision is taken at bar `start` (so
 * `start ≥ window` leaves room for the observation window, which reads bars before `start`: past data,
 * never future); the last decision is at bar `end − 2` and is filled at bar `end − 1`. Bar indices are shared
 * by all assets because a panel's members have identical `time` columns (see {@link validatePanel}).
 */
export interface PanelEpisode {
  readonly panel: Panel;
  readonly start: number;
  /** Exclusive end: the episode never reads bars at index ≥ end. */
  readonly end: number;
  readonly origin: 'real' | 'synthetic';
}

/**
 * Supplies multi-asset episodes to environments at reset, drawing any randomness from the rng it is given
 * (the env's own stream).
 *
 * `assets` is the number of assets in every panel it returns. An env sizes its observation and action spaces
 * at construction, before any episode is drawn, so the width must be known up front; an episode whose panel
 * has another width is rejected by the env with a DataError.
 */
export interface PanelEpisodeSource {
  readonly assets: number;
  next(rng: Rng): PanelEpisode;
}

/**
 * A source that always returns the same episode: evaluation on a fixed multi-asset test window. The panel is
 * checked at once with {@link validatePanel}.
 *
 * @example
 * const source = fixedPanelEpisode([spy, tlt, gld], 30); // decisions from bar 30 to the end
 * @throws DataError when the panel is empty or its assets are not aligned.
 */
export function fixedPanelEpisode(
  panel: Panel,
  start: number,
  end: number = panel.length > 0 ? panel[0].length : 0,
  origin: PanelEpisode['origin'] = 'real',
): PanelEpisodeSource {
  validatePanel(panel);
  const episode: PanelEpisode = { panel, start, end, origin };
  return { assets: panel.length, next: () => episode };
}

/**
 * Checks that a panel is aligned: at least one asset, every asset with the same `length` as the first, and
 * `time` columns identical to the first asset's, bar by bar. Prices are not checked here (envs do that once
 * per panel).
 *
 * @example
 * validatePanel([spy, tlt]); // throws unless spy.time and tlt.time are equal
 * @throws DataError naming the asset symbol (in `file`), the field (`length` or `time`) and, for `time`, the
 *   first bar index that differs.
 */
export function validatePanel(panel: Panel): void {
  if (panel.length === 0) throw new DataError('panel', undefined, undefined, 'needs at least one asset, got none');
  const first = panel[0];
  const time0 = first.time;
  const n = first.length;
  if (time0.length < n) {
    throw new DataError(assetLabel(panel, 0), undefined, 'time', `time column has ${time0.length} values for ${n} bars`);
  }
  for (let k = 1; k < panel.length; k++) {
    const bars = panel[k];
    if (bars.length !== n) {
      throw new DataError(assetLabel(panel, k), undefined, 'length', `has ${bars.length} bars, asset "${first.symbol}" has ${n}`);
    }
    const time = bars.time;
    for (let i = 0; i < n; i++) {
      // A missing value (short column) is undefined and differs too.
      if (time[i] !== time0[i]) {
        throw new DataError(
          assetLabel(panel, k),
          undefined,
          'time',
          `bar index ${i}: time ${time[i]} differs from asset "${first.symbol}" (${time0[i]}); panel members must share one time column`,
        );
      }
    }
  }
}

/** Panels already checked for alignment and for NaN or non-positive prices, by identity. */
const validatedPanels = new WeakSet<Panel>();

/**
 * Checks an episode for an env observing `window` returns per asset over `assets` assets: the panel's width,
 * the bounds (start ≥ window, end ≤ length, at least a decision bar and its fill bar) and, once per Panel
 * object, its alignment ({@link validatePanel}) and values: prices finite and > 0, volume and spread finite
 * and ≥ 0. Panels are treated as immutable once checked (the check is cached by identity).
 *
 * @example
 * validatePanelEpisode(source.next(rng), 30, source.assets);
 * @throws DataError naming the asset symbol (in `file`), the field and the bar index of the first bad value.
 */
export function validatePanelEpisode(episode: PanelEpisode, window: number, assets: number): void {
  const { panel, start, end } = episode;
  if (panel.length !== assets) {
    throw new DataError('panel', undefined, 'assets', `episode panel has ${panel.length} assets, the source declares ${assets}`);
  }
  if (!validatedPanels.has(panel)) {
    validatePanel(panel);
    for (let k = 0; k < panel.length; k++) {
      const bars = panel[k];
      checkColumn(panel, k, 'open', bars.open, true);
      checkColumn(panel, k, 'high', bars.high, true);
      checkColumn(panel, k, 'low', bars.low, true);
      checkColumn(panel, k, 'close', bars.close, true);
      checkColumn(panel, k, 'volume', bars.volume, false);
      if (bars.spread !== undefined) checkColumn(panel, k, 'spread', bars.spread, false);
    }
    validatedPanels.add(panel);
  }
  const length = panel[0].length;
  if (!Number.isInteger(start) || start < window) {
    throw new DataError('panel', undefined, 'start', `episode start ${start} leaves no room for a ${window}-return observation window (need start ≥ ${window})`);
  }
  if (!Number.isInteger(end) || end > length) {
    throw new DataError('panel', undefined, 'end', `episode end ${end} is beyond the ${length} bars`);
  }
  if (end - start < 2) {
    throw new DataError('panel', undefined, 'end', `episode [${start}, ${end}) needs at least 2 bars: a decision bar and its fill bar`);
  }
}

/**
 * Whether `x` looks like a {@link PanelEpisodeSource} (a `next` method and an integer `assets` ≥ 1). A
 * single-asset `EpisodeSource` has no `assets` and fails.
 *
 * @example
 * isPanelEpisodeSource(fixedPanelEpisode(panel, 30)); // true
 * isPanelEpisodeSource(fixedEpisode(bars, 30));       // false
 */
export function isPanelEpisodeSource(x: unknown): x is PanelEpisodeSource {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as { assets?: unknown; next?: unknown };
  return typeof s.next === 'function' && typeof s.assets === 'number' && Number.isInteger(s.assets) && s.assets >= 1;
}

function assetLabel(panel: Panel, k: number): string {
  return `panel asset ${k} "${panel[k].symbol}"`;
}

/** Prices must be finite and > 0; volume and spread finite and ≥ 0. */
function checkColumn(panel: Panel, k: number, field: string, values: Float64Array, price: boolean): void {
  const n = panel[k].length;
  if (values.length < n) {
    throw new DataError(assetLabel(panel, k), undefined, field, `column has ${values.length} values for ${n} bars`);
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const ok = price ? v > 0 && v < Infinity : v >= 0 && v < Infinity; // NaN fails every comparison
    if (!ok) {
      const need = price ? 'a positive finite price' : 'a finite value ≥ 0';
      throw new DataError(assetLabel(panel, k), undefined, field, `bar index ${i}: ${field} = ${v} is not ${need}`);
    }
  }
}
