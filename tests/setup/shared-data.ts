import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Says once, visibly, when the sample data beside the project (../shared: real prices, reference statistics)
 * is missing, because the tests that read it then skip.
 */
export default function setup(): void {
  const shared = fileURLToPath(new URL('../../../shared', import.meta.url));
  if (!existsSync(shared)) {
    process.stderr.write(`\n[tests] ${shared} not found: tests that need real data or reference statistics are skipped (their names say so).\n\n`);
  }
}
