import type { Agent } from '../../agents/agent.js';
import type { Env } from '../core/env.js';
import type { Rng } from '../core/rng.js';

/** An env stepped with a discrete index or a Box action row. */
export type AnyActionEnv = Env<Float32Array, number | Float32Array>;

/** Returns and lengths of evaluation episodes. */
export interface EpisodeStats {
  readonly returns: number[];
  readonly lengths: number[];
}

/**
 * Runs `episodes` full episodes of `env` with the agent's deterministic actions (one observation per
 * `act` call). Episode k starts with `reset({ seed: seed + k })`, so each is reproducible on its own. A
 * discrete action (Int32Array) is stepped as a number; a Box action (Float32Array) as its row. Episodes
 * run until the env terminates or truncates: give an env without a natural end a TimeLimit (`makeEnv`).
 *
 * @example
 * const { returns } = evaluateEpisodes(makeEnv(registries.envs, 'cartpole-v1'), agent, { episodes: 20, seed: 7, rng: Rng.fromSeed(0) });
 */
export function evaluateEpisodes(
  env: AnyActionEnv,
  agent: Pick<Agent, 'act'>,
  opts: { episodes: number; seed: number; rng: Rng; onEpisode?: (done: number) => void },
): EpisodeStats {
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let k = 0; k < opts.episodes; k++) {
    let obs = env.reset({ seed: opts.seed + k }).obs;
    const row = new Float32Array(obs.length);
    let [total, length] = [0, 0];
    for (;;) {
      row.set(obs); // the env reuses its observation buffer
      const action = agent.act(row, { deterministic: true, rng: opts.rng });
      const r = env.step(action instanceof Int32Array ? action[0] : action);
      total += r.reward;
      length++;
      if (r.terminated || r.truncated) break;
      obs = r.obs;
    }
    returns.push(total);
    lengths.push(length);
    opts.onEpisode?.(k + 1);
  }
  return { returns, lengths };
}

/** Mean, population standard deviation (SB3's `evaluate_policy`) and mean length of evaluation episodes. */
export function summarizeEpisodes(stats: EpisodeStats): { meanReward: number; stdReward: number; meanLength: number } {
  return { meanReward: mean(stats.returns), stdReward: populationSd(stats.returns), meanLength: mean(stats.lengths) };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function populationSd(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / xs.length);
}
