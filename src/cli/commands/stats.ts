import type { Command } from 'commander';
import { jsonReplacer } from '../../core/atomic.js';
import { loadBars } from '../../data/builtin.js';
import { readDatasetPaths, readManifest } from '../../store/dataset.js';
import { batteryRows, statsBattery } from '../../stats/battery.js';
import { compareRealism } from '../../../evaluators/realism.js';
import type { CliIo } from '../io.js';

const fmt = (x: number | null) => (x === null ? '' : Number.isFinite(x) ? (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4)) : String(x));

/** `rl stats` (one price file) and `rl validate` (a dataset against real data). */
export function registerStatsCommands(program: Command, io: CliIo): void {
  program
    .command('stats')
    .description('stylised-facts battery of a price series: moments, Jarque-Bera, KS, Ljung-Box, ARCH-LM, ADF, Hill, ACF, leverage')
    .option('-d, --data <file>', "'builtin' (S&P 500) or a CSV (date,open,high,low,close[,adj_close],volume)", 'builtin')
    .option('--json', 'print the battery as JSON on stdout')
    .action((flags: { data: string; json?: boolean }) => {
      const bars = loadBars(flags.data);
      const battery = statsBattery(bars);
      if (flags.json) {
        io.out(`${JSON.stringify({ data: flags.data, symbol: bars.symbol, ...battery }, jsonReplacer, 2)}\n`);
        return;
      }
      const rows = batteryRows(battery);
      const width = Math.max(...rows.map(([k]) => k.length));
      io.out(`${bars.symbol} (${flags.data}), ${battery.n} log returns\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${fmt(v).padStart(12)}`).join('\n')}\n`);
    });

  program
    .command('validate')
    .description('the statistics battery for a generated dataset (median and 5–95% range over paths) beside the real series')
    .requiredOption('--dataset <dir>', 'a dataset directory written by rl generate')
    .option('--against <file>', "real bars to compare with (default: the data the dataset was fitted on); 'none' for no comparison")
    .option('--json', 'print the comparison as JSON on stdout')
    .action((flags: { dataset: string; against?: string; json?: boolean }) => {
      const manifest = readManifest(flags.dataset);
      const against = flags.against ?? manifest.spec.data;
      const real = against === 'none' ? null : loadBars(against);
      const report = compareRealism(readDatasetPaths(flags.dataset), real);
      if (flags.json) {
        io.out(`${JSON.stringify({ dataset: manifest.id, generator: manifest.generator, against, ...report }, jsonReplacer, 2)}\n`);
        return;
      }
      const width = Math.max(...report.rows.map((r) => r.statistic.length));
      const lines = report.rows.map(
        (r) => `${r.statistic.padEnd(width)}  ${fmt(r.real).padStart(12)}  ${fmt(r.syntheticMedian).padStart(12)}  [${fmt(r.synthetic05)}, ${fmt(r.synthetic95)}]${r.realInBand === false ? '  ✗' : ''}`,
      );
      io.out(
        `dataset ${manifest.id} (${manifest.generator.id}, ${report.paths} paths) vs ${against}` +
          (real ? ` (real: median over ${report.realWindows} window(s) of the path length)` : '') +
          '\n' +
          `${'statistic'.padEnd(width)}  ${'real'.padStart(12)}  ${'synthetic'.padStart(12)}  [5%, 95%] over paths\n${lines.join('\n')}\n` +
          (report.coverage !== null ? `real value inside the synthetic band: ${(100 * report.coverage).toFixed(0)}% of statistics; MMD² of daily returns ${fmt(report.mmd2Returns)}\n` : ''),
      );
    });
}
