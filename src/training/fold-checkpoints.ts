import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointArray, readCheckpoint, writeCheckpoint } from '../../agents/checkpoint.js';
import type { Agent, AgentContext, AgentSpec, TrainSummary } from '../../agents/agent.js';
import type { EquityTrace } from '../../evaluators/metrics.js';
import { DataError } from '../core/errors.js';

/** What a finished fold leaves for a resumed run: its test traces and training figures, bit for bit. */
export interface CompletedFold {
  readonly agentTrace: EquityTrace;
  readonly baselineTrace: EquityTrace;
  readonly episodes: { real: number; synthetic: number };
  readonly training: TrainSummary;
}

/** Where the run's metric log stands, so a resume can cut it back to a checkpoint. */
export interface MetricLog {
  metricsBytes(): number;
  truncateMetrics(bytes: number): void;
}

const TRACE_FIELDS = ['equity', 'logReturns', 'position', 'traded', 'cost', 'time'] as const;

/**
 * Checkpoints of an experiment in progress, inside its staging directory (`checkpoints/`): the agent of
 * the fold being trained (`fold-k/`, rewritten every `every` env steps at an update boundary) and the
 * results of finished folds (`fold-k.done/`). An interrupted run resumed with `rl train --resume <id>`
 * skips finished folds, restores the agent and the metric log of the fold in progress, and ends with
 * the same bytes as an uninterrupted run. The directory is removed before the run is committed.
 */
export class FoldCheckpoints {
  constructor(
    readonly dir: string,
    readonly every: number,
    private readonly log: MetricLog,
  ) {}

  /** The results of fold `k` if it finished before an interruption. */
  async completed(k: number): Promise<CompletedFold | undefined> {
    const dir = join(this.dir, `fold-${k}.done`);
    if (!existsSync(join(dir, 'agent.json'))) return undefined;
    const c = await readCheckpoint(dir);
    const f64 = (name: string) => checkpointArray(dir, c, name, Float64Array);
    const trace = (who: string): EquityTrace => {
      const fields = Object.fromEntries(TRACE_FIELDS.map((f) => [f, f64(`${who}/${f}`)])) as Record<(typeof TRACE_FIELDS)[number], Float64Array>;
      return { ...fields, initialEquity: f64(`${who}/initialEquity`)[0] };
    };
    const [steps, updates, episodes, meanEpisodeReturn, real, synthetic] = f64('summary');
    return { agentTrace: trace('agent'), baselineTrace: trace('baseline'), episodes: { real, synthetic }, training: { steps, updates, episodes, meanEpisodeReturn } };
  }

  async saveCompleted(k: number, fold: CompletedFold): Promise<void> {
    const arrays: Record<string, Float64Array> = {};
    for (const [who, t] of [['agent', fold.agentTrace], ['baseline', fold.baselineTrace]] as const) {
      for (const f of TRACE_FIELDS) arrays[`${who}/${f}`] = t[f];
      arrays[`${who}/initialEquity`] = Float64Array.of(t.initialEquity);
    }
    const s = fold.training;
    arrays.summary = Float64Array.of(s.steps, s.updates, s.episodes, s.meanEpisodeReturn, fold.episodes.real, fold.episodes.synthetic);
    await this.atomicWrite(`fold-${k}.done`, (tmp) => writeCheckpoint(tmp, { id: 'fold-result', version: 1, config: null, state: {}, arrays }));
    rmSync(join(this.dir, `fold-${k}`), { recursive: true, force: true });
  }

  /**
   * The agent of fold `k` restored from its last checkpoint (and the metric log cut back to that point),
   * or undefined when the fold has none.
   */
  async restoreAgent(k: number, spec: AgentSpec, ctx: AgentContext): Promise<Agent | undefined> {
    const dir = join(this.dir, `fold-${k}`);
    if (!existsSync(join(dir, 'agent.json')) || spec.load === undefined) return undefined;
    const agent = await spec.load(dir, ctx);
    const marker = await readCheckpoint(join(dir, 'run-state'));
    const bytes = marker.arrays.metricsBytes;
    if (!(bytes instanceof Float64Array) || bytes.length !== 1) throw new DataError(join(dir, 'run-state'), undefined, 'metricsBytes', 'missing');
    this.log.truncateMetrics(bytes[0]);
    return agent;
  }

  /** Saves fold `k`'s agent mid-training (call from a training hook, where the agent is consistent). */
  async saveAgent(k: number, agent: Agent): Promise<void> {
    const bytes = this.log.metricsBytes();
    await this.atomicWrite(`fold-${k}`, async (tmp) => {
      await agent.save(tmp);
      await writeCheckpoint(join(tmp, 'run-state'), { id: 'run-state', version: 1, config: null, state: {}, arrays: { metricsBytes: Float64Array.of(bytes) } });
    });
  }

  /** Removes every checkpoint (before the run is committed). */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Writes a checkpoint directory beside its final name, then swaps it in. */
  private async atomicWrite(name: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const final = join(this.dir, name);
    const tmp = `${final}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    await write(tmp);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  }
}
