/**
 * Throughput benchmarks: `npm run bench [-- <suite> ...] [--json]` (the same as `rl bench`).
 * Figures go to stdout; progress to stderr. Tests never time anything; this is where speed is measured.
 */
import { DEFAULT_SUITES, runSuites, suites } from './suites.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !(n in suites));
if (unknown.length > 0) {
  process.stderr.write(`unknown suite "${unknown[0]}"; suites: ${Object.keys(suites).join(', ')}\n`);
  process.exit(2);
}
const figures = await runSuites(names.length > 0 ? names : DEFAULT_SUITES, (l) => process.stderr.write(l), json ? undefined : (l) => process.stdout.write(l));
if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
