import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_SUITES, runSuites, suites } from '../../../benchmarks/suites.js';
import type { CliIo } from '../io.js';

/** `rl bench [suite...] [--json]`: throughput figures (never part of any result file). */
export function registerBenchCommand(program: Command, io: CliIo): void {
  const names = Object.keys(suites);
  program
    .command('bench')
    .description(`print throughput figures; suites: ${names.join(', ')} (default: ${DEFAULT_SUITES.join(', ')})`)
    .argument('[suites...]', names.join(' | '), (value: string, prev: string[] = []) => {
      if (!names.includes(value)) throw new InvalidArgumentError(`expected one of ${names.join(', ')}.`);
      return [...prev, value];
    })
    .option('--json', 'print the figures as a JSON array on stdout')
    .action(async (selected: string[] | undefined, flags: { json?: boolean }) => {
      const figures = await runSuites(selected && selected.length > 0 ? selected : DEFAULT_SUITES, (line) => io.err(line), flags.json ? undefined : (line) => io.out(line));
      if (flags.json) io.out(`${JSON.stringify(figures, null, 2)}\n`);
    });
}
