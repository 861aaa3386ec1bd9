import { describe, expect, it } from 'vitest';
import { TradingEnv } from '../envs/trading-env.js';
import { ConfigError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import type { Bars, Panel } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { decorateGenerator, decorationsSchema, DECORATION_VERSION } from './decorate.js';
import { gbm } from './gbm.js';
import type { GbmAssetParams, GbmParams } from './gbm.js';
import { ohlcViolation } from './ohlc.js';

const asset = (symbol: string): GbmAssetParams => ({
  symbol,
  mu: 1e-4,
  sigma: 0.012,
  overnightShare: 0.3,
  volume: { logMean: 14, logStd: 0.4 },
  initialPrice: 100,
});
const params: GbmParams = { assets: [asset('AAA')] };
const pair: GbmParams = { assets: [asset('AAA'), asset('BBB')] };
const opts = { length: 120, paths: 3 };

const PRICES = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

function priceBytes(panels: Panel[]): Buffer {
  const cols = panels.flatMap((panel) => panel.flatMap((b) => PRICES.map((f) => b[f])));
  return Buffer.concat(cols.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

function allBytes(panels: Panel[]): Buffer {
  const spreads = panels.flatMap((panel) => panel.flatMap((b) => (b.spread ? [b.spread] : [])));
  return Buffer.concat([priceBytes(panels), ...spreads.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))]);
}

describe('decorateGenerator: identity and delegation', () => {
  it('names and versions the decorated spec from the inner one', () => {
    const both = decorateGenerator(gbm, { shocks: [{ kind: 'gap', at: 3, size: 0.1 }], sideChannels: {} });
    expect(both.id).toBe('gbm+shocks+side-channels');
    expect(both.version).toBe(gbm.version * 100 + DECORATION_VERSION);
    expect(both.description).toContain('gap');
    expect(both.configSchema).toBe(gbm.configSchema);
    expect(both.inner).toBe(gbm);
    expect(decorateGenerator(gbm, { shocks: [{ kind: 'gap', at: 3, size: 0.1 }] }).id).toBe('gbm+shocks');
    expect(decorateGenerator(gbm, { sideChannels: {} }).id).toBe('gbm+side-channels');
    const plain = decorateGenerator(gbm, {});
    expect([plain.id, plain.version]).toEqual([gbm.id, gbm.version]);
  });

  it('fit delegates to the inner generator', () => {
    const [train] = gbm.sample(params, Rng.fromSeed('train'), { length: 500, paths: 1 });
    const decorated = decorateGenerator(gbm, { sideChannels: {} });
    expect(decorated.fit(train, { sigma: 0.02 }, {})).toEqual(gbm.fit(train, { sigma: 0.02 }, {}));
  });

  it('validates decorations up front, naming the experiment key', () => {
    expect(decorationsSchema.parse({})).toEqual({ shocks: [] });
    const pathOf = (run: () => unknown): string => {
      try {
        run();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).path;
      }
      throw new Error('expected a ConfigError');
    };
    expect(pathOf(() => decorateGenerator(gbm, { sideChannels: { minSpreadBps: -1 } }))).toBe('generator.sideChannels.minSpreadBps');
    expect(pathOf(() => decorateGenerator(gbm, { shocks: [{ kind: 'flash-crash', at: 1, depth: 2 }] }))).toBe('generator.shocks.0.depth');
    expect(pathOf(() => decorateGenerator(gbm, { shocks: [], sidechannels: {} } as never))).toBe('generator.sidechannels');
  });
});

describe('decorateGenerator: randomness', () => {
  it('leaves the underlying paths and the caller rng exactly as undecorated', () => {
    const decorated = decorateGenerator(gbm, {
      shocks: [{ kind: 'liquidity-shock', at: 'random', volumeFactor: 1, spreadFactor: 4 }],
      sideChannels: {},
    });
    const rngA = Rng.fromSeed(21);
    const rngB = Rng.fromSeed(21);
    const plain = gbm.sample(params, rngA, opts);
    const dressed = decorated.sample(params, rngB, opts);
    expect(priceBytes(dressed).equals(priceBytes(plain))).toBe(true); // a volume factor of 1 moves no price
    expect(rngB.state()).toEqual(rngA.state());
    for (const panel of dressed) expect(panel[0].spread).toBeDefined();
  });

  it('shocks the inner path exactly: a gap scales every later price by e^g', () => {
    const g = -0.15;
    const decorated = decorateGenerator(gbm, { shocks: [{ kind: 'gap', at: 60, size: g }] });
    const plain = gbm.sample(params, Rng.fromSeed(8), opts);
    const paths = decorated.sampleDecorated(params, Rng.fromSeed(8), opts);
    paths.forEach((path, p) => {
      const [inner, out] = [plain[p][0], path.panel[0]];
      expect(path.applied).toEqual([{ kind: 'gap', at: 60 }]);
      expect(path.channels).toBeNull();
      expect(out.close.subarray(0, 60)).toEqual(inner.close.subarray(0, 60));
      for (let s = 60; s < opts.length; s++) expect(out.close[s]).toBe(inner.close[s] * Math.exp(g));
    });
  });

  it('is deterministic in the rng state, and fresh on every call from an advancing stream', () => {
    const decorated = decorateGenerator(gbm, { shocks: [{ kind: 'flash-crash', at: 'random', depth: 0.1 }], sideChannels: {} });
    const a = decorated.sample(params, Rng.fromSeed(3), opts);
    const b = decorated.sample(params, Rng.fromSeed(3), opts);
    expect(allBytes(a).equals(allBytes(b))).toBe(true);

    // The mixed episode source samples one path after another from one advancing rng.
    const stream = Rng.fromSeed(4);
    const shockBars = (): number[] => decorated.sampleDecorated(params, stream, { length: 500, paths: 4 }).map((p) => p.applied[0].at);
    expect(shockBars()).not.toEqual(shockBars());
  });

  it('hits every asset of a path at the same bar (market-wide shocks), with per-asset side-channel noise', () => {
    const decorated = decorateGenerator(gbm, {
      shocks: [{ kind: 'flash-crash', at: 'random', depth: 0.2, recovery: 0 }],
      sideChannels: {},
    });
    const plain = gbm.sample(pair, Rng.fromSeed(5), opts);
    const paths = decorated.sampleDecorated(pair, Rng.fromSeed(5), opts);
    paths.forEach((path, p) => {
      const at = path.applied[0].at;
      for (let k = 0; k < 2; k++) {
        expect(path.panel[k].close[at]).toBe(plain[p][k].close[at] * (1 - 0.2));
        expect(ohlcViolation(path.panel[k])).toBeUndefined();
      }
      expect(path.channels![0].imbalance).not.toEqual(path.channels![1].imbalance);
    });
  });

  it('feeds the liquidity shocks into the side-channel spread as its stress multiplier', () => {
    const side = { minSpreadBps: 0 };
    const calm = decorateGenerator(gbm, { sideChannels: side }).sample(params, Rng.fromSeed(6), opts);
    const shocked = decorateGenerator(gbm, {
      shocks: [{ kind: 'liquidity-shock', at: 40, volumeFactor: 0.5, spreadFactor: 6, halfLife: 3 }],
      sideChannels: side,
    }).sample(params, Rng.fromSeed(6), opts);
    for (let p = 0; p < opts.paths; p++) {
      for (let s = 0; s < opts.length; s++) {
        const m = s < 40 ? 1 : 1 + 5 * Math.pow(2, -(s - 40) / 3);
        expect(shocked[p][0].spread![s] / calm[p][0].spread![s]).toBeCloseTo(m, 12);
      }
    }
  });
});

describe('decorated bars drive the trading env cost model', () => {
  it('charges |Δq|·p·spread/2 with the side-channel spread of the fill bar', () => {
    const decorated = decorateGenerator(gbm, {
      shocks: [{ kind: 'volatility-spike', at: 30, multiplier: 5 }],
      sideChannels: { baseSpreadBps: 8, minSpreadBps: 1 },
    });
    const [panel] = decorated.sample(params, Rng.fromSeed(12), { length: 80, paths: 1 });
    const bars: Bars = panel[0];
    const spread = bars.spread!;
    const costs = { spreadBps: 2, impactK: 0.1, commissionBps: 1, commissionMin: 0, borrowBpsPerYear: 0 };
    const env = new TradingEnv({ window: 5, episodeLength: null, costs }, fixedEpisode(bars, 25, 60, 'synthetic'));
    env.reset({ seed: 0 });

    let shares = 0;
    const actions = [2, 2, 0, 1, 2, 0, 2, 1]; // long, hold (no trade), short, flat, long, short, long, flat: 7 trades
    let trades = 0;
    actions.forEach((action, i) => {
      const fill = 25 + i + 1;
      const r = env.step(action);
      const dq = r.info.shares - shares;
      shares = r.info.shares;
      const expected = (Math.abs(dq) * bars.open[fill] * spread[fill]) / 2;
      expect(r.info.costSpread).toBeCloseTo(expected, 8);
      if (dq !== 0) {
        trades++;
        expect(r.info.costSpread).not.toBeCloseTo((Math.abs(dq) * bars.open[fill] * 2e-4) / 2, 2); // not the flat 2 bps fallback
      }
    });
    expect(trades).toBe(7);
    expect(Math.max(...spread.subarray(30, 40))).toBeGreaterThan(2 * spread[20]); // the spike widened the quotes
  });
});

describe('decorateGenerator: errors at sampling time', () => {
  it('names the experiment key of a fixed shock bar beyond the sampled path', () => {
    const decorated = decorateGenerator(gbm, { shocks: [{ kind: 'gap', at: 200, size: 0.1 }] });
    try {
      decorated.sample(params, Rng.fromSeed(1), { length: 100, paths: 1 });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).path).toBe('generator.shocks.0.at');
    }
  });
});
