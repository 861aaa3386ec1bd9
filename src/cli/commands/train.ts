import type { Command } from 'commander';
import { jsonReplacer } from '../../core/atomic.js';
import { foldTable, renderTable } from '../../../evaluators/report.js';
import { experimentSchema } from '../../training/experiment-config.js';
import type { Registries } from '../../training/registries.js';
import { trainRun } from '../../training/train-run.js';
import type { CliIo } from '../io.js';
import { intOption, numberOption } from '../options.js';
import { progressReporter } from '../progress.js';
import { readJsonObject } from '../../core/read-json.js';

interface TrainFlags {
  config?: string;
  generator?: string;
  ratio?: number;
  syntheticOnly?: boolean;
  agent?: string;
  seed?: number;
  data?: string;
  folds?: number;
  steps?: number;
  envs?: number;
  out: string;
  json?: boolean;
}

/** Defaults come from the schema (the single source of truth), never restated here. */
const defaults = experimentSchema.parse({});

const help = (key: string): string => {
  const shape = experimentSchema.shape as Record<string, { description?: string }>;
  return shape[key]?.description ?? '';
};

/** `rl train`: walk-forward experiment on real data with synthetic:real = ratio:1 training. */
export function registerTrainCommand(program: Command, io: CliIo, registries: Registries): void {
  program
    .command('train')
    .description('fit a generator per walk-forward fold, train an agent on synthetic:real = ratio:1, test on held-out real data')
    .option('--config <file>', 'experiment config (JSON); flags override its values')
    .option('-g, --generator <id>', `synthetic data generator: ${registries.generators.ids().join(', ')} (default ${defaults.generator.id})`)
    .option('-r, --ratio <r>', `${help('ratio')} (default ${defaults.ratio})`, numberOption(0))
    .option('--synthetic-only', help('syntheticOnly'))
    .option('-a, --agent <id>', `agent: ${registries.agents.ids().join(', ')} (default ${defaults.agent.id})`)
    .option('-s, --seed <n>', `${help('seed')} (default ${defaults.seed})`, intOption(0))
    .option('-d, --data <file>', "real bars CSV (date,open,high,low,close[,adj_close],volume); default 'builtin' S&P 500")
    .option('-k, --folds <k>', `walk-forward folds (default ${defaults.walkForward.folds})`, intOption(1, 100))
    .option('-n, --steps <n>', `training env steps per fold (default ${defaults.train.steps})`, intOption(1))
    .option('--envs <n>', `parallel training environments (default ${defaults.train.numEnvs})`, intOption(1, 1024))
    .option('-o, --out <dir>', 'parent directory of run directories', 'runs')
    .option('--json', 'print the report JSON on stdout (progress stays on stderr)')
    .action(async (flags: TrainFlags) => {
      const input = mergeFlags(flags.config ? readJsonObject(flags.config, 'config') : {}, flags);
      const result = await trainRun(input, { registries, outDir: flags.out, onProgress: progressReporter(io) });
      if (flags.json) {
        io.out(`${JSON.stringify({ ...result.report, dir: result.dir }, jsonReplacer, 2)}\n`);
        return;
      }
      const r = result.report;
      io.out(
        `${r.agent} on ${r.generator} (synthetic:real = ${r.syntheticOnly ? 'synthetic only' : `${r.ratio}:1`}), seed ${r.seed}, ${r.stepsPerFold} steps/fold, ` +
          `walk-forward on ${r.data.symbol} ${r.data.from}..${r.data.to}\n\n${renderTable(foldTable(r))}\n\nrun ${result.id} → ${result.dir}\n`,
      );
    });
}

/** Flags override the config file, key by key. */
function mergeFlags(base: Record<string, unknown>, f: TrainFlags): Record<string, unknown> {
  const obj = (key: string) => ({ ...((base[key] as Record<string, unknown> | undefined) ?? {}) });
  const out: Record<string, unknown> = { ...base };
  if (f.generator !== undefined) out.generator = { ...obj('generator'), id: f.generator };
  if (f.agent !== undefined) out.agent = { ...obj('agent'), id: f.agent };
  if (f.ratio !== undefined) out.ratio = f.ratio;
  if (f.syntheticOnly) out.syntheticOnly = true;
  if (f.seed !== undefined) out.seed = f.seed;
  if (f.data !== undefined) out.data = f.data;
  if (f.folds !== undefined) out.walkForward = { ...obj('walkForward'), folds: f.folds };
  if (f.steps !== undefined || f.envs !== undefined) {
    out.train = { ...obj('train'), ...(f.steps !== undefined ? { steps: f.steps } : {}), ...(f.envs !== undefined ? { numEnvs: f.envs } : {}) };
  }
  return out;
}
