import { describe, expect, it } from 'vitest';
import { buyAndHoldSpec } from '../agents/baselines/buy-and-hold.js';
import { createTradingEnv } from '../envs/trading-env.js';
import { Rng } from '../src/core/rng.js';
import { allocBars } from '../src/data/bars.js';
import { fixedEpisode } from '../src/data/episode-source.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { computeMetrics } from './metrics.js';

function walk(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const b = allocBars('W', n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const open = p * Math.exp(0.002 * rng.normal());
    const close = open * Math.exp(0.01 * rng.normal());
    b.time[i] = Date.UTC(2020, 0, 1) + i * 86_400_000;
    b.open[i] = open;
    b.close[i] = close;
    b.high[i] = Math.max(open, close) * 1.002;
    b.low[i] = Math.min(open, close) * 0.998;
    b.volume[i] = 1e6;
    p = close;
  }
  return b;
}

describe('evaluatePolicy', () => {
  const bars = walk(300, 1);
  const agentFor = (env: ReturnType<typeof createTradingEnv>) =>
    buyAndHoldSpec.create({}, { observationSpace: env.observationSpace, actionSpace: env.actionSpace, rng: Rng.fromSeed(0), actionPositions: env.positions });

  it('records equity log returns that compound to the final equity', () => {
    const env = createTradingEnv({ window: 10, episodeLength: null }, fixedEpisode(bars, 10));
    const trace = evaluatePolicy(env, agentFor(env), Rng.fromSeed(2));
    expect(trace.logReturns.length).toBe(300 - 1 - 10);
    const sum = trace.logReturns.reduce((a, b) => a + b, 0);
    expect(Math.exp(sum) * trace.initialEquity).toBeCloseTo(trace.equity[trace.equity.length - 1], 6);
    expect(trace.cost[0]).toBeGreaterThan(0); // the entry trade pays costs
  });

  it('reports the same performance whatever reward shapes learning', () => {
    const plain = createTradingEnv({ window: 10, episodeLength: null }, fixedEpisode(bars, 10));
    const shaped = createTradingEnv({ window: 10, episodeLength: null, reward: { kind: 'drawdown-penalised', lambda: 5 } }, fixedEpisode(bars, 10));
    const a = evaluatePolicy(plain, agentFor(plain), Rng.fromSeed(2));
    const b = evaluatePolicy(shaped, agentFor(shaped), Rng.fromSeed(2));
    expect([...b.logReturns]).toEqual([...a.logReturns]);
    expect(computeMetrics(b)).toEqual(computeMetrics(a));
    // The shaped env's rewards do differ, so the equality above is not vacuous.
    shaped.reset({ seed: 2 });
    let differs = false;
    for (let i = 0; i < 100; i++) {
      const r = shaped.step(2);
      if (Math.abs(r.reward - (r.info.logReturn as number)) > 1e-12) differs = true;
    }
    expect(differs).toBe(true);
  });
});
