import type { Command } from 'commander';
import type { Registries } from '../../training/registries.js';
import { generateDataset, readManifest, regenerateDataset } from '../../store/dataset.js';
import type { DatasetManifest, DatasetSpec } from '../../store/dataset.js';
import { DEFAULT_RETURNS_CHUNK, generateReturnsDataset, regenerateReturnsDataset } from '../../store/returns-dataset.js';
import type { CliIo } from '../io.js';
import { intOption } from '../options.js';
import { readJsonObject } from '../../core/read-json.js';

interface GenerateFlags {
  generator: string;
  config?: string;
  data: string;
  seed: number;
  paths: number;
  length: number;
  start?: string;
  calendar?: string[];
  out: string;
  from?: string;
  returnsOnly?: boolean;
  chunk: number;
  json?: boolean;
}

/** `rl generate`: fit a generator on real bars and persist sampled paths (bars, or returns only) as a dataset. */
export function registerGenerateCommand(program: Command, io: CliIo, registries: Registries): void {
  program
    .command('generate')
    .description('fit a generator on real bars and write sampled paths, params.json and manifest.json to <out>/<generator>/<id>/')
    .option('-g, --generator <id>', `generator: ${registries.generators.ids().join(', ')}`, 'gbm')
    .option('--config <file>', "generator config (JSON object, the generator's schema)")
    .option('-d, --data <file>', "real bars to fit on: 'builtin' (S&P 500) or a CSV", 'builtin')
    .option('-s, --seed <n>', 'seed', intOption(0), 0)
    .option('-p, --paths <n>', 'number of paths', intOption(1), 1)
    .option('-l, --length <n>', 'bars (or returns) per path', intOption(2), 2520)
    .option('--start <date>', 'date of the first generated bar (YYYY-MM-DD)')
    .option('--calendar <files...>', "calendar to fit the event generator with: 'builtin' or .jsonl/.json/.csv/.ics files (labels go beside each path as path-NNNNN.events.jsonl)")
    .option('--returns-only', 'write close-to-close log returns only (path-00000.returns.csv, column log_return), streamed in constant memory')
    .option('--chunk <n>', 'with --returns-only: returns generated and written at a time (memory ≈ 34 bytes × n; the files do not depend on it)', intOption(1), DEFAULT_RETURNS_CHUNK)
    .option('-o, --out <dir>', 'parent directory of datasets', 'datasets')
    .option('--from <dir>', 'regenerate the dataset in <dir> from its manifest (identical bytes); other options but --out and --chunk are ignored')
    .option('--json', 'print the manifest JSON on stdout')
    .action(async (flags: GenerateFlags) => {
      const stream = { chunk: flags.chunk };
      let result: { id: string; dir: string; manifest: DatasetManifest };
      if (flags.from !== undefined) {
        result = readManifest(flags.from).spec.returnsOnly
          ? await regenerateReturnsDataset(flags.from, registries, flags.out, stream)
          : regenerateDataset(flags.from, registries, flags.out);
      } else {
        const spec: DatasetSpec = {
          generator: flags.generator,
          config: flags.config ? readJsonObject(flags.config, 'generator.config') : {},
          data: flags.data,
          seed: flags.seed,
          paths: flags.paths,
          length: flags.length,
          ...(flags.start !== undefined ? { start: flags.start } : {}),
          ...(flags.calendar !== undefined ? { calendar: flags.calendar.length === 1 ? flags.calendar[0] : flags.calendar } : {}),
        };
        result = flags.returnsOnly ? await generateReturnsDataset(spec, registries, flags.out, stream) : generateDataset(spec, registries, flags.out);
      }
      const { manifest } = result;
      if (flags.json) io.out(`${JSON.stringify({ ...manifest, dir: result.dir }, null, 2)}\n`);
      else io.out(`dataset ${result.id}: ${manifest.files.length} file(s) of ${manifest.spec.length} ${manifest.spec.returnsOnly ? 'returns' : 'bars'} → ${result.dir}\n`);
    });
}
