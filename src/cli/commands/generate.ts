import type { Command } from 'commander';
import type { Registries } from '../../training/registries.js';
import { generateDataset, regenerateDataset } from '../../store/dataset.js';
import type { CliIo } from '../io.js';
import { intOption } from '../options.js';
import { readJsonObject } from '../read-json.js';

interface GenerateFlags {
  generator: string;
  config?: string;
  data: string;
  seed: number;
  paths: number;
  length: number;
  start?: string;
  out: string;
  from?: string;
  json?: boolean;
}

/** `rl generate`: fit a generator on real bars and persist sampled paths as a dataset. */
export function registerGenerateCommand(program: Command, io: CliIo, registries: Registries): void {
  program
    .command('generate')
    .description('fit a generator on real bars and write sampled paths, params.json and manifest.json to <out>/<generator>/<id>/')
    .option('-g, --generator <id>', `generator: ${registries.generators.ids().join(', ')}`, 'gbm')
    .option('--config <file>', "generator config (JSON object, the generator's schema)")
    .option('-d, --data <file>', "real bars to fit on: 'builtin' (S&P 500) or a CSV", 'builtin')
    .option('-s, --seed <n>', 'seed', intOption(0), 0)
    .option('-p, --paths <n>', 'number of paths', intOption(1), 1)
    .option('-l, --length <n>', 'bars per path', intOption(2), 2520)
    .option('--start <date>', 'date of the first generated bar (YYYY-MM-DD)')
    .option('-o, --out <dir>', 'parent directory of datasets', 'datasets')
    .option('--from <dir>', "regenerate the dataset in <dir> from its manifest (identical bytes); other options are ignored")
    .option('--json', 'print the manifest JSON on stdout')
    .action((flags: GenerateFlags) => {
      const result = flags.from
        ? regenerateDataset(flags.from, registries, flags.out)
        : generateDataset(
            {
              generator: flags.generator,
              config: flags.config ? readJsonObject(flags.config, 'generator.config') : {},
              data: flags.data,
              seed: flags.seed,
              paths: flags.paths,
              length: flags.length,
              ...(flags.start !== undefined ? { start: flags.start } : {}),
            },
            registries,
            flags.out,
          );
      if (flags.json) io.out(`${JSON.stringify({ ...result.manifest, dir: result.dir }, null, 2)}\n`);
      else io.out(`dataset ${result.id}: ${result.manifest.files.length} file(s) of ${result.manifest.spec.length} bars → ${result.dir}\n`);
    });
}
