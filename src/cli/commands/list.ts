import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { Registries } from '../../training/registries.js';
import type { CliIo } from '../io.js';

const KINDS = ['generators', 'agents', 'envs'] as const;

/** `rl list generators|agents|envs [--json]`. */
export function registerListCommand(program: Command, io: CliIo, registries: Registries): void {
  program
    .command('list')
    .description(`list registered plugins: ${KINDS.join(', ')}`)
    .argument('<kind>', KINDS.join(' | '), (value: string) => {
      if (!(KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${KINDS.join(', ')}.`);
      return value as (typeof KINDS)[number];
    })
    .option('--json', 'print JSON on stdout')
    .action((kind: (typeof KINDS)[number], flags: { json?: boolean }) => {
      const specs: { id: string; description: string; version?: number }[] = registries[kind].values();
      const items = specs.map((s) => ({ id: s.id, ...(s.version !== undefined ? { version: s.version } : {}), description: s.description }));
      if (flags.json) io.out(`${JSON.stringify(items, null, 2)}\n`);
      else {
        const width = Math.max(...items.map((i) => i.id.length));
        io.out(`${items.map((i) => `${i.id.padEnd(width)}  ${i.description}`).join('\n')}\n`);
      }
    });
}
