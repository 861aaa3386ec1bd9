/**
 * Leak probe: the framework's sanity check. An env whose observation contains the return the action is about to
 * earn must be exploited almost perfectly by every learning agent; one that cannot (a one-step misalignment of
 * observation, action and reward, a broken update, a truncation mishandled) is broken, a failure other trading
 * frameworks' issue trackers report.
 *
 * Construction (fixtures in tests/fixtures/known-answer.ts):
 * - Series: a driftless Gaussian random walk in log price, σ = 1% per bar, 21,000 gapless bars (open[i] =
 *   close[i−1]), seeded. Bars 0–19,999 train, 20,000–20,999 test. Nothing in it is predictable from the past.
 *   The long training segment matters: on a 2,000-bar one DQN memorises the path through the five noise
 *   returns of the window (more training makes it worse) and its sign accuracy stalls at 0.94–0.97.
 * - Env: `trading-v0` from the env registry, positions {−1, 0, +1}, a 5-return window (×100), next-open fills,
 *   plus a deliberately leaky FeatureSource (`nextReturnLeak`) whose row t is ln(close[t+1]/close[t])·100.
 *   The observation at decision bar t is therefore [r_{t−4} … r_t, r_{t+1}, weight held] (×100 for returns).
 *   On gapless bars the position chosen at t earns exactly bar t+1's return, so the leaked value is the return
 *   the action earns (the first test pins this).
 * - Costs: spread 1 bp, no commission, impact or borrow: c = 0.5 bp per unit of weight, against E|g| ≈ 80 bps.
 * - Oracle: the dynamic-programming optimum over the known path (long when the leak is positive, short when
 *   negative, except where a move is smaller than the switching cost).
 * - Training and evaluation: as in tests/known-answer-trading.test.ts (KNOWN_ANSWER_CONFIG, 100k env steps on
 *   4 envs, 32-decision episodes, reward in percent, seed 1); deterministic actions over the whole test segment.
 *
 * Thresholds:
 * - Sign accuracy ≥ 0.95: the fraction of test steps whose position has the sign of the leaked return. An agent
 *   whose decision boundary in the leaked value is off by ε (in units of σ) gets wrong the steps with |g| < εσ,
 *   a fraction ≈ 2φ(0)·ε ≈ 0.8ε, so 0.95 puts the boundary within ~0.06σ (6 bps of a 100 bps move) of the
 *   oracle's. Ignoring the leak scores ~0.5 (always long) or ~1/3 (random).
 * - Mean log return ≥ 0.9 × the oracle's: a policy that gets a random fraction q of signs wrong earns
 *   (1 − 2q)·E|g|, so 0.9 allows at most ~5% random errors (errors at |g| ≈ 0 cost far less).
 *
 * Achieved in development (this configuration, seeds 1–5): PPO sign accuracy 0.983–0.991, DQN 0.971–0.987; both
 * ≥ 0.998 × the oracle's mean log return (0.77% per step; buy-and-hold 0.01%). Seed 1 runs here.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { EquityTrace } from '../evaluators/metrics.js';
import {
  KNOWN_ANSWER_AGENTS,
  ScheduleAgent,
  agentContext,
  evaluate,
  momentumSchedule,
  nextReturnLeak,
  oracleSchedule,
  randomWalkBars,
  registries,
  skipReason,
  tradingEnv,
  trainAgent,
  unitCost,
} from './fixtures/known-answer.js';
import type { Evaluation } from './fixtures/known-answer.js';

const REG = registries();
const POSITIONS = [-1, 0, 1];
const LONG = POSITIONS.indexOf(1);
const WINDOW = 5;
const RETURN_SCALE = 100;
const SEED = 1;

/** Per-bar volatility of the random walk (log returns). */
const SIGMA = 0.01;
const TEST_START = 20_000;
const BARS = randomWalkBars(TEST_START + 1000, SIGMA, Rng.fromSeed('leak-probe-walk'));
const LEAK = nextReturnLeak(RETURN_SCALE);
const COSTS = { spreadBps: 1, commissionBps: 0 };
const ENV_CONFIG = { window: WINDOW, positions: POSITIONS, returnScale: RETURN_SCALE, costs: { ...COSTS, impactK: 0, borrowBpsPerYear: 0 } };

/** The test episode: the whole test segment, book flat on the bar before it, no ruin cut-off. */
function testEnv() {
  return tradingEnv(REG.envs, { ...ENV_CONFIG, episodeLength: null, ruinFloor: 0 }, BARS, TEST_START - 1, BARS.length, LEAK);
}

function playSchedule(schedule: Int32Array): Evaluation {
  const env = testEnv();
  return evaluate(env, new ScheduleAgent(schedule, agentContext(env, Rng.fromSeed(0))));
}

const ORACLE = oracleSchedule(BARS, TEST_START - 1, BARS.length, POSITIONS, unitCost(COSTS));

/** Fraction of steps whose held weight has the sign of the return leaked at that step's decision. */
function signAccuracy(trace: EquityTrace): number {
  let hits = 0;
  for (let i = 0; i < trace.position.length; i++) {
    const t = TEST_START - 1 + i;
    if (Math.sign(trace.position[i]) === Math.sign(BARS.close[t + 1] - BARS.close[t])) hits++;
  }
  return hits / trace.position.length;
}

describe('leak probe fixtures', () => {
  it('the leaked value is the log return the step then earns (held long: equal up to the entry cost)', () => {
    const env = testEnv();
    let obs = env.reset({ seed: 0 }).obs;
    let worst = 0;
    for (let i = 0; ; i++) {
      const leaked = obs[WINDOW] / RETURN_SCALE;
      const r = env.step(LONG);
      // From the second step on nothing trades, so the log return is ln(1 + w·(e^g − 1)) with w the weight
      // held: 1 plus the entry cost carried as negative cash, w − 1 = cost/equity ≈ 1e-4 at most here. So
      // |logReturn − g| ≲ 1e-4·|g|, plus the Float32 rounding of the leak (~1e-9). A one-bar misalignment would
      // be off by the whole return (relative error ~1).
      if (i > 0) worst = Math.max(worst, Math.abs(r.info.logReturn - leaked) / (Math.abs(leaked) + 1e-6));
      if (r.terminated || r.truncated) break;
      obs = r.obs;
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('only the leak is exploitable: the oracle earns ~E|g| per step, the last observed return and buy-and-hold nothing', () => {
    const oracle = playSchedule(ORACLE);
    expect(signAccuracy(oracle.trace)).toBeGreaterThan(0.98);
    // E|g| = σ·√(2/π) ≈ 0.80% per bar; the oracle pays at most 1 bp per switch.
    expect(oracle.meanLogReturn).toBeGreaterThan(0.0075);
    // The same sign rule one bar late (the last observed return: a timing slip) and buy-and-hold hold ±1
    // positions on a driftless walk: mean 0 with standard error σ/√n ≈ 0.032% per step; bound them by 4 SE.
    const lagged = playSchedule(momentumSchedule(BARS, TEST_START - 1, BARS.length, POSITIONS));
    const env = testEnv();
    const buyAndHold = evaluate(env, REG.agents.get('buy-and-hold').create({}, agentContext(env, Rng.fromSeed(0))));
    const bound = (4 * SIGMA) / Math.sqrt(oracle.trace.logReturns.length);
    expect(Math.abs(lagged.meanLogReturn)).toBeLessThan(bound);
    expect(Math.abs(buyAndHold.meanLogReturn)).toBeLessThan(bound);
    expect(bound).toBeLessThan(0.2 * oracle.meanLogReturn);
  });
});

describe.each(KNOWN_ANSWER_AGENTS)('%s on the leak probe', (id) => {
  const skip = skipReason(REG.agents, id);
  const note = skip === undefined ? '' : ` (skipped: ${skip})`;

  it.skipIf(skip !== undefined)(`exploits the leaked next return: sign accuracy ≥ 0.95 and mean log return ≥ 0.9 × the oracle's${note}`, async () => {
    const oracle = playSchedule(ORACLE);
    const agent = await trainAgent(REG, id, { env: ENV_CONFIG, bars: BARS, start: WINDOW, end: TEST_START, features: LEAK, seed: SEED });
    let result: Evaluation;
    try {
      result = evaluate(testEnv(), agent);
    } finally {
      agent.dispose();
    }
    expect(signAccuracy(result.trace)).toBeGreaterThanOrEqual(0.95);
    expect(result.meanLogReturn).toBeGreaterThanOrEqual(0.9 * oracle.meanLogReturn);
  });
});
