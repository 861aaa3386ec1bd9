import type { ExperimentProgress } from '../training/experiment.js';
import type { CliIo } from './io.js';

/**
 * Progress on stderr: redrawn in place on a terminal, one line per phase otherwise. Wall-clock time is
 * shown here and never written into results.
 */
export function progressReporter(io: CliIo): (p: ExperimentProgress) => void {
  const started = performance.now();
  let lastLine = '';
  let lastQuarter = -1;
  return (p) => {
    const elapsed = `${((performance.now() - started) / 1000).toFixed(0)}s`;
    let line: string;
    if (p.phase === 'done') line = `done in ${elapsed}`;
    else if (p.phase === 'train' && p.steps) {
      const frac = Math.min(1, (p.step ?? 0) / p.steps);
      const bar = '#'.repeat(Math.round(frac * 20)).padEnd(20, '.');
      line = `fold ${p.fold + 1}/${p.folds} train [${bar}] ${p.step ?? 0}/${p.steps} steps  ${elapsed}`;
    } else line = `fold ${p.fold + 1}/${p.folds} ${p.phase}  ${elapsed}`;
    if (io.errIsTty) io.err(`\r${line.padEnd(lastLine.length)}${p.phase === 'done' ? '\n' : ''}`);
    else {
      // Off a terminal, print each phase once and training progress at every quarter.
      const quarter = p.phase === 'train' && p.steps ? Math.floor((4 * Math.min(p.step ?? 0, p.steps)) / p.steps) : -1;
      if (p.phase !== 'train' || quarter !== lastQuarter) io.err(`${line}\n`);
      lastQuarter = quarter;
    }
    lastLine = line;
  };
}
