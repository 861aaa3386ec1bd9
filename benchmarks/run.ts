/**
 * Throughput benchmarks: `npm run bench [-- <suite> ...] [--json]`. Suites: rng, env, generators, ppo.
 * Prints figures (results on stdout, one line per figure; `--json` prints an array of records).
 * Tests never time anything; this is where speed is measured.
 */
import { suites } from './suites.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const selected = names.length > 0 ? names : Object.keys(suites);
const records: { suite: string; name: string; value: number; unit: string }[] = [];
for (const name of selected) {
  const suite = suites[name];
  if (!suite) {
    process.stderr.write(`unknown suite "${name}"; suites: ${Object.keys(suites).join(', ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`# ${name}\n`);
  for await (const r of suite()) {
    records.push({ suite: name, ...r });
    if (!json) process.stdout.write(`${name.padEnd(10)} ${r.name.padEnd(48)} ${formatValue(r.value).padStart(14)} ${r.unit}\n`);
  }
}
if (json) process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);

function formatValue(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3);
}
