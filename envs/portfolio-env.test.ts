import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { fixedPanelEpisode } from '../src/data/panel-episode-source.js';
import type { PanelEpisodeSource } from '../src/data/panel-episode-source.js';
import { createPortfolioEnv, PortfolioEnv, portfolioEnvSchema, portfolioEnvSpec } from './portfolio-env.js';
import type { PortfolioEnvInput } from './portfolio-env.js';

const E0 = 1_000_000;
const NO_COSTS = { spreadBps: 0, impactK: 0, commissionBps: 0, commissionMin: 0 };
const DAY = 86_400_000;

/** Weekday epoch-ms times from Monday 2024-01-01 (a fresh array per call). */
function weekdayTimes(n: number): Float64Array {
  const out = new Float64Array(n);
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    while (new Date(t).getUTCDay() % 6 === 0) t += DAY;
    out[i] = t;
    t += DAY;
  }
  return out;
}

/** Seeded random walks with valid OHLCV and shared weekday times. */
function randomPanel(seed: string, assets: number, n: number): Panel {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: assets }, (_, k): Bars => {
    const [open, high, low, close, volume] = [0, 1, 2, 3, 4].map(() => new Float64Array(n));
    let prev = 50 + 50 * rng.uniform();
    for (let i = 0; i < n; i++) {
      open[i] = prev * Math.exp(0.004 * rng.normal());
      close[i] = open[i] * Math.exp(0.012 * rng.normal());
      high[i] = Math.max(open[i], close[i]) * (1 + 0.004 * rng.uniform());
      low[i] = Math.min(open[i], close[i]) * (1 - 0.004 * rng.uniform());
      volume[i] = 2e5 * Math.exp(0.4 * rng.normal());
      prev = close[i];
    }
    return { symbol: `S${k}`, time: weekdayTimes(n), open, high, low, close, volume, length: n };
  });
}

function env(config: PortfolioEnvInput, source: PanelEpisodeSource): PortfolioEnv {
  return new PortfolioEnv({ initialEquity: E0, costs: NO_COSTS, ...config }, source);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const bytes = (x: Float32Array): Uint8Array => new Uint8Array(x.slice().buffer);

describe('portfolio-v0 observations', () => {
  const panel = randomPanel('obs', 3, 60);

  it('is asset-major: each asset’s last `window` log returns × returnScale, then N weights, then cash', () => {
    const e = env({ window: 4, episodeLength: null, returnScale: 100 }, fixedPanelEpisode(panel, 10));
    const { obs, info } = e.reset();
    expect(obs.length).toBe(3 * 4 + 3 + 1);
    expect(e.observationSpace.size).toBe(16);
    expect(info.t).toBe(10);
    expect(info.time).toBe(panel[0].time[10]);
    for (let i = 0; i < 3; i++) {
      const c = panel[i].close;
      for (let k = 0; k < 4; k++) expect(obs[4 * i + k]).toBe(Math.fround(Math.log(c[7 + k] / c[6 + k]) * 100));
    }
    expect(Array.from(obs.subarray(12))).toEqual([0, 0, 0, 1]); // all cash

    const r = e.step(Float32Array.of(0.2, 0.3, 0.4)); // filled at open[11], marked at close[11]
    expect(r.info.t).toBe(11);
    for (let i = 0; i < 3; i++) {
      const c = panel[i].close;
      for (let k = 0; k < 4; k++) expect(r.obs[4 * i + k]).toBe(Math.fround(Math.log(c[8 + k] / c[7 + k]) * 100));
      const w = (r.info.shares[i] * c[11]) / r.info.equity;
      expect(r.info.weights[i]).toBe(w);
      expect(r.obs[12 + i]).toBe(Math.fround(w));
    }
    expect(r.obs[15]).toBe(Math.fround(r.info.cash / r.info.equity));
    const sum = r.info.weights.reduce((s, w) => s + w, 0) + r.info.cash / r.info.equity;
    expect(sum).toBeCloseTo(1, 12);
    const invested = Math.fround(0.2) + Math.fround(0.3) + Math.fround(0.4); // float32 actions
    expect(r.info.cash / E0).toBeCloseTo(1 - invested, 12); // no costs: the rest stays in cash
    expect(e.observationSpace.contains(r.obs)).toBe(true);
  });

  it('fills at the next opens from pre-trade equity (hand-computed, no costs)', () => {
    const e = env({ window: 4, episodeLength: null }, fixedPanelEpisode(panel, 10));
    e.reset();
    const o = (i: number, f: number): number => panel[i].open[f];
    const c = (i: number, f: number): number => panel[i].close[f];
    const w1 = [0.5, 0.25, 0]; // exactly representable in float32
    let r = e.step(Float32Array.from(w1));
    const q1 = w1.map((w, i) => (w * E0) / o(i, 11));
    expect(r.info.shares[0]).toBeCloseTo(q1[0], 9);
    const eq11 = 0.25 * E0 + q1[0] * c(0, 11) + q1[1] * c(1, 11);
    expect(r.info.equity / eq11).toBeCloseTo(1, 12);
    expect(r.reward).toBeCloseTo(Math.log(eq11 / E0), 12);
    expect(r.info.tradedNotional).toBeCloseTo(0.75 * E0, 6);

    // Rebalance at t = 11 to [0, 0.5, 0.5]: sized from the equity at open[12].
    r = e.step(Float32Array.of(0, 0.5, 0.5));
    const eqOpen = 0.25 * E0 + q1[0] * o(0, 12) + q1[1] * o(1, 12);
    const q2 = [0, (0.5 * eqOpen) / o(1, 12), (0.5 * eqOpen) / o(2, 12)];
    const eq12 = q2[1] * c(1, 12) + q2[2] * c(2, 12);
    for (let i = 0; i < 3; i++) expect(r.info.shares[i]).toBeCloseTo(q2[i], 9);
    expect(r.info.equity / eq12).toBeCloseTo(1, 12);
    expect(r.reward).toBeCloseTo(Math.log(eq12 / eq11), 12);
  });
});

describe('portfolio-v0 actions', () => {
  const panel = randomPanel('actions', 3, 60);
  const source = fixedPanelEpisode(panel, 10);

  it('scales a gross above the leverage limit down to Σ|w| = L, keeping proportions', () => {
    const e = env({ window: 4, allowShort: true, leverage: 1 }, source);
    e.reset();
    const a = Float32Array.of(0.8, -0.6, 0.2);
    const gross = Math.abs(a[0]) + Math.abs(a[1]) + Math.abs(a[2]);
    const r = e.step(a);
    const { targets, shares } = r.info;
    for (let i = 0; i < 3; i++) {
      expect(targets[i]).toBeCloseTo(a[i] / gross, 15);
      expect((shares[i] * panel[i].open[11]) / E0).toBeCloseTo(a[i] / gross, 12); // no costs: filled on target
    }
    expect(Math.abs(targets[0]) + Math.abs(targets[1]) + Math.abs(targets[2])).toBeCloseTo(1, 15);
    expect(targets[0]).toBeCloseTo(0.5, 6);
    expect(targets[1]).toBeCloseTo(-0.375, 6);
  });

  it('leaves a gross within the limit unchanged, and borrows cash when L > 1', () => {
    const e = env({ window: 4, leverage: 2 }, source);
    e.reset();
    let r = e.step(Float32Array.of(0.5, 0.25, 0.125));
    expect(Array.from(r.info.targets)).toEqual([0.5, 0.25, 0.125]);
    r = e.step(Float32Array.of(1.5, 1.5, 0)); // gross 3 > 2: scaled to [1, 1, 0]
    expect(Array.from(r.info.targets)).toEqual([1, 1, 0]);
    const equityAtOpen = r.info.cash + r.info.shares[0] * panel[0].open[12] + r.info.shares[1] * panel[1].open[12];
    expect(r.info.cash / equityAtOpen).toBeCloseTo(-1, 12); // a loan of one equity, at zero interest
    expect(r.obs[r.obs.length - 1]).toBeLessThan(-0.9);
    const next = e.step(Float32Array.of(1, 1, 0)); // the loan's balance does not grow by itself
    expect(next.info.cash).toBeCloseTo(r.info.cash - (next.info.shares[0] - r.info.shares[0]) * panel[0].open[13] - (next.info.shares[1] - r.info.shares[1]) * panel[1].open[13], 6);
  });

  it('is long-only by default: the Box is [0, L] and negative weights are rejected', () => {
    const e = env({ window: 4, leverage: 1.5 }, source);
    expect(Array.from(e.actionSpace.low)).toEqual([0, 0, 0]);
    expect(Array.from(e.actionSpace.high)).toEqual([1.5, 1.5, 1.5]);
    expect(Array.from(env({ window: 4, allowShort: true }, source).actionSpace.low)).toEqual([-1, -1, -1]);
    e.reset();
    const err = caught(() => e.step(Float32Array.of(-0.25, 0.5, 0.5)));
    expect(err).toMatchObject({ code: 'E_INVALID_ACTION' });
    expect((err as Error).message).toMatch(/-0\.25.*Box\(3,\)/);
    expect(e.step(Float32Array.of(0, 0.5, 0.5)).terminated).toBe(false); // still usable
  });

  it('throws InvalidActionError for values outside the Box, NaN, wrong length or type', () => {
    const e = env({ window: 4, allowShort: true }, source);
    e.reset();
    const bad: unknown[] = [
      Float32Array.of(1.5, 0, 0),
      Float32Array.of(0, -1.01, 0),
      Float32Array.of(0, Number.NaN, 0),
      Float32Array.of(0.5, 0.5),
      [0.1, 0.2, 0.3],
      0.5,
    ];
    for (const a of bad) expect(caught(() => e.step(a as Float32Array))).toMatchObject({ code: 'E_INVALID_ACTION' });
    expect((caught(() => e.step(Float32Array.of(0, 0, 2))) as Error).message).toMatch(/weight 2 = 2 outside \[-1, 1\]/);
  });
});

describe('portfolio-v0 episode ends', () => {
  it('terminates on ruin after a −60% gap in the held asset, then needs a reset', () => {
    const panel = randomPanel('ruin', 3, 40);
    const a = panel[0];
    for (const col of [a.open, a.high, a.low, a.close]) for (let i = 22; i < 40; i++) col[i] *= 0.4;
    const e = env({ window: 5, episodeLength: null, ruinFloor: 0.5 }, fixedPanelEpisode(panel, 20));
    e.reset();
    let r = e.step(Float32Array.of(1, 0, 0)); // filled at open[21]
    expect(r.terminated).toBe(false);
    const shares = r.info.shares[0];
    r = e.step(Float32Array.of(1, 0, 0)); // open[22] gaps down: equity ≈ 0.4 of the last close
    expect(r.info.equity).toBeCloseTo(r.info.cash + shares * a.close[22], 6);
    expect(r.info.equity).toBeLessThan(0.5 * E0);
    expect(r.terminated).toBe(true);
    expect(r.truncated).toBe(false);
    expect(caught(() => e.step(Float32Array.of(0, 0, 0)))).toMatchObject({ code: 'E_RESET_NEEDED' });
    e.reset();
    expect(e.step(Float32Array.of(0, 0, 0)).terminated).toBe(false);
  });

  it('truncates when the fill bar is the last bar of the window', () => {
    const e = env({ window: 5, episodeLength: null }, fixedPanelEpisode(randomPanel('trunc', 2, 50), 30, 40));
    e.reset();
    for (let i = 0; i < 8; i++) expect(e.step(Float32Array.of(0.5, 0.5)).truncated).toBe(false);
    const last = e.step(Float32Array.of(0.5, 0.5));
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    expect(last.info.t).toBe(39);
    expect(caught(() => e.step(Float32Array.of(0, 0)))).toMatchObject({ code: 'E_RESET_NEEDED' });
  });

  it('truncates after episodeLength decisions at a start drawn inside the window', () => {
    const e = env({ window: 5, episodeLength: 7 }, fixedPanelEpisode(randomPanel('len', 2, 60), 10));
    for (let seed = 0; seed < 10; seed++) {
      const start = e.reset({ seed }).info.t;
      expect(start).toBeGreaterThanOrEqual(10);
      expect(start).toBeLessThanOrEqual(60 - 7 - 1);
      let steps = 0;
      let r;
      do {
        r = e.step(Float32Array.of(0.3, 0.3));
        steps++;
      } while (!r.truncated && steps < 100);
      expect(steps).toBe(7);
      expect(r.info.t).toBe(start + 7);
    }
  });

  it('throws ResetNeededError before the first reset', () => {
    const e = env({ window: 5 }, fixedPanelEpisode(randomPanel('x', 2, 40), 10));
    expect(caught(() => e.step(Float32Array.of(0, 0)))).toMatchObject({ code: 'E_RESET_NEEDED' });
  });
});

describe('portfolio-v0 seeding', () => {
  const source = fixedPanelEpisode(randomPanel('seed', 3, 300), 30);
  const config = { window: 10, episodeLength: 20, allowShort: true, costs: {} };

  function trace(e: PortfolioEnv, seed: number): { start: number; obs: Uint8Array[]; rewards: number[] } {
    const first = e.reset({ seed });
    const obs = [bytes(first.obs)];
    const rewards: number[] = [];
    const actionRng = Rng.fromSeed('policy');
    for (let k = 0; k < 20; k++) {
      const r = e.step(e.actionSpace.sample(actionRng));
      obs.push(bytes(r.obs));
      rewards.push(r.reward);
    }
    return { start: first.info.t, obs, rewards };
  }

  it('same seed and actions → same start, byte-identical observations and identical rewards', () => {
    const a = trace(createPortfolioEnv(config, source), 7);
    const b = trace(createPortfolioEnv(config, source), 7);
    expect(b.start).toBe(a.start);
    expect(b.obs).toEqual(a.obs);
    expect(b.rewards).toEqual(a.rewards);
  });

  it('different seeds → different starts; no seed continues the stream', () => {
    const e = createPortfolioEnv(config, source);
    const starts = new Set<number>();
    for (let seed = 0; seed < 10; seed++) starts.add(e.reset({ seed }).info.t);
    expect(starts.size).toBeGreaterThanOrEqual(8);
    const first = e.reset({ seed: 3 }).info.t;
    const unseeded = new Set<number>();
    for (let i = 0; i < 5; i++) unseeded.add(e.reset().info.t);
    expect(unseeded.size).toBeGreaterThan(1);
    expect(e.reset({ seed: 3 }).info.t).toBe(first);
  });
});

describe('portfolio-v0 data errors', () => {
  const reset = (panel: Panel, start = 10, assets = panel.length): unknown =>
    caught(() => env({ window: 5 }, { assets, next: () => ({ panel, start, end: panel[0].length, origin: 'real' }) }).reset());

  it('rejects a misaligned panel naming the asset and the first differing bar', () => {
    const panel = randomPanel('mis', 3, 40);
    panel[2].time[17] += 3_600_000;
    const e = reset(panel);
    expect(e).toMatchObject({ code: 'E_DATA', field: 'time', file: expect.stringContaining('"S2"') });
    expect((e as Error).message).toMatch(/bar index 17\b/);
    const short = randomPanel('mis', 2, 40);
    expect(reset([short[0], { ...short[1], length: 39 }])).toMatchObject({ code: 'E_DATA', field: 'length' });
  });

  it('rejects NaN and non-positive prices naming the asset, field and index', () => {
    const nan = randomPanel('bad', 3, 40);
    nan[1].close[7] = Number.NaN;
    const e1 = reset(nan);
    expect(e1).toMatchObject({ code: 'E_DATA', field: 'close', file: expect.stringContaining('"S1"') });
    expect((e1 as Error).message).toMatch(/index 7\b/);
    const zero = randomPanel('bad', 3, 40);
    zero[2].open[33] = 0;
    const e2 = reset(zero);
    expect(e2).toMatchObject({ code: 'E_DATA', field: 'open', file: expect.stringContaining('"S2"') });
    expect((e2 as Error).message).toMatch(/index 33\b/);
  });

  it('rejects a panel whose width differs from the source’s, and bounds that do not fit', () => {
    const panel = randomPanel('w', 2, 40);
    expect(reset(panel, 10, 3)).toMatchObject({ code: 'E_DATA', field: 'assets' });
    expect(reset(panel, 4)).toMatchObject({ code: 'E_DATA', field: 'start' });
    expect(reset(panel, 39)).toMatchObject({ code: 'E_DATA', field: 'end' });
    expect(reset(panel, 38)).toBeUndefined(); // the smallest valid episode
  });
});

describe('portfolio-v0 config and spec', () => {
  const source = fixedPanelEpisode(randomPanel('spec', 2, 40), 10);

  it('has the documented defaults', () => {
    const c = portfolioEnvSchema.parse({});
    expect(c).toMatchObject({
      window: 30,
      initialEquity: 1_000_000,
      ruinFloor: 0.5,
      episodeLength: 252,
      returnScale: 100,
      leverage: 1,
      allowShort: false,
      rebalanceThreshold: 0,
    });
    expect(c.costs.spreadBps).toBe(2);
  });

  it('converts config errors to ConfigError with the key path', () => {
    const path = (config: unknown): unknown => caught(() => createPortfolioEnv(config, source));
    expect(path({ leverage: 0 })).toMatchObject({ code: 'E_CONFIG', path: 'env.leverage' });
    expect(path({ rebalanceThreshold: -0.1 })).toMatchObject({ code: 'E_CONFIG', path: 'env.rebalanceThreshold' });
    expect(path({ allowShort: 'yes' })).toMatchObject({ code: 'E_CONFIG', path: 'env.allowShort' });
    expect(path({ costs: { impactK: -1 } })).toMatchObject({ code: 'E_CONFIG', path: 'env.costs.impactK' });
    expect(path({ positions: [0, 1] })).toMatchObject({ code: 'E_CONFIG' });
  });

  it('creates portfolio-v0 from the spec with a panel source in ctx.panelSource', () => {
    expect(portfolioEnvSpec.id).toBe('portfolio-v0');
    const e = portfolioEnvSpec.create({ window: 4 }, { panelSource: source });
    expect(e.observationSpace.contains(e.reset({ seed: 1 }).obs)).toBe(true);
    expect(e.actionSpace.toString()).toBe('Box(2,)');
  });

  it('rejects a missing panel source (ctx.panelSource) and a single-asset source (constructor)', () => {
    const single = fixedEpisode(randomPanel('one', 1, 40)[0], 10);
    expect(caught(() => portfolioEnvSpec.create({}, { source: single }))).toMatchObject({ code: 'E_CONFIG', path: 'ctx.panelSource' });
    expect(caught(() => portfolioEnvSpec.create({}))).toMatchObject({ code: 'E_CONFIG', path: 'ctx.panelSource' });
    expect(caught(() => createPortfolioEnv({}, single as unknown as PanelEpisodeSource))).toMatchObject({ code: 'E_CONFIG', path: 'ctx.source' });
  });

  it('reuses the observation buffer, the step result and the info arrays', () => {
    const e = env({ window: 4, episodeLength: null }, source);
    const { obs, info } = e.reset();
    const r1 = e.step(Float32Array.of(0.5, 0.5));
    const r2 = e.step(Float32Array.of(0.25, 0.5));
    expect(r1).toBe(r2);
    expect(r1.obs).toBe(obs);
    expect(r1.info).toBe(info);
    expect(r2.info.weights).toBe(info.weights);
    expect(e.reset().info.weights).toBe(info.weights);
  });
});
