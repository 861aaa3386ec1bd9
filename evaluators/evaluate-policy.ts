import type { Agent } from '../agents/agent.js';
import type { Env, Info } from '../src/core/env.js';
import { RlError } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { EquityTrace } from './metrics.js';

/**
 * Runs `agent` deterministically through one episode of a trading env (typically a fixed test window) and
 * records the equity trace. The env must report `equity`, `logReturn`, `position`, `tradedNotional`, `cost` and
 * `time` in its step info (trading-v0 does), and `equity` in its reset info. Performance comes from the
 * equity log return, never from the reward, so a shaped reward (differential Sharpe, drawdown penalty)
 * cannot change reported figures.
 *
 * @example
 * const env = createTradingEnv({ ...cfg, episodeLength: null }, fixedEpisode(bars, test.start - 1, test.end));
 * const trace = evaluatePolicy(env, agent, rng.fork('eval'));
 * @throws RlError (E_ENV_INFO) when the env does not report the fields above.
 */
export function evaluatePolicy(env: Env<Float32Array, number> | Env<Float32Array, Float32Array>, agent: Agent, rng: Rng, maxSteps = 10_000_000): EquityTrace {
  const first = env.reset({ seed: rng.nextUint32() });
  const initialEquity = infoNumber(first.info, 'equity');
  const equity: number[] = [];
  const logReturns: number[] = [];
  const position: number[] = [];
  const traded: number[] = [];
  const cost: number[] = [];
  const time: number[] = [];
  let obs = first.obs;
  for (let step = 0; step < maxSteps; step++) {
    const actions = agent.act(obs, { deterministic: true, rng });
    // Discrete: the first (only) index; Box: the whole action row.
    const r = actions instanceof Float32Array ? (env as Env<Float32Array, Float32Array>).step(actions) : (env as Env<Float32Array, number>).step(actions[0]);
    logReturns.push(infoNumber(r.info, 'logReturn')); // not r.reward: a shaped reward must not change reported performance
    equity.push(infoNumber(r.info, 'equity'));
    position.push(infoNumber(r.info, 'position'));
    traded.push(infoNumber(r.info, 'tradedNotional'));
    cost.push(infoNumber(r.info, 'cost'));
    time.push(infoNumber(r.info, 'time'));
    if (r.terminated || r.truncated) break;
    obs = r.obs;
  }
  return {
    initialEquity,
    equity: Float64Array.from(equity),
    logReturns: Float64Array.from(logReturns),
    position: Float64Array.from(position),
    traded: Float64Array.from(traded),
    cost: Float64Array.from(cost),
    time: Float64Array.from(time),
  };
}

function infoNumber(info: Info, key: string): number {
  const v = info[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RlError(`env info.${key} must be a finite number for evaluation, got ${String(v)}`, 'E_ENV_INFO');
  }
  return v;
}
