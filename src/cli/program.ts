import { Command } from 'commander';
import { packageInfo } from '../core/package-info.js';
import { createRegistries } from '../training/registries.js';
import type { Registries } from '../training/registries.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerEventsCommand } from './commands/events.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerListCommand } from './commands/list.js';
import { registerNewsCommand } from './commands/news.js';
import { registerStatsCommands } from './commands/stats.js';
import { registerTrainCommand } from './commands/train.js';
import type { CliIo } from './io.js';

/**
 * The `rl` program. Commands write results through `io.out` and progress through `io.err`; tests build it
 * with captured io and call `parseAsync`; errors are thrown (`exitOverride`), never `process.exit`.
 *
 * @example
 * await buildProgram(processIo).parseAsync(['node', 'rl', 'list', 'generators']);
 */
export function buildProgram(io: CliIo, registries: Registries = createRegistries()): Command {
  const program = new Command('rl')
    .description('Train trading agents on synthetic markets and test, walk-forward on real data, whether that helps.')
    .version(packageInfo().version)
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride(); // set before adding commands so they inherit it: errors surface as CommanderError
  registerTrainCommand(program, io, registries);
  registerGenerateCommand(program, io, registries);
  registerListCommand(program, io, registries);
  registerStatsCommands(program, io);
  registerBenchCommand(program, io);
  registerNewsCommand(program, io);
  registerEventsCommand(program, io);
  return program;
}
