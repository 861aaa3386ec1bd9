import type { EnvRunProgress } from '../training/env-run.js';
import type { CliIo } from './io.js';

/**
 * Progress of `rl train --env <id>` on stderr: redrawn in place on a terminal; off a terminal, training at
 * every quarter of the budget, then the evaluation once. Wall-clock time is shown here, never stored.
 *
 * @example
 * await envRun(input, { registries, onProgress: envProgressReporter(processIo) });
 */
export function envProgressReporter(io: CliIo): (p: EnvRunProgress) => void {
  const started = performance.now();
  let lastLine = '';
  let lastKey = '';
  return (p) => {
    const elapsed = `${((performance.now() - started) / 1000).toFixed(0)}s`;
    let line: string;
    let key: string;
    if (p.phase === 'train') {
      const frac = Math.min(1, p.step / p.steps);
      line = `train [${'#'.repeat(Math.round(frac * 20)).padEnd(20, '.')}] ${p.step}/${p.steps} steps  ${elapsed}`;
      key = `train-${Math.floor(4 * frac)}`;
    } else if (p.phase === 'eval') {
      line = `eval ${p.episode}/${p.episodes} episodes  ${elapsed}`;
      key = 'eval';
    } else {
      line = `done in ${elapsed}`;
      key = 'done';
    }
    if (io.errIsTty) io.err(`\r${line.padEnd(lastLine.length)}${p.phase === 'done' ? '\n' : ''}`);
    else if (key !== lastKey) io.err(`${line}\n`);
    lastKey = key;
    lastLine = line;
  };
}
