import { z } from 'zod';
import { RlError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { affects, sortEvents } from '../src/data/calendar.js';
import { mean, std } from '../src/stats/descriptive.js';
import { logGamma } from '../src/stats/distributions.js';
import { minimizeMultiStart } from '../src/stats/optimize.js';
import { fitLogVolume } from './bar-shape.js';
import { DEFAULT_MIN_EVENTS, eventsInSpan, studyEvents } from './event-study.js';
import type { EventAssetParams, EventGroup, EventTerms, MeasuredEvent, StudySeries, StudySettings } from './event-study.js';
import {
  checkEventParams,
  eventReturnStream,
  EventCursor,
  EventSchedule,
  eventSamplingSchema,
  eventTerms,
  hasEventSource,
  sampleEventPath,
  scheduleLabels,
} from './event-sampling.js';
import type { EventSampling, HistoricalEvent, SurpriseLaw } from './event-sampling.js';
import { fitGarchAsset, garchBackcast, garchConfigSchema, garchReturnStream, MIN_BARS } from './garch.js';
import type { GarchAssetParams, GarchConfig } from './garch.js';
import { checkGarchAssetParams, sampleGarchPath } from './garch-sampling.js';
import { defineGenerator } from './generator.js';
import type { ReturnStream } from './generator.js';
import { allocPanel, checkTrainPanel, returnsFromStreams, samplePanels, sampleTimes } from './ohlc.js';
import type { RangeReturnStream } from './ohlc.js';

export { lookupGroup } from './event-study.js';
export type { EventAssetParams, EventGroup, EventResponse } from './event-study.js';
export type { EventSampling, HistoricalEvent, ScenarioEvent, SurpriseLaw } from './event-sampling.js';

/**
 * The event-driven generator (DESIGN.md §5, "The event-driven generator"): a GARCH base between events, and
 * on top of it the responses to calendar events fitted by an event study on the training window.
 *
 * Fit, per asset, on the training bars and `ctx.calendar` only (`Bars.events` is not read): the calendar is
 * first cut to the bars' span (an event's UTC day between the first and the last bar's), so events after the
 * training window cannot reach the params whatever the caller passes; an asset sees the events whose scope
 * names it or is `market`. The GARCH base starts as the `garch` generator's fit (config key `garch`) and is then
 * refitted with the events in its likelihood ({@link fitEventAsset}, `baseFit: 'joint'`), or kept as it is
 * (`'all'`). Against the base's conditional variance (./event-study.ts), per group of events (type ×
 * importance with at least `minEvents` events; smaller groups pool into their type, small types into all
 * events), each event read with the other events' fitted effects taken out: the event-bar abnormal return
 * regressed on the surprise
 * (intercept, slope, residual sd, the jump sd beyond the diffusion), the post-event variance shock (excess
 * ratio one bar after, half-life), the pre-event drift and variance ratio over `preWindow` bars, and the
 * overnight share of the jump. Estimates with |t| below `minTStat` (default 2) are sampled as no effect. Per
 * type with at least `minEvents` surprises, the surprise law (empirical values, their mean and sd); all
 * surprises pool into the law `*` used by every other type. `responseTable(params)` lists the groups.
 *
 * Sample (./event-sampling.ts): per path an event schedule (the training calendar at its offsets,
 * cycled; or resampled by year blocks or by frequency; plus the `scenario` events), with surprises kept or
 * drawn (`randomize`), then per asset, percent returns
 *
 *     y_t = μ + δ_t + sqrt(h_t·m_t)·z_t + Σ_{events on t} (a + b·surprise + jumpSd·ε),
 *
 * where h_t is the base GARCH recursion fed only the base innovation sqrt(h_t)·z_t (events never feed back
 * into it, so the base stays stationary whatever the responses, and a shock lasts as its fitted half-life
 * says), m_t = 1 + Σ excess (the pre-event ratio − 1 on the `preWindow` bars before an event,
 * κ·2^{−(j−1)/H} at lag j after it; floored at 0.1) and δ_t the pre-event drift. OHLCV
 * bars are built as `garch` builds them. Each asset's Bars carry `events`: the path's events that affect it
 * (labels beside the data: the time of the generated bar, the drawn surprise, source
 * `{ kind: 'calendar' | 'scenario', ref: 'event-generator' }`). `sampleReturns`/`returnStream` are asset 0's
 * returns with the same law, without labels.
 *
 * Without events (an empty or missing `ctx.calendar`, nothing in the window, or `calendar: 'none'` and no
 * scenario) the generator is its GARCH base: `sample`, `sampleReturns` and `returnStream` then give exactly
 * the bytes `garch` gives on `params.assets[i].base` (plus `events: []` on every Bars).
 *
 * Units: returns and every response in percent log return per bar (100·ln(P_t/P_{t−1}), as `garch`);
 * surprises in the calendar's standardised units; windows, jitter and offsets in bars.
 */

/** How the GARCH base is fitted (config `baseFit`). */
export const BASE_FITS = ['joint', 'all'] as const;

/** Config of `event`: the fit's keys, then the sample-time keys (kept in `params.sampling`). */
export const eventConfigSchema = z.strictObject({
  garch: garchConfigSchema.prefault({}).describe('config of the GARCH base (the `garch` generator: model, innovations, initialVariance, volume, fixed values)'),
  baseFit: z
    .enum(BASE_FITS)
    .default('joint')
    .describe(
      "'joint' = refit the GARCH base by maximum likelihood with the fitted event terms in the variance and mean (two rounds alternating with the event study); 'all' = the plain `garch` fit on every return, events included",
    ),
  minEvents: z
    .number()
    .int()
    .min(2)
    .default(DEFAULT_MIN_EVENTS)
    .describe('events a group (type:importance, type:*, or * for all) needs to be fitted; smaller groups use their type, small types all events, and with fewer than this in all, events have no effect'),
  preWindow: z.number().int().min(0).max(20).default(3).describe('bars before an event over which the pre-event drift and variance ratio are fitted and applied'),
  postWindow: z.number().int().min(1).max(60).default(10).describe('bars after an event over which the variance shock and its half-life are fitted (the sampled decay runs on until it is below 1e-3)'),
  minTStat: z
    .number()
    .min(0)
    .default(2)
    .describe(
      'estimates whose |t| against their null (0, or 1 for the pre-event variance ratio) is below this are sampled as the null, so noise in a small event study does not become a pattern in every path; 0 samples every estimate as fitted',
    ),
  ...eventSamplingSchema.shape,
});

export type EventConfig = z.infer<typeof eventConfigSchema>;

/** Fitted params of `event` (plain JSON). */
export interface EventParams {
  /** Per asset of the training panel: the GARCH base and the fitted groups. */
  readonly assets: readonly EventAssetParams[];
  /** The training window's events (those affecting some asset), by bar offset from the training start, in time order. */
  readonly calendar: readonly HistoricalEvent[];
  /** Bars in the training window: the cycle of the 'historical' calendar. */
  readonly trainLength: number;
  /** Surprise laws, per type with at least `minEvents` surprises, then `*` (every surprise). */
  readonly surprises: readonly SurpriseLaw[];
  /** The study's settings, as fitted. */
  readonly study: StudySettings & { readonly baseFit: EventConfig['baseFit'] };
  /** Sample-time settings (the config's sample keys); edit them here to sample differently from the same fit. */
  readonly sampling: EventSampling;
}

// ---------------------------------------------------------------------------------------------------
// The GARCH base with the events in its likelihood

/** Rounds of (base MLE with `baseFit: 'joint'`, backfitted event study) after the first study. */
const FIT_ROUNDS = 2;

const KEYS = ['mu', 'omega', 'alpha', 'gamma', 'beta', 'nu'] as const;

/** The base GARCH parameters the filter reads. */
export type BaseCore = Pick<GarchAssetParams, 'mu' | 'omega' | 'alpha' | 'gamma' | 'beta' | 'nu'>;

/**
 * The base GARCH filter and log-likelihood of percent returns `y` (y[i] is bar i + 1's) under the sampler's
 * model with event terms: y_t − μ = c_t + u_t, Var(u_t) = h_t·m_t + v_t, where the base variance h_t is fed
 * only the base innovation ê_t = u_t·sqrt(h_t/(h_t·m_t + v_t)) (exactly sqrt(h_t)·z_t when v_t = 0):
 * events never feed back into the base GARCH. Normal innovations, or the standardised t on u_t (with jump
 * noise the law is then not exactly t: an approximation). Without terms this is `garchLogLik` (./garch.ts).
 * The recursion starts at ω + (α + γ/2 + β)·backcast, as `garch` does. −∞ outside the GARCH constraints.
 *
 * @param sigma2 when given, receives h_t for every return.
 * @example
 * const { loglik, next } = eventGarchFilter(y, backcast, base, terms);
 */
export function eventGarchFilter(y: Float64Array, backcast: number, p: BaseCore, terms?: EventTerms, sigma2?: Float64Array): { loglik: number; next: number } {
  const { mu, omega, alpha, gamma, beta, nu } = p;
  const persistence = alpha + 0.5 * gamma + beta;
  const feasible = omega > 0 && alpha >= 0 && alpha + gamma >= 0 && beta >= 0 && persistence < 1 && (nu === null || nu > 2) && Number.isFinite(mu);
  if (!feasible) return { loglik: -Infinity, next: NaN };
  const n = y.length;
  let h = omega + persistence * backcast;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const m = terms ? terms.m[i + 1] : 1;
    const v = terms ? terms.v[i + 1] : 0;
    const u = y[i] - mu - (terms ? terms.c[i + 1] : 0);
    const w = h * m + v;
    s += nu === null ? Math.log(w) + (u * u) / w : Math.log(w) + (nu + 1) * Math.log1p((u * u) / (w * (nu - 2)));
    if (sigma2) sigma2[i] = h;
    const eb = m === 1 && v === 0 ? u : u * Math.sqrt(h / w);
    h = omega + (eb < 0 ? alpha + gamma : alpha) * eb * eb + beta * h;
  }
  if (nu === null) return { loglik: -0.5 * (n * Math.log(2 * Math.PI) + s), next: h };
  return { loglik: n * (logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2))) - 0.5 * s, next: h };
}

/**
 * The study series of `bars` under base parameters `base`: the base filter over the actual percent returns
 * ({@link eventGarchFilter} with the current event terms, arch's backcast of the demeaned returns), and the
 * quiet ratio outside the events' windows.
 *
 * @example
 * const series = studySeries(bars, base, events.map((e) => e.bar), settings, terms);
 */
export function studySeries(bars: Bars, base: GarchAssetParams, eventBars: readonly number[], settings: StudySettings, terms?: EventTerms): StudySeries & { next: number } {
  const n = bars.length;
  const y = new Float64Array(n - 1);
  const gapRaw = new Float64Array(n - 1);
  for (let t = 1; t < n; t++) {
    y[t - 1] = 100 * Math.log(bars.close[t] / bars.close[t - 1]);
    gapRaw[t - 1] = 100 * Math.log(bars.open[t] / bars.close[t - 1]);
  }
  const ybar = mean(y);
  const sigma2 = new Float64Array(n - 1);
  const { next } = eventGarchFilter(y, garchBackcast(y.map((v) => v - ybar)), base, terms, sigma2);
  const gapMean = mean(gapRaw);
  const e = new Float64Array(n).fill(NaN);
  const h = new Float64Array(n).fill(NaN);
  const gap = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    e[t] = y[t - 1] - base.mu;
    h[t] = sigma2[t - 1];
    gap[t] = gapRaw[t - 1] - gapMean;
  }
  const inWindow = new Uint8Array(n);
  for (const k of eventBars) {
    for (let t = Math.max(0, k - settings.preWindow); t <= Math.min(n - 1, k + settings.postWindow); t++) inWindow[t] = 1;
  }
  let s = 0;
  let count = 0;
  for (let t = 1; t < n; t++) {
    if (inWindow[t]) continue;
    s += (e[t] * e[t]) / h[t];
    count++;
  }
  return { e, h, gap, quietRatio: count > 0 ? s / count : 1, next };
}

/**
 * The maximum-likelihood base given the event terms, from `start` (the previous base); config values that are
 * set stay fixed, as in `garch`.
 *
 * @throws RlError (E_FIT) when the optimiser does not converge.
 */
function fitEventBase(y: Float64Array, backcast: number, start: GarchAssetParams, config: GarchConfig, terms: EventTerms): { core: BaseCore; loglik: number; localOptima: number[] } {
  const tDist = config.innovations === 't';
  const used: Record<(typeof KEYS)[number], boolean> = { mu: true, omega: true, alpha: true, gamma: config.model === 'gjr', beta: true, nu: tDist };
  const given = { mu: config.mu, omega: config.omega, alpha: config.alpha, gamma: config.gamma, beta: config.beta, nu: config.nu };
  const fixed = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<Record<(typeof KEYS)[number], number>>;
  const free = KEYS.filter((k) => used[k] && fixed[k] === undefined);
  const sd = std(y, 0);
  const bounds: Record<(typeof KEYS)[number], [number, number]> = { mu: [-10 * sd, 10 * sd], omega: [sd * sd * 1e-8, 10 * sd * sd], alpha: [0, 1], gamma: [-1, 2], beta: [0, 1], nu: [2.05, 500] };
  const unpack = (x: ArrayLike<number>): BaseCore => {
    const p: Record<string, number> = { mu: start.mu, omega: start.omega, alpha: start.alpha, gamma: start.gamma, beta: start.beta, nu: start.nu ?? 0, ...fixed };
    free.forEach((k, i) => (p[k] = x[i]));
    return { mu: p.mu, omega: p.omega, alpha: p.alpha, gamma: p.gamma, beta: p.beta, nu: tDist ? p.nu : null };
  };
  const nll = (x: ArrayLike<number>): number => -eventGarchFilter(y, backcast, unpack(x), terms).loglik;
  // Starts: the previous base, and a copy with half its ARCH terms (the events may explain part of them).
  const damped = { ...start, alpha: 0.5 * start.alpha, gamma: 0.5 * start.gamma };
  const starts = [start, damped].map((p) => free.map((k) => (k === 'nu' ? (p.nu ?? 8) : p[k])));
  if (free.length === 0) {
    const loglik = -nll([]);
    if (!Number.isFinite(loglik)) throw new RlError('event fit failed: the fixed GARCH parameters give no finite likelihood with the events', 'E_FIT');
    return { core: unpack([]), loglik, localOptima: [loglik] };
  }
  const result = minimizeMultiStart(nll, starts, {
    lower: free.map((k) => bounds[k][0]),
    upper: free.map((k) => bounds[k][1]),
    initialStep: free.map((k) => (k === 'omega' ? 0.2 * start.omega : k === 'mu' ? 0.05 * sd : k === 'nu' ? 2 : 0.02)),
    xtol: 1e-8,
    ftol: 1e-12,
  });
  if (!result.converged || !Number.isFinite(result.fx)) throw new RlError(`event fit: the GARCH base did not converge (${result.message})`, 'E_FIT');
  return { core: unpack(result.x), loglik: -result.fx, localOptima: result.optima.map((o) => -o.fx) };
}

/**
 * Fits one asset: the GARCH base, then the event study against it.
 *
 * First the `garch` generator's fit on the bars as they are and a study of the events against its filter, each
 * event read alone. Then two rounds of: (`baseFit: 'joint'` only) the base refitted by maximum likelihood
 * under the sampler's model with the current groups' event terms held fixed (mean shifts, variance
 * multipliers, jump variances: `eventTerms`), and the study re-run against the base's filter with every
 * event's window cleared of the other events' terms (backfitting). With 'joint' the base is refitted a last
 * time against the final terms, and volume is then refitted against the model's effective volatility
 * (`garch`'s law with h·m + v in place of h); the base's `fit` record is then the event-aware likelihood's.
 * With 'all' the base keeps the plain fit's parameters (which have absorbed part of the events' variance).
 * `lastVariance` is the base filter's forecast after the last bar. Without events (or without a fitted
 * group) both give `garch`'s params exactly.
 *
 * @throws DataError / ConfigError / RlError (E_FIT) as the `garch` fit; RlError (E_FIT) when the joint fit does
 *   not converge.
 * @example
 * const asset = fitEventAsset(bars, measured, garchConfigSchema.parse({}), { ...settings, baseFit: 'joint' });
 */
export function fitEventAsset(bars: Bars, events: readonly MeasuredEvent[], garchConfig: GarchConfig, settings: StudySettings & { readonly baseFit: (typeof BASE_FITS)[number] }): EventAssetParams {
  const first = fitGarchAsset(bars, garchConfig);
  if (events.length === 0) return { symbol: bars.symbol, base: first, quietRatio: 1, groups: [] };
  const n = bars.length;
  const eventBars = events.map((ev) => ev.bar);
  const termsOf = (groups: readonly EventGroup[]): EventTerms => eventTerms(n, events, { symbol: bars.symbol, groups }, settings.preWindow);
  let base: GarchAssetParams = first;
  let series = studySeries(bars, base, eventBars, settings);
  let groups = studyEvents(events, series, settings);
  if (groups.length === 0) return { symbol: bars.symbol, base, quietRatio: series.quietRatio, groups };
  let terms = termsOf(groups);

  const y = new Float64Array(n - 1);
  for (let t = 1; t < n; t++) y[t - 1] = 100 * Math.log(bars.close[t] / bars.close[t - 1]);
  const ybar = mean(y);
  const backcast = garchBackcast(y.map((v) => v - ybar));
  const refit = (): void => {
    const fit = fitEventBase(y, backcast, base, garchConfig, terms);
    base = { ...base, ...fit.core, fit: { loglik: fit.loglik, nobs: n - 1, backcast, localOptima: fit.localOptima } };
    series = studySeries(bars, base, eventBars, settings, terms);
  };
  for (let round = 0; round < FIT_ROUNDS; round++) {
    if (settings.baseFit === 'joint') refit();
    groups = studyEvents(events, series, settings, { groups, terms });
    terms = termsOf(groups);
    if (settings.baseFit === 'all') series = studySeries(bars, base, eventBars, settings, terms);
  }
  // The last study moved the terms: the base is fitted once more against them.
  if (settings.baseFit === 'joint') refit();
  let volume = base.volume;
  if (settings.baseFit === 'joint' && garchConfig.volume === 'volatility') {
    const hBar = base.omega / (1 - base.alpha - 0.5 * base.gamma - base.beta);
    const x = new Float64Array(n).fill(NaN);
    for (let t = 1; t < n; t++) x[t] = 0.5 * Math.log((series.h[t] * terms.m[t] + terms.v[t]) / hBar);
    volume = fitLogVolume(bars, x);
  }
  return { symbol: bars.symbol, base: { ...base, volume, lastVariance: series.next }, quietRatio: series.quietRatio, groups };
}

// ---------------------------------------------------------------------------------------------------
// The response table

/** One printable row of {@link responseTable}: a group's estimates (percent units) with standard errors. */
export type ResponseRow = Omit<EventGroup, 'key' | 'type' | 'importance' | 'response'> & {
  readonly group: string;
  /** Estimates the sampler replaces by their null value (below `minTStat`). */
  readonly dropped: readonly string[];
};

/**
 * The fitted response table of one asset, one row per group in {@link studyEvents}' order: what to print
 * beside a fit (`console.table(responseTable(params))`).
 *
 * @throws RangeError when the asset index is out of range.
 * @example
 * responseTable(params).map((r) => `${r.group}: ${r.slope.toFixed(3)} ± ${r.slopeSe?.toFixed(3)} % per σ`);
 */
export function responseTable(params: { readonly assets: readonly EventAssetParams[] }, asset = 0): ResponseRow[] {
  const a = params.assets[asset];
  if (!a) throw new RangeError(`responseTable: no asset ${asset} (the params have ${params.assets.length})`);
  return a.groups.map((g) => {
    const dropped = (['intercept', 'slope', 'jumpSd', 'volKappa', 'preDrift', 'preVarRatio'] as const).filter((k) => g.response[k] !== g[k]);
    const { key, response: _response, type: _type, importance: _importance, ...rest } = g;
    return { group: key, ...rest, dropped };
  });
}

/** Per type with at least `minEvents` surprises, then the pooled `*` law. */
function surpriseLaws(events: readonly HistoricalEvent[], minEvents: number): SurpriseLaw[] {
  const law = (type: string, values: number[]): SurpriseLaw => ({ type, n: values.length, mean: mean(values), sd: values.length > 1 ? std(values, 1) : 0, values });
  const byType = new Map<string, number[]>();
  for (const e of events) if (e.surprise !== null) byType.set(e.type, [...(byType.get(e.type) ?? []), e.surprise]);
  const out = [...byType.keys()]
    .sort()
    .filter((t) => byType.get(t)!.length >= minEvents)
    .map((t) => law(t, byType.get(t)!));
  const all = events.flatMap((e) => (e.surprise === null ? [] : [e.surprise]));
  if (all.length > 0) out.push(law('*', all));
  return out;
}

/** Validates params and opens asset 0's streams (the GARCH base's when there is nothing to place). */
function assetZeroStreams(params: EventParams): (rng: Rng) => RangeReturnStream {
  const sampling = checkEventParams(params);
  if (!hasEventSource(params, sampling)) return (rng) => garchReturnStream(params.assets[0].base, rng);
  return (rng) => eventReturnStream(params, sampling, rng);
}

/**
 * The `event` generator.
 *
 * @example
 * const params = event.fit([trainBars], event.configSchema.parse({ randomize: 0.5, jitter: 1 }), { calendar });
 * console.table(responseTable(params));
 * const [path] = event.sample(params, Rng.fromSeed(7), { length: 252, paths: 1 });
 * path[0].events; // the path's events, with the surprises drawn
 * // "Three surprise 75 bp hikes": scenario events on top of the historical calendar
 * const hikes = { ...params, sampling: { ...params.sampling, scenario: [60, 120, 180].map((offset) => ({ offset, type: 'fomc', importance: 'high', surprise: -2.5, scope: ['market'] })) } };
 */
export const event = defineGenerator<EventConfig, EventParams>({
  id: 'event',
  version: 1,
  description:
    'Event-driven: a GARCH base plus fitted responses to calendar events (jump vs surprise, volatility shock and decay, pre-event drift); historical, resampled or scenario calendars with randomised outcomes; events labelled beside the bars.',
  configSchema: eventConfigSchema,
  fit(train: Panel, config: EventConfig, ctx): EventParams {
    checkTrainPanel(train, MIN_BARS, true);
    const time = train[0].time;
    const inSpan = eventsInSpan(sortEvents(ctx.calendar ?? [], 'ctx.calendar'), time).filter(({ event: e }) => train.some((b) => affects(e, b.symbol)));
    const study = { minEvents: config.minEvents, preWindow: config.preWindow, postWindow: config.postWindow, minTStat: config.minTStat, baseFit: config.baseFit };
    const assets = train.map((bars) => {
      const measured: MeasuredEvent[] = inSpan
        .filter(({ event: e }) => affects(e, bars.symbol))
        .map(({ event: e, bar }) => ({ bar, type: e.type, importance: e.importance, surprise: e.surprise }));
      return fitEventAsset(bars, measured, config.garch, study);
    });
    const calendar: HistoricalEvent[] = inSpan.map(({ event: e, bar }) => ({
      offset: bar,
      type: e.type,
      importance: e.importance,
      scope: [...e.scope],
      scheduled: e.scheduled,
      surprise: e.surprise ?? null,
    }));
    const { calendar: calendarMode, bootstrap, blockLength, randomize, surpriseLaw, jitter, scenario } = config;
    return {
      assets,
      calendar,
      trainLength: train[0].length,
      surprises: surpriseLaws(calendar, config.minEvents),
      study,
      sampling: { calendar: calendarMode, bootstrap, blockLength, randomize, surpriseLaw, jitter, scenario },
    };
  },
  sample(params: EventParams, rng: Rng, opts): Panel[] {
    const sampling = checkEventParams(params);
    const times = sampleTimes(opts);
    const label = (panel: Panel): Panel => panel.map((bars) => ({ ...bars, events: [] }));
    if (!hasEventSource(params, sampling)) {
      return samplePanels(params.assets.map((a) => a.base), checkGarchAssetParams, rng, opts, sampleGarchPath).map(label);
    }
    const symbols = params.assets.map((a) => a.symbol);
    const out: Panel[] = [];
    for (let p = 0; p < opts.paths; p++) {
      const schedule = new EventSchedule(params, sampling, rng.fork(`events-${rng.nextUint32()}`));
      schedule.ensure(opts.length - 1 + params.study.preWindow);
      const panel = allocPanel(symbols, times);
      params.assets.forEach((a, k) => sampleEventPath(a, new EventCursor(schedule, a, params.study.preWindow), rng, panel[k]));
      const labels = sortEvents(scheduleLabels(schedule.events, times), 'events');
      out.push(panel.map((bars) => ({ ...bars, events: labels.filter((e) => affects(e, bars.symbol)) })));
    }
    return out;
  },
  /** Asset 0's returns: consecutive streams on one rng (see {@link event.returnStream}). */
  sampleReturns(params: EventParams, rng: Rng, opts): Float64Array {
    return returnsFromStreams(opts, rng, () => assetZeroStreams(params));
  },
  returnStream(params: EventParams, rng: Rng): ReturnStream {
    return assetZeroStreams(params)(rng);
  },
});
