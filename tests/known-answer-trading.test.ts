/**
 * Known-answer trading tasks: markets whose optimal policy is known, on which every learning agent must find
 * it. From the issue: "the trained agent's test Sharpe reaches ≥ 80% of the oracle policy's and beats
 * buy-and-hold; with costs above the edge it learns to stay flat."
 *
 * Construction (fixtures in tests/fixtures/known-answer.ts):
 * - Env: `trading-v0` from the env registry, positions {−1, 0, +1}, a 10-return window (×100), next-open
 *   fills. The bars are gapless (open[i] = close[i−1]), so the position chosen at t earns exactly bar t+1's
 *   close-to-close return g_t (the first test below pins this timing). Costs are half-spread + commission only
 *   (impact and borrow 0), so one unit of weight traded costs c = spreadBps/2 + commissionBps (in bps).
 * - Laws, each with a training segment and a later, unseen test segment of the same law:
 *   · sine: ln close[i] = ln 100 + 0.02·sin(2π·i/17.3). Bars 0–1999 train, 2000–2999 test (the non-integer
 *     period puts the test on phases training never showed exactly). Per-bar moves reach 2A·sin(π/P) = 0.72%
 *     (0.46% on average).
 *   · AR(1) momentum: r_i = 0.5·r_{i−1} + 1%·ε_i. Bars 0–19,999 train, 20,000–20,999 test. The edge is
 *     φ·E|r| = 0.5·1.155%·√(2/π) = 0.46% per bar. (With only 2,000 training bars DQN memorises the path
 *     through the nine irrelevant window returns and reaches ~0.4–0.65 of the oracle's Sharpe; 20,000 bars
 *     remove that.)
 * - Costs below the edge: spread 2 bps + commission 1 bp, c = 2 bps, ≥ 20× below either law's per-bar edge.
 *   Costs above the edge (sine): commission 500 bps, c = 5.01% > e^{2A} − 1 = 4.08%, the largest gain any
 *   position can make over any holding period (the log price spans 2A). Every trade from flat therefore loses
 *   whatever follows, and staying flat is the unique optimum.
 * - Oracles, evaluated on the test segment through the same env: sine — the dynamic-programming optimum over
 *   the known path (it knows the deterministic law, costs included); AR(1) — long after an up bar, short after
 *   a down bar (the sign of E[r_{t+1} | r_t], Bayes-optimal without knowing future shocks).
 * - Evaluation: deterministic actions over the whole test segment (evaluators/evaluate-policy.ts, metrics from
 *   evaluators/metrics.ts), the book starting flat on the bar before the segment, as src/training/experiment.ts
 *   does. Training: tests/fixtures KNOWN_ANSWER_CONFIG (γ 0.5, PPO nSteps 256 with reward normalisation, DQN
 *   with a 500-step target update, …), 100k env steps on 4 envs, 32-decision episodes, reward in percent, one
 *   fixed seed per agent and task.
 *
 * Thresholds:
 * - Sharpe ≥ 0.8 × oracle (the figure). Both oracles can be computed from the observation (the sine's
 *   next return is 2cos(ω)·r_t − r_{t−1}, the AR(1)'s expected one φ·r_t), so a learner that finds the rule
 *   scores ≈ 1. The bar is strict: the sine oracle's returns are nearly constant, and flipping a random 5% of
 *   its positions already drops its Sharpe ratio to 0.67 of it; for the AR(1), random flips on a fraction q of
 *   bars scale it by a little less than 1 − 2q (0.88 at q = 5%, 0.77 at 10%, on these test paths), so 0.8
 *   allows at most ~9% of random errors. Errors where the decision is nearly free (near a turning point,
 *   |r_t| ≈ 0) cost much less.
 * - Total return above buy-and-hold's (the issue), read from final equity.
 * - Stay flat: ≥ 90% of test steps with no position (the figure), and a final return above −c. Any
 *   round trip costs 2c and can gain at most 4.08% < c, so it leaves the book below −c: the bound fails every
 *   agent that trades in and out, however briefly.
 *
 * Achieved in development (this configuration, seeds 1–5; seed 1 runs here): on the sine PPO and DQN match the
 * oracle (Sharpe 31.4 = 1.00 × the oracle's; buy-and-hold 0.07); on the AR(1) PPO reaches 1.01–1.06 and DQN
 * 1.00–1.13 × the oracle's 6.44 (buy-and-hold −0.08: going flat when |r_t| is small beats the cost-blind
 * oracle's Sharpe); with costs above the edge both stay flat on 100% of test steps and never trade.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { Bars } from '../src/data/bars.js';
import {
  KNOWN_ANSWER_AGENTS,
  ScheduleAgent,
  agentContext,
  ar1Bars,
  evaluate,
  momentumSchedule,
  oracleSchedule,
  registries,
  sineBars,
  skipReason,
  tradingEnv,
  trainAgent,
  unitCost,
} from './fixtures/known-answer.js';
import type { Evaluation } from './fixtures/known-answer.js';

const REG = registries();
const POSITIONS = [-1, 0, 1];
const FLAT = POSITIONS.indexOf(0);
const WINDOW = 10;
const SEED = 1;

/** Costs below the edge: c = 2 bps per unit of weight traded. */
const CHEAP = { spreadBps: 2, commissionBps: 1 };
/** Costs above the edge of the sine: c = 5.01% per unit of weight traded. */
const DEAR = { spreadBps: 2, commissionBps: 500 };

const SINE_PERIOD = 17.3;
const SINE_AMPLITUDE = 0.02;

interface Law {
  readonly name: string;
  readonly bars: Bars;
  /** First test bar: training episodes read bars < testStart only; the test earns bars testStart … end−1. */
  readonly testStart: number;
  /** The oracle's actions for the test episode (decisions at testStart−1 … length−2). */
  readonly oracle: (costs: typeof CHEAP) => Int32Array;
}

const SINE: Law = {
  name: 'a deterministic sine',
  bars: sineBars(3000, SINE_PERIOD, SINE_AMPLITUDE),
  testStart: 2000,
  oracle: (costs) => oracleSchedule(SINE.bars, SINE.testStart - 1, SINE.bars.length, POSITIONS, unitCost(costs)),
};

const AR1: Law = {
  name: 'AR(1) momentum (φ = 0.5)',
  bars: ar1Bars(21_000, 0.5, 0.01, Rng.fromSeed('known-answer-ar1')),
  testStart: 20_000,
  oracle: () => momentumSchedule(AR1.bars, AR1.testStart - 1, AR1.bars.length, POSITIONS),
};

function envConfig(costs: typeof CHEAP) {
  return { window: WINDOW, positions: POSITIONS, costs: { ...costs, impactK: 0, borrowBpsPerYear: 0 } };
}

/** The test episode: the whole test segment, book flat on the bar before it, no ruin cut-off (experiment.ts). */
function testEnv(law: Law, costs: typeof CHEAP) {
  return tradingEnv(REG.envs, { ...envConfig(costs), episodeLength: null, ruinFloor: 0 }, law.bars, law.testStart - 1, law.bars.length);
}

function evaluateOracle(law: Law, costs: typeof CHEAP): Evaluation {
  const env = testEnv(law, costs);
  return evaluate(env, new ScheduleAgent(law.oracle(costs), agentContext(env, Rng.fromSeed(0))));
}

function evaluateBuyAndHold(law: Law, costs: typeof CHEAP): Evaluation {
  const env = testEnv(law, costs);
  return evaluate(env, REG.agents.get('buy-and-hold').create({}, agentContext(env, Rng.fromSeed(0))));
}

async function trainAndTest(id: string, law: Law, costs: typeof CHEAP): Promise<Evaluation> {
  const agent = await trainAgent(REG, id, { env: envConfig(costs), bars: law.bars, start: WINDOW, end: law.testStart, seed: SEED });
  try {
    return evaluate(testEnv(law, costs), agent);
  } finally {
    agent.dispose();
  }
}

describe('known-answer fixtures: the oracles are what the theory says', () => {
  it('pins the timing the oracles assume: the shares held after the fill at t earn close[t] → close[t+1], less the fill cost', () => {
    const oracle = evaluateOracle(SINE, CHEAP);
    const { trace } = oracle;
    const close = SINE.bars.close;
    let worst = 0;
    for (let i = 0; i < trace.equity.length; i++) {
      const t = SINE.testStart - 1 + i; // decision bar of step i; its fill bar is t + 1
      const before = i === 0 ? trace.initialEquity : trace.equity[i - 1];
      const shares = (trace.position[i] * trace.equity[i]) / close[t + 1];
      const pnl = shares * (close[t + 1] - close[t]) - trace.cost[i];
      worst = Math.max(worst, Math.abs(trace.equity[i] - before - pnl) / before);
    }
    // An accounting identity of gapless bars: exact up to rounding (equity grows ~80×, so allow 1e-9 relative).
    expect(worst).toBeLessThan(1e-9);
    // The oracle trades every swing and never idles: the edge is far above the 2 bps cost.
    expect(oracle.flatFraction).toBe(0);
    expect(oracle.metrics.sharpe).toBeGreaterThan(20);
  });

  it('with costs above the edge no trade can pay: c exceeds the largest move and the oracle stays flat', () => {
    const c = unitCost(DEAR);
    let [lo, hi] = [Infinity, -Infinity];
    for (const p of SINE.bars.close) [lo, hi] = [Math.min(lo, p), Math.max(hi, p)];
    // The best any position of weight ≤ 1 can gain over any holding period, against the cost of entering.
    expect(c).toBeGreaterThan(Math.max(hi / lo - 1, 1 - lo / hi));
    expect(Array.from(SINE.oracle(DEAR)).every((a) => a === FLAT)).toBe(true);
  });

  it.each([SINE, AR1])('$name: the oracle beats buy-and-hold by a wide margin on the test segment', (law) => {
    const oracle = evaluateOracle(law, CHEAP);
    const buyAndHold = evaluateBuyAndHold(law, CHEAP);
    expect(oracle.metrics.sharpe).toBeGreaterThan(2 * Math.max(buyAndHold.metrics.sharpe, 1));
    expect(oracle.finalReturn).toBeGreaterThan(buyAndHold.finalReturn);
  });
});

describe.each(KNOWN_ANSWER_AGENTS)('%s on known-answer trading tasks', (id) => {
  const skip = skipReason(REG.agents, id);
  const note = skip === undefined ? '' : ` (skipped: ${skip})`;

  it.skipIf(skip !== undefined).each([SINE, AR1])(`$name, costs below the edge: test Sharpe ≥ 0.8 × the oracle's and more return than buy-and-hold${note}`, async (law) => {
    const oracle = evaluateOracle(law, CHEAP);
    const buyAndHold = evaluateBuyAndHold(law, CHEAP);
    const agent = await trainAndTest(id, law, CHEAP);
    expect(agent.metrics.sharpe).toBeGreaterThanOrEqual(0.8 * oracle.metrics.sharpe);
    expect(agent.finalReturn).toBeGreaterThan(buyAndHold.finalReturn);
  });

  it.skipIf(skip !== undefined)(`sine, costs above any achievable move: stays flat (≥ 90% of test steps) and loses less than one trade's cost${note}`, async () => {
    const agent = await trainAndTest(id, SINE, DEAR);
    expect(agent.flatFraction).toBeGreaterThanOrEqual(0.9);
    expect(agent.finalReturn).toBeGreaterThan(-unitCost(DEAR));
  });
});
