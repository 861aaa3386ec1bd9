import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { RlError } from '../core/errors.js';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic.js';
import { sha256File } from './hash.js';

/**
 * An artifact directory under construction. Files are written into a hidden staging directory
 * (`<root>/.<id>.staging-<pid>`) and moved to `<root>/<id>` by {@link StagedDir.commit}, so an interrupted
 * job never leaves a directory that looks complete. Committing replaces an earlier directory with the same
 * id (same id ⇒ same inputs ⇒ the same bytes).
 *
 * @example
 * const dir = StagedDir.open('datasets/gbm', id);
 * dir.writeText('path-0000.csv', csv);
 * dir.commit({ id, kind: 'dataset' }); // writes manifest.json with the SHA-256 of every file
 */
export class StagedDir {
  protected readonly staging: string;

  /** @param from an interrupted staging directory to continue (moved to this process's name), or none to start afresh */
  protected constructor(
    readonly root: string,
    readonly id: string,
    from?: string,
  ) {
    this.staging = join(root, `.${id}.staging-${process.pid}`);
    if (from !== undefined && from !== this.staging) {
      rmSync(this.staging, { recursive: true, force: true });
      renameSync(from, this.staging);
    } else if (from === undefined) {
      rmSync(this.staging, { recursive: true, force: true });
      mkdirSync(this.staging, { recursive: true });
    }
  }

  static open(root: string, id: string): StagedDir {
    return new StagedDir(root, id);
  }

  /**
   * The staging directory an interrupted job with this id left behind (the most recent if several).
   * @throws RlError (E_RESUME) when there is none, saying whether the job already completed.
   */
  static interrupted(root: string, id: string): string {
    const prefix = `.${id}.staging-`;
    const found = existsSync(root) ? readdirSync(root).filter((name) => name.startsWith(prefix)).sort() : [];
    if (found.length === 0) {
      const done = existsSync(join(root, id));
      throw new RlError(done ? `run ${id} under ${root} already completed: nothing to resume` : `no interrupted run ${id} under ${root}`, 'E_RESUME', 2);
    }
    return join(root, found[found.length - 1]);
  }

  /** Final directory once committed. */
  get dir(): string {
    return join(this.root, this.id);
  }

  /** Path of a file inside the staging directory (for streaming writers). */
  stagedPath(name: string): string {
    return join(this.staging, name);
  }

  writeText(name: string, text: string): void {
    writeFileAtomic(join(this.staging, name), text);
  }

  writeJson(name: string, value: unknown): void {
    writeJsonAtomic(join(this.staging, name), value);
  }

  /**
   * Writes `manifest.json` (the given fields plus `outputs`: the SHA-256 of every other file, by relative path, hashed in
   * bounded memory whatever the file sizes) and moves the staging directory into place. Returns the final directory.
   */
  commit(manifest: Record<string, unknown>): string {
    const outputs: Record<string, string> = {};
    const walk = (rel: string): void => {
      for (const entry of readdirSync(join(this.staging, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) walk(name);
        else outputs[name] = sha256File(join(this.staging, name));
      }
    };
    walk('');
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
