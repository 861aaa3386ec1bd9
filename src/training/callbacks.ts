import { join } from 'node:path';
import type { Agent, RolloutContext, TrainHooks } from '../../agents/agent.js';
import { Rng } from '../core/rng.js';
import type { MetricSink } from '../store/run-dir.js';
import { evaluateEpisodes, summarizeEpisodes, type AnyActionEnv } from './evaluate-episodes.js';

/**
 * Training callbacks built on the agents' two hooks (`onStep`, `onRolloutEnd`): periodic evaluation with
 * early stopping, periodic checkpoints, and a metric log. Compose them with {@link composeHooks}.
 *
 * @example
 * await agent.learn(vec, { steps: 200_000 }, composeHooks(
 *   metricsHook(run.metrics),
 *   evaluationHook({ agent, makeEnv: () => makeEnv(envs, 'cartpole-v1'), every: 10_000, stopAtReward: 475 }),
 *   checkpointHook({ agent, dir: 'runs/x/checkpoints', every: 50_000 }),
 * ));
 */

/** Runs every hook in order; the first `'stop'` stops training (the remaining hooks of that call still run). */
export function composeHooks(...hooks: TrainHooks[]): TrainHooks {
  const steps = hooks.filter((h) => h.onStep !== undefined);
  const rollouts = hooks.filter((h) => h.onRolloutEnd !== undefined);
  const out: TrainHooks = {};
  if (steps.length > 0) {
    out.onStep = async (ctx) => {
      let stop = false;
      for (const h of steps) if ((await h.onStep!(ctx)) === 'stop') stop = true;
      return stop ? 'stop' : undefined;
    };
  }
  if (rollouts.length > 0) {
    out.onRolloutEnd = async (ctx) => {
      let stop = false;
      for (const h of rollouts) if ((await h.onRolloutEnd!(ctx)) === 'stop') stop = true;
      return stop ? 'stop' : undefined;
    };
  }
  return out;
}

/** One line per update in the metric log: `{ step, ...metrics, ...extra }`. */
export function metricsHook(sink: MetricSink, extra: Readonly<Record<string, number | string>> = {}): TrainHooks {
  return { onRolloutEnd: ({ step, metrics }) => sink.log({ ...extra, step, ...metrics }) };
}

export interface EvaluationResult {
  /** Env steps of training when the evaluation ran. */
  readonly step: number;
  readonly episodes: number;
  readonly meanReward: number;
  /** Population std over the episodes (SB3's evaluate_policy). */
  readonly stdReward: number;
  readonly meanLength: number;
  readonly rewards: readonly number[];
}

export interface EvaluationHookOptions {
  readonly agent: Agent;
  readonly makeEnv: () => AnyActionEnv;
  /** Env steps between evaluations (checked after each update). */
  readonly every: number;
  /** Episodes per evaluation (default 20). */
  readonly episodes?: number;
  /** Seed of the evaluation episodes; the same episodes every time (default 0). */
  readonly seed?: number;
  readonly onEvaluation?: (result: EvaluationResult) => void | 'stop' | Promise<void | 'stop'>;
  /** Stop training once the mean evaluation reward reaches this (SB3's StopTrainingOnRewardThreshold). */
  readonly stopAtReward?: number;
  /** Stop after this many evaluations without a new best mean (SB3's StopTrainingOnNoModelImprovement). */
  readonly patience?: number;
}

/** Deterministic evaluation every `every` env steps, with optional early stopping. */
export function evaluationHook(o: EvaluationHookOptions): TrainHooks & { readonly history: EvaluationResult[] } {
  const history: EvaluationResult[] = [];
  let next = o.every;
  let best = -Infinity;
  let sinceBest = 0;
  return {
    history,
    onRolloutEnd: async ({ step }: RolloutContext) => {
      if (step < next) return undefined;
      while (next <= step) next += o.every;
      const env = o.makeEnv();
      const stats = evaluateEpisodes(env, o.agent, { episodes: o.episodes ?? 20, seed: o.seed ?? 0, rng: Rng.fromSeed(o.seed ?? 0).fork('act') });
      env.close();
      const result: EvaluationResult = { step, episodes: stats.returns.length, ...summarizeEpisodes(stats), rewards: stats.returns };
      history.push(result);
      if (result.meanReward > best) [best, sinceBest] = [result.meanReward, 0];
      else sinceBest++;
      let stop = (await o.onEvaluation?.(result)) === 'stop';
      if (o.stopAtReward !== undefined && result.meanReward >= o.stopAtReward) stop = true;
      if (o.patience !== undefined && sinceBest >= o.patience) stop = true;
      return stop ? 'stop' : undefined;
    },
  };
}

/**
 * Saves a resumable checkpoint to `dir/step-<n>` at the first update after every `every` env steps;
 * callers prune old ones if they want fewer.
 */
export function checkpointHook(o: { agent: Agent; dir: string; every: number; onSaved?: (dir: string, step: number) => void }): TrainHooks {
  let next = o.every;
  return {
    onRolloutEnd: async ({ step }) => {
      if (step < next) return;
      while (next <= step) next += o.every;
      const dir = join(o.dir, `step-${step}`);
      await o.agent.save(dir);
      o.onSaved?.(dir, step);
    },
  };
}
