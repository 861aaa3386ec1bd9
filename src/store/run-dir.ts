import { appendFileSync } from 'node:fs';
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

  private constructor(root: string, id: string) {
    super(root, id);
    const metricsPath = this.stagedPath('metrics.jsonl');
    writeFileAtomic(metricsPath, '');
    this.metrics = {
      log: (record) => appendFileSync(metricsPath, `${JSON.stringify(record, jsonReplacer)}\n`),
    };
  }

  static override open(root: string, id: string): RunWriter {
    return new RunWriter(root, id);
  }
}
