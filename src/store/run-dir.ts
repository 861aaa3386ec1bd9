import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic, jsonReplacer } from '../core/atomic.js';
import { sha256 } from './hash.js';

/** Receives training metrics; one JSON line per record in `metrics.jsonl`. */
export interface MetricSink {
  log(record: Readonly<Record<string, number | string>>): void;
}

/**
 * A run directory under construction. Everything is written into a hidden staging directory
 * (`<root>/.<id>.staging-<pid>`) and moved to `<root>/<id>` by {@link RunWriter.commit}, so an interrupted
 * run never leaves a directory that looks complete. Committing replaces an earlier run with the same id
 * (same id ⇒ same resolved config ⇒ the same bytes).
 *
 * @example
 * const run = RunWriter.open('runs', id);
 * run.metrics.log({ fold: 0, step: 2048, 'charts/episodic_return': 0.01 });
 * run.writeJson('report.json', report);
 * const dir = run.commit({ id, ... });
 */
export class RunWriter {
  readonly metrics: MetricSink;
  private readonly staging: string;
  private readonly metricsPath: string;

  private constructor(
    readonly root: string,
    readonly id: string,
  ) {
    this.staging = join(root, `.${id}.staging-${process.pid}`);
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { recursive: true });
    this.metricsPath = join(this.staging, 'metrics.jsonl');
    writeFileAtomic(this.metricsPath, '');
    this.metrics = {
      log: (record) => appendFileSync(this.metricsPath, `${JSON.stringify(record, jsonReplacer)}\n`),
    };
  }

  static open(root: string, id: string): RunWriter {
    return new RunWriter(root, id);
  }

  /** Final directory of this run once committed. */
  get dir(): string {
    return join(this.root, this.id);
  }

  writeText(name: string, text: string): void {
    writeFileAtomic(join(this.staging, name), text);
  }

  writeJson(name: string, value: unknown): void {
    writeJsonAtomic(join(this.staging, name), value);
  }

  /**
   * Writes `manifest.json` (the given fields plus the SHA-256 of every other file) and moves the staging
   * directory into place. Returns the final directory.
   */
  commit(manifest: Record<string, unknown>): string {
    const outputs: Record<string, string> = {};
    for (const name of readdirSync(this.staging).sort()) outputs[name] = sha256(readFileSync(join(this.staging, name)));
    this.writeJson('manifest.json', { ...manifest, outputs });
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    renameSync(this.staging, this.dir);
    return this.dir;
  }

  /** Removes the staging directory (after a failure). */
  abort(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}
