import { DAY_MS } from '../src/data/bars.js';
import { eventBarIndex } from '../src/data/calendar.js';
import type { CalendarEvent, Importance } from '../src/data/calendar.js';
import { mean, std, variance } from '../src/stats/descriptive.js';
import { ols } from '../src/stats/ols.js';
import type { GarchAssetParams } from './garch.js';

/**
 * The event study behind the `event` generator (./event.ts): how one asset's percent log returns respond to
 * calendar events, measured against a fitted GARCH base. Every quantity is in percent log-return units
 * (100·ln(P_t/P_{t−1}), as in ./garch.ts); surprises are the calendar's standardised units.
 *
 * Series (bar t ≥ 1, `studySeries` in ./event.ts): the abnormal return e_t = y_t − μ, the base GARCH's
 * conditional variance h_t (the base filter over the actual returns, fed the base innovations once event terms
 * are known) and the variance ratio e²_t/h_t, which the sampler's model makes m_t (the event multiplier) in
 * expectation. Per group of events (event bars k ≥ 1), each event's window read with the other events' fitted
 * effects taken out when a previous round is given ({@link studyEvents}):
 *
 * - **Jump** (event bar): AR_k = e_k regressed by OLS on [1, surprise] over the group's events with a surprise
 *   (intercept a, slope b in percent per unit surprise, residual sd σ_AR); with fewer than 3 of them, or no
 *   spread in their surprises, b = 0 and a, σ_AR are the mean and sd of AR over all the group's events. σ_AR
 *   contains the base diffusion, so the sampled jump gets only the excess: jumpSd² = max(0, σ_AR² − mean h_k)
 *   (h_k times the other events' multiplier, plus their jump variance, once they are known).
 * - **Volatility shock** (lags j = 1..post): q_j = mean over events of e²_{k+j}/h_{k+j}, fitted by weighted
 *   least squares (weights n_j) to 1 + κ·2^{−(j−1)/H}, κ ≥ 0: the excess variance ratio one bar after the
 *   event and its half-life in bars. (A line through ln(q_j − 1) is undefined wherever the noisy excess is
 *   ≤ 0, which is common a few lags out; the exponential is fitted in levels instead.) λ = ln 2/H is profiled
 *   on a log grid of H in [0.2, 200] bars refined by golden section; κ(λ) is closed-form. Standard errors: the
 *   sandwich (JᵀWJ)⁻¹·JᵀWΣWJ·(JᵀWJ)⁻¹ with Σ_j the lag's sample variance of the mean. With κ = 0 the
 *   half-life is not identified (it is reported, unused).
 * - **Pre-event** (bars k − pre..k − 1): mean abnormal return per bar (drift) and mean variance ratio (≥ 0.1).
 * - **Overnight share** of the jump: Σ g_k·AR_k / Σ AR²_k clipped to [0, 1], with g_k the bar's percent
 *   overnight gap ln(open_k/close_{k−1}) minus its mean over all bars.
 *
 * The quiet ratio R̄, the mean e²/h over bars outside every event's window [k − pre, k + post], is reported as
 * a diagnostic of the base's calibration between events (≈ 1 when the base fits them; with a dense calendar few
 * bars are quiet and it is noisy). Standard errors treat events as independent.
 */

/** Events per group needed to fit it (config `minEvents`); the group-building rule is in {@link studyEvents}. */
export const DEFAULT_MIN_EVENTS = 8;
/** Excess variance below which the sampled shock is cut off (relative, per lag). */
const EXCESS_CUTOFF = 1e-3;
/** Floor of the pre-event variance ratio (the sampler floors the multiplier at the same value). */
const MIN_PRE_RATIO = 0.1;
/** Longest sampled post-event window, in bars. */
export const MAX_SHOCK_LAGS = 250;

/** One training event on the bars: its bar index and what the study needs. */
export interface MeasuredEvent {
  readonly bar: number;
  readonly type: string;
  readonly importance: Importance;
  readonly surprise: number | undefined;
}

/** What the sampler uses for one group: the estimates after the `minTStat` filter (non-significant → null effect). */
export interface EventResponse {
  /** Mean abnormal return on the event bar at zero surprise, percent. */
  readonly intercept: number;
  /** Abnormal return per unit of surprise, percent. */
  readonly slope: number;
  /** Standard deviation of the event bar's jump beyond the base diffusion, percent. */
  readonly jumpSd: number;
  /** Fraction of the jump placed in the overnight gap (the rest moves the intraday leg). */
  readonly overnightShare: number;
  /** Excess variance ratio one bar after the event (multiplier 1 + κ, ≥ 0). */
  readonly volKappa: number;
  /** Half-life of the excess, bars. */
  readonly halfLife: number;
  /** Mean abnormal return per pre-event bar, percent. */
  readonly preDrift: number;
  /** Variance multiplier on the pre-event bars (> 0). */
  readonly preVarRatio: number;
}

/** A fitted group: the estimates with standard errors (null where not identified) and the response used. */
export interface EventGroup {
  /** `type:importance`, `type:*` (every importance of the type) or `*` (every event). */
  readonly key: string;
  readonly type: string;
  readonly importance: Importance | '*';
  /** Events with an event-bar return; of them, with a surprise. */
  readonly n: number;
  readonly nSurprise: number;
  readonly intercept: number;
  readonly interceptSe: number | null;
  readonly slope: number;
  readonly slopeSe: number | null;
  /** Residual sd of the event-bar abnormal return (base diffusion included), percent. */
  readonly sigmaAR: number;
  readonly jumpSd: number;
  readonly jumpSdSe: number | null;
  readonly overnightShare: number;
  readonly volKappa: number;
  readonly volKappaSe: number | null;
  readonly halfLife: number;
  readonly halfLifeSe: number | null;
  readonly preDrift: number;
  readonly preDriftSe: number | null;
  readonly preVarRatio: number;
  readonly preVarRatioSe: number | null;
  readonly response: EventResponse;
}

/** The settings of the study (from the `event` config). */
export interface StudySettings {
  readonly minEvents: number;
  readonly preWindow: number;
  readonly postWindow: number;
  readonly minTStat: number;
}

/** Per-bar series the study reads (index = bar; bar 0 has no return and holds NaN). */
export interface StudySeries {
  /** Abnormal percent return e_t = y_t − μ. */
  readonly e: Float64Array;
  /** Conditional variance of the base filter, percent². */
  readonly h: Float64Array;
  /** Percent overnight gap minus its mean. */
  readonly gap: Float64Array;
  /** Quiet ratio R̄, a diagnostic (see the module notes). */
  readonly quietRatio: number;
}

/**
 * The calendar events that lie inside the bars' span: the event's UTC day is between the first and the last
 * bar's day. Events before the window or after its last bar never reach the fit, whatever calendar is passed.
 *
 * @example
 * eventsInSpan(ctx.calendar ?? [], train[0].time); // [{ event, bar }] in calendar order
 */
export function eventsInSpan(events: readonly CalendarEvent[], time: Float64Array): { event: CalendarEvent; bar: number }[] {
  const n = time.length;
  if (n === 0) return [];
  const first = Math.floor(time[0] / DAY_MS);
  const last = Math.floor(time[n - 1] / DAY_MS);
  const out: { event: CalendarEvent; bar: number }[] = [];
  for (const event of events) {
    const day = Math.floor(event.time / DAY_MS);
    if (day < first || day > last) continue;
    out.push({ event, bar: eventBarIndex(time, event.time) });
  }
  return out;
}

/** Event terms per bar (index = bar; bar 0 unused): mean shift c (percent), variance multiplier m, jump variance v (percent²). */
export interface EventTerms {
  readonly c: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/**
 * Groups the events and fits each group (see the module notes). Groups: every `type:importance` with at least
 * `minEvents` events, every type with at least `minEvents` (`type:*`, all its importances), and all events
 * (`*`) when there are at least `minEvents`. A sampled event takes the first that exists of its
 * `type:importance`, `type:*` and `*` groups ({@link lookupGroup}), so small groups pool into their type, and
 * small types into the whole calendar. Groups are listed in that order, keys sorted.
 *
 * With a `prior` (the previous round's groups and their terms on every bar), each event's window is read with
 * the *other* events' fitted effects taken out (backfitting): their mean shifts are subtracted from the
 * returns, their variance multipliers and jump variances from the ratios. Without one, events are read as if
 * alone. Overlapping windows (CPI two days before payrolls) then stop counting each other's effects twice.
 *
 * @example
 * const groups = studyEvents(measured, series, settings);
 * const refined = studyEvents(measured, series, settings, { groups, terms: eventTerms(n, measured, { symbol, groups }, 3) });
 */
export function studyEvents(events: readonly MeasuredEvent[], series: StudySeries, settings: StudySettings, prior?: StudyPrior): EventGroup[] {
  const obs = observer(series, settings, prior);
  const usable = events.filter((ev) => ev.bar >= 1);
  const byKey = new Map<string, MeasuredEvent[]>();
  const byType = new Map<string, MeasuredEvent[]>();
  for (const ev of usable) {
    const key = `${ev.type}:${ev.importance}`;
    byKey.set(key, [...(byKey.get(key) ?? []), ev]);
    byType.set(ev.type, [...(byType.get(ev.type) ?? []), ev]);
  }
  const groups: EventGroup[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const members = byKey.get(key)!;
    if (members.length >= settings.minEvents) groups.push(studyGroup(key, members[0].type, members[0].importance, members, obs, series, settings));
  }
  for (const type of [...byType.keys()].sort()) {
    const members = byType.get(type)!;
    if (members.length >= settings.minEvents) groups.push(studyGroup(`${type}:*`, type, '*', members, obs, series, settings));
  }
  if (usable.length >= settings.minEvents) groups.push(studyGroup('*', '*', '*', usable, obs, series, settings));
  return groups;
}

/**
 * The group an event of `type` and `importance` draws its response from: `type:importance`, else `type:*`,
 * else `*`; undefined (no effect) when none was fitted.
 *
 * @example
 * lookupGroup(asset.groups, 'fomc', 'high')?.response.slope;
 */
export function lookupGroup<G extends { readonly key: string }>(groups: readonly G[], type: string, importance: string): G | undefined {
  for (const key of [`${type}:${importance}`, `${type}:*`, '*']) {
    const g = groups.find((x) => x.key === key);
    if (g) return g;
  }
  return undefined;
}

/** The previous round's fit, for {@link studyEvents}' backfitting. */
export interface StudyPrior {
  readonly groups: readonly EventGroup[];
  /** Every event's terms summed per bar, as `eventTerms` (./event-sampling.ts) gives them. */
  readonly terms: { readonly c: Float64Array; readonly m: Float64Array; readonly v: Float64Array };
}

/** What an event's window shows at bar t once the other events are taken out. */
interface Obs {
  /** Abnormal return minus the other events' mean shifts, percent. */
  readonly e: number;
  /** ((e_t − c_other)² − v_other)/h_t − x_other: estimates 1 + the event's own variance excess. */
  readonly ratio: number;
  /** Variance the event does not own: h_t·(1 + x_other) + v_other, percent². */
  readonly baseVar: number;
}
type Observer = (ev: MeasuredEvent, t: number) => Obs;

/**
 * An event's own term at bar t under response r: mean shift c, variance excess x and jump variance v, as the
 * sampler's cursor adds them (pre-event bars k − pre..k − 1, the event bar, lags 1..shockLags after it).
 */
function ownTerm(r: EventResponse, ev: MeasuredEvent, t: number, pre: number): { c: number; x: number; v: number } {
  const d = ev.bar - t;
  if (d > 0 && d <= pre) return { c: r.preDrift, x: r.preVarRatio - 1, v: 0 };
  if (d === 0) return { c: r.intercept + r.slope * (ev.surprise ?? 0), x: 0, v: r.jumpSd * r.jumpSd };
  if (d < 0 && -d <= shockLags(r)) return { c: 0, x: r.volKappa * Math.pow(2, (d + 1) / r.halfLife), v: 0 };
  return { c: 0, x: 0, v: 0 };
}

function observer(s: StudySeries, settings: StudySettings, prior: StudyPrior | undefined): Observer {
  if (!prior) return (_ev, t) => ({ e: s.e[t], ratio: (s.e[t] * s.e[t]) / s.h[t], baseVar: s.h[t] });
  const { c, m, v } = prior.terms;
  return (ev, t) => {
    const g = lookupGroup(prior.groups, ev.type, ev.importance);
    const own = g ? ownTerm(g.response, ev, t, settings.preWindow) : { c: 0, x: 0, v: 0 };
    const cOther = c[t] - own.c;
    const xOther = m[t] - 1 - own.x;
    const vOther = Math.max(0, v[t] - own.v);
    const e = s.e[t] - cOther;
    return { e, ratio: (e * e - vOther) / s.h[t] - xOther, baseVar: s.h[t] * (1 + xOther) + vOther };
  };
}

/** Fits one group; `members` have bar ≥ 1. */
function studyGroup(key: string, type: string, importance: Importance | '*', members: readonly MeasuredEvent[], obs: Observer, s: StudySeries, settings: StudySettings): EventGroup {
  const jump = fitJump(members, obs);
  // The excess dispersion beyond the diffusion (and the other events) expected on these bars.
  const jumpVar = jump.sigma2 - mean(jump.used.map((ev) => obs(ev, ev.bar).baseVar));
  const jumpSd = Math.sqrt(Math.max(0, jumpVar));
  const jumpSdSe = jumpSd > 0 && jump.sigma2Se !== null ? jump.sigma2Se / (2 * jumpSd) : null;

  let num = 0;
  let den = 0;
  for (const ev of members) {
    num += s.gap[ev.bar] * s.e[ev.bar];
    den += s.e[ev.bar] * s.e[ev.bar];
  }
  const overnightShare = den > 0 ? Math.min(1, Math.max(0, num / den)) : 0;

  const shock = fitShock(members, obs, s.e.length, settings.postWindow);
  const pre = fitPre(members, obs, settings.preWindow);

  const keep = (estimate: number, nullValue: number, se: number | null): number => {
    if (settings.minTStat <= 0) return estimate;
    return se !== null && se > 0 && Math.abs(estimate - nullValue) / se >= settings.minTStat ? estimate : nullValue;
  };
  const response: EventResponse = {
    intercept: keep(jump.intercept, 0, jump.interceptSe),
    slope: keep(jump.slope, 0, jump.slopeSe),
    jumpSd: keep(jumpSd, 0, jumpSdSe),
    overnightShare,
    volKappa: keep(shock.kappa, 0, shock.kappaSe),
    halfLife: shock.halfLife,
    preDrift: keep(pre.drift, 0, pre.driftSe),
    preVarRatio: keep(pre.varRatio, 1, pre.varRatioSe),
  };
  return {
    key,
    type,
    importance,
    n: members.length,
    nSurprise: members.filter((ev) => ev.surprise !== undefined).length,
    intercept: jump.intercept,
    interceptSe: jump.interceptSe,
    slope: jump.slope,
    slopeSe: jump.slopeSe,
    sigmaAR: Math.sqrt(jump.sigma2),
    jumpSd,
    jumpSdSe,
    overnightShare,
    volKappa: shock.kappa,
    volKappaSe: shock.kappaSe,
    halfLife: shock.halfLife,
    halfLifeSe: shock.halfLifeSe,
    preDrift: pre.drift,
    preDriftSe: pre.driftSe,
    preVarRatio: pre.varRatio,
    preVarRatioSe: pre.varRatioSe,
    response,
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The event-bar regression (see the module notes); `used` are the events whose residuals give σ_AR. */
function fitJump(
  members: readonly MeasuredEvent[],
  obs: Observer,
): { intercept: number; interceptSe: number | null; slope: number; slopeSe: number | null; sigma2: number; sigma2Se: number | null; used: readonly MeasuredEvent[] } {
  const withSurprise = members.filter((ev) => ev.surprise !== undefined);
  const x = withSurprise.map((ev) => ev.surprise!);
  if (withSurprise.length >= 3 && variance(x, 0) > 0) {
    const design = new Float64Array(withSurprise.length * 2);
    x.forEach((v, i) => {
      design[2 * i] = 1;
      design[2 * i + 1] = v;
    });
    const fit = ols(
      withSurprise.map((ev) => obs(ev, ev.bar).e),
      design,
      2,
    );
    const r2 = fit.residuals.map((r) => r * r);
    return {
      intercept: fit.params[0],
      interceptSe: finiteOrNull(fit.bse[0]),
      slope: fit.params[1],
      slopeSe: finiteOrNull(fit.bse[1]),
      sigma2: fit.sigma2,
      sigma2Se: finiteOrNull(std(r2, 1) / Math.sqrt(r2.length)),
      used: withSurprise,
    };
  }
  const ar = members.map((ev) => obs(ev, ev.bar).e);
  const m = mean(ar);
  const v = ar.length >= 2 ? variance(ar, 1) : 0;
  const r2 = ar.map((a) => (a - m) ** 2);
  return {
    intercept: m,
    interceptSe: ar.length >= 2 ? Math.sqrt(v / ar.length) : null,
    slope: 0,
    slopeSe: null,
    sigma2: v,
    sigma2Se: ar.length >= 2 ? finiteOrNull(std(r2, 1) / Math.sqrt(r2.length)) : null,
    used: members,
  };
}

/** Mean ratio per lag j = 1..post (bars below n), with its count and the sample variance of the ratio. */
function lagMoments(members: readonly MeasuredEvent[], obs: Observer, n: number, post: number): { j: number; q: number; n: number; v: number }[] {
  const out: { j: number; q: number; n: number; v: number }[] = [];
  for (let j = 1; j <= post; j++) {
    const ratios: number[] = [];
    for (const ev of members) {
      const t = ev.bar + j;
      if (t < n) ratios.push(obs(ev, t).ratio);
    }
    if (ratios.length >= 2) out.push({ j, q: mean(ratios), n: ratios.length, v: variance(ratios, 1) });
  }
  return out;
}

/** Fits 1 + κ·exp(−λ(j − 1)) to the lag means (module notes). */
function fitShock(members: readonly MeasuredEvent[], obs: Observer, n: number, post: number): { kappa: number; kappaSe: number | null; halfLife: number; halfLifeSe: number | null } {
  const lags = lagMoments(members, obs, n, post);
  if (lags.length === 0) return { kappa: 0, kappaSe: null, halfLife: 1, halfLifeSe: null };
  // κ(λ) minimising Σ n_j (q_j − 1 − κ g_j)², g_j = e^{−λ(j−1)}, κ ≥ 0; and that SSR.
  const profile = (logH: number): { kappa: number; ssr: number } => {
    const lambda = Math.LN2 / Math.exp(logH);
    let sxy = 0;
    let sxx = 0;
    for (const l of lags) {
      const g = Math.exp(-lambda * (l.j - 1));
      sxy += l.n * (l.q - 1) * g;
      sxx += l.n * g * g;
    }
    const kappa = Math.max(0, sxy / sxx);
    let ssr = 0;
    for (const l of lags) ssr += l.n * (l.q - 1 - kappa * Math.exp(-lambda * (l.j - 1))) ** 2;
    return { kappa, ssr };
  };
  const lo = Math.log(0.2);
  const hi = Math.log(200);
  const steps = 120;
  let best = 0;
  let bestSsr = Infinity;
  for (let i = 0; i <= steps; i++) {
    const { ssr } = profile(lo + ((hi - lo) * i) / steps);
    if (ssr < bestSsr) [best, bestSsr] = [i, ssr];
  }
  // Golden-section search between the grid neighbours of the best point.
  let a = lo + ((hi - lo) * Math.max(0, best - 1)) / steps;
  let b = lo + ((hi - lo) * Math.min(steps, best + 1)) / steps;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (profile(c).ssr <= profile(d).ssr) b = d;
    else a = c;
  }
  const logH = 0.5 * (a + b);
  const { kappa } = profile(logH);
  const halfLife = Math.exp(logH);
  if (!(kappa > 0)) return { kappa: 0, kappaSe: null, halfLife, halfLifeSe: null };
  // Sandwich covariance of (κ, λ) for the weighted fit.
  const lambda = Math.LN2 / halfLife;
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let b11 = 0;
  let b12 = 0;
  let b22 = 0;
  for (const l of lags) {
    const g = Math.exp(-lambda * (l.j - 1));
    const dk = g;
    const dl = -kappa * (l.j - 1) * g;
    a11 += l.n * dk * dk;
    a12 += l.n * dk * dl;
    a22 += l.n * dl * dl;
    // Var(q_j) = v_j / n_j, so the middle term is Σ n_j² (v_j/n_j) J Jᵀ = Σ n_j v_j J Jᵀ.
    b11 += l.n * l.v * dk * dk;
    b12 += l.n * l.v * dk * dl;
    b22 += l.n * l.v * dl * dl;
  }
  const det = a11 * a22 - a12 * a12;
  if (!(det > 0)) return { kappa, kappaSe: null, halfLife, halfLifeSe: null };
  const [i11, i12, i22] = [a22 / det, -a12 / det, a11 / det];
  // C = A⁻¹ B A⁻¹ (symmetric 2×2).
  const m11 = i11 * b11 + i12 * b12;
  const m12 = i11 * b12 + i12 * b22;
  const m21 = i12 * b11 + i22 * b12;
  const m22 = i12 * b12 + i22 * b22;
  const c11 = m11 * i11 + m12 * i12;
  const c22 = m21 * i12 + m22 * i22;
  const lambdaSe = Math.sqrt(Math.max(0, c22));
  return {
    kappa,
    kappaSe: finiteOrNull(Math.sqrt(Math.max(0, c11))),
    halfLife,
    halfLifeSe: finiteOrNull((lambdaSe * Math.LN2) / (lambda * lambda)),
  };
}

/** Pre-event drift and variance ratio over bars k − pre..k − 1 (bars ≥ 1). */
function fitPre(members: readonly MeasuredEvent[], obs: Observer, pre: number): { drift: number; driftSe: number | null; varRatio: number; varRatioSe: number | null } {
  const e: number[] = [];
  const ratio: number[] = [];
  for (const ev of members) {
    for (let t = Math.max(1, ev.bar - pre); t < ev.bar; t++) {
      const o = obs(ev, t);
      e.push(o.e);
      ratio.push(o.ratio);
    }
  }
  if (e.length < 2) return { drift: 0, driftSe: null, varRatio: 1, varRatioSe: null };
  const se = (x: number[]): number | null => finiteOrNull(std(x, 1) / Math.sqrt(x.length));
  // With the other events taken out a few ratios can be negative: the estimate is floored at the sampler's
  // smallest multiplier.
  return { drift: mean(e), driftSe: se(e), varRatio: Math.max(MIN_PRE_RATIO, mean(ratio)), varRatioSe: se(ratio) };
}

/**
 * How many bars after an event the sampler applies its variance excess κ·2^{−(j−1)/H} (lag j ≥ 1): the lags
 * where the excess is still at least 1e-3, at most {@link MAX_SHOCK_LAGS}.
 *
 * @example
 * shockLags({ volKappa: 1, halfLife: 3 }); // 30: κ·2^{−29/3} ≥ 1e-3 > κ·2^{−30/3}
 */
export function shockLags(r: Pick<EventResponse, 'volKappa' | 'halfLife'>): number {
  if (!(r.volKappa >= EXCESS_CUTOFF)) return 0;
  return Math.min(MAX_SHOCK_LAGS, 1 + Math.floor(r.halfLife * Math.log2(r.volKappa / EXCESS_CUTOFF)));
}

// ---------------------------------------------------------------------------------------------------

/** The fitted model of one asset (plain JSON). */
export interface EventAssetParams {
  readonly symbol: string;
  /** The GARCH base between events, as the `garch` generator stores an asset (percent units). */
  readonly base: GarchAssetParams;
  /** Mean e²/h of the bars outside every event window under `base`: a diagnostic (module notes); 1 without events. */
  readonly quietRatio: number;
  readonly groups: readonly EventGroup[];
}
