import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from './hash.js';
import type { StagedDir } from './staged-dir.js';

/**
 * SHA-256 of every file under `dir`, keyed by its path relative to `dir` with `/` separators, in sorted
 * order (so equal trees give equal objects).
 *
 * @example
 * hashTree('runs/abc/agent'); // { 'agent.json': '3f…', 'arrays.bin': '9c…' }
 */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub === '' ? name : `${sub}/${name}`;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else out[rel] = sha256File(join(dir, rel));
    }
  };
  walk('');
  return out;
}

/**
 * Commits a staged directory that holds a subdirectory `name` (an agent checkpoint written with
 * `agent.save(writer.stagedPath('agent'))`). {@link StagedDir.commit} hashes flat files only, so the
 * subdirectory is hashed here (`manifest.subdirectories[name]`: relative path → SHA-256), moved aside,
 * the rest committed, and the subdirectory renamed into the committed directory. Both moves are renames
 * on one filesystem; only between them does the directory lack its subdirectory.
 *
 * @example
 * await agent.save(writer.stagedPath('agent'));
 * const dir = commitWithSubdirectory(writer, 'agent', manifest); // dir/agent/agent.json …
 * @throws Error from the file system; the subdirectory is removed when the commit fails.
 */
export function commitWithSubdirectory(writer: StagedDir, name: string, manifest: Readonly<Record<string, unknown>>): string {
  const staged = writer.stagedPath(name);
  if (!existsSync(staged)) return writer.commit({ ...manifest });
  const files = hashTree(staged);
  const aside = join(writer.root, `.${writer.id}.${name}-${process.pid}`);
  rmSync(aside, { recursive: true, force: true });
  renameSync(staged, aside);
  try {
    const dir = writer.commit({ ...manifest, subdirectories: { [name]: files } });
    renameSync(aside, join(dir, name));
    return dir;
  } catch (e) {
    rmSync(aside, { recursive: true, force: true });
    throw e;
  }
}
