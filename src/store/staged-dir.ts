import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
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

  protected constructor(
    readonly root: string,
    readonly id: string,
  ) {
    this.staging = join(root, `.${id}.staging-${process.pid}`);
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { recursive: true });
  }

  static open(root: string, id: string): StagedDir {
    return new StagedDir(root, id);
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
   * Writes `manifest.json` (the given fields plus `outputs`: the SHA-256 of every other file, by name, hashed in
   * bounded memory whatever the file sizes) and moves the staging directory into place. Returns the final directory.
   */
  commit(manifest: Record<string, unknown>): string {
    const outputs: Record<string, string> = {};
    for (const name of readdirSync(this.staging).sort()) outputs[name] = sha256File(join(this.staging, name));
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
