import { appendFileSync, statSync, truncateSync } from 'node:fs';
import { jsonReplacer, writeFileAtomic } from '../core/atomic.js';
import { StagedDir } from './staged-dir.js';

/** Receives training metrics; one JSON line per record in `metrics.jsonl`. */
export interface MetricSink {
  log(record: Readonly<Record<string, number | string>>): void;
}

/**
 * A run directory under construction: a {@link StagedDir} with a `metrics.jsonl` sink.
 *
 * @example
 * const run = RunWriter.open('runs', id);
 * run.metrics.log({ fold: 0, step: 2048, 'charts/episodic_return': 0.01 });
 * run.writeJson('report.json', report);
 * const dir = run.commit({ id, ... });
 */
export class RunWriter extends StagedDir {
  readonly metrics: MetricSink;

  private constructor(root: string, id: string, from?: string) {
    super(root, id, from);
    const metricsPath = this.stagedPath('metrics.jsonl');
    if (from === undefined) writeFileAtomic(metricsPath, '');
    this.metrics = {
      log: (record) => appendFileSync(metricsPath, `${JSON.stringify(record, jsonReplacer)}\n`),
    };
  }

  static override open(root: string, id: string): RunWriter {
    return new RunWriter(root, id);
  }

  /** Continues the run an interrupted process left staged. @throws RlError (E_RESUME) when there is none. */
  static resume(root: string, id: string): RunWriter {
    return new RunWriter(root, id, StagedDir.interrupted(root, id));
  }

  /** Bytes in `metrics.jsonl` so far: a checkpoint records it, a resume truncates back to it. */
  metricsBytes(): number {
    return statSync(this.stagedPath('metrics.jsonl')).size;
  }

  truncateMetrics(bytes: number): void {
    truncateSync(this.stagedPath('metrics.jsonl'), bytes);
  }
}
