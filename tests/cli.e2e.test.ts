import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
// The TypeScript loader, resolved from the project (the child runs in a temp directory).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const work = mkdtempSync(join(tmpdir(), 'rl-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the real CLI entry in a child process (exit codes and stdout/stderr as a user sees them). */
function rl(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', tsxLoader, join(root, 'src/cli/main.ts'), ...args], { cwd: work, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const smallPpo = join(work, 'small.json');
writeFileSync(smallPpo, JSON.stringify({ agent: { config: { nSteps: 128, batchSize: 64, nEpochs: 2 } } }));

describe('rl CLI (child process)', () => {
  it('train --generator gbm --ratio 4 exits 0, prints the fold table and writes the run files', () => {
    const r = rl('train', '--config', smallPpo, '--generator', 'gbm', '--ratio', '4', '--steps', '256', '--folds', '2', '--envs', '2', '--out', 'runs');
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fold\s+test window\s+agent Sharpe\s+B&H Sharpe/);
    expect(r.stdout).toMatch(/^pooled /m);
    expect(r.stderr).toMatch(/fold 2\/2 test/);
    const id = /run ([0-9a-f]{16})/.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    const dir = join(work, 'runs', id as string);
    for (const f of ['manifest.json', 'config.json', 'metrics.jsonl', 'report.json', 'report.md', 'params-fold-0.json']) expect(existsSync(join(dir, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id, kind: 'run', seed: 0, data: { symbol: 'SPX', bars: 5105 } });
    expect(Object.keys(manifest.outputs)).toContain('report.json');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.generator).toMatchObject({ id: 'gbm' });
    expect(config.ratio).toBe(4);
    expect(config.agent.config.nSteps).toBe(128);
    expect(config.agent.config.gamma).toBe(0.99); // defaults are written out
  });

  it('--json prints the report on stdout and nothing else (--env trading-v0 is the walk-forward experiment)', () => {
    const r = rl('train', '--config', smallPpo, '--env', 'trading-v0', '--ratio', '0', '--steps', '128', '--folds', '1', '--envs', '1', '--json', '--out', 'runs');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.folds).toHaveLength(1);
    expect(report.ratio).toBe(0);
    expect(report.folds[0].episodes.synthetic).toBe(0);
    expect(typeof report.pooled.agent.sharpe).toBe('number');
  });

  it('a bad CSV row exits non-zero naming the file, line and field, and writes no run', () => {
    const csv = join(work, 'bad.csv');
    const rows = ['date,open,high,low,close,volume'];
    for (let i = 0; i < 30; i++) rows.push(`2020-01-${String(i + 1).padStart(2, '0')},100,101,99,100,1000`);
    rows[17] = '2020-01-17,100,99,98,100,1000'; // line 18: high below open/close
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const r = rl('train', '--data', csv, '--steps', '64', '--out', 'bad-runs');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('bad.csv');
    expect(r.stderr).toContain('line 18');
    expect(r.stderr).toContain('high');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(work, 'bad-runs'))).toBe(false);
  });

  it('train --env cartpole-v1 trains on the env alone and prints the evaluation as JSON', () => {
    const r = rl('train', '--env', 'cartpole-v1', '--agent', 'ppo', '--steps', '2048', '--seed', '1', '--json', '--out', 'env-runs');
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ env: 'cartpole-v1', agent: 'ppo', seed: 1, numEnvs: 1, trainSteps: 2048, evalEpisodes: 20 });
    expect(typeof report.evalMeanReward).toBe('number');
    expect(report.evalMeanReward).toBeGreaterThanOrEqual(1);
    expect(typeof report.evalStdReward).toBe('number');
    expect(r.stderr).toMatch(/^done in \d+s$/m);
    for (const f of ['config.json', 'metrics.jsonl', 'report.json', 'manifest.json', 'agent/agent.json']) expect(existsSync(join(work, report.dir, f)), f).toBe(true);
    const human = rl('train', '--env', 'cartpole-v1', '--agent', 'random', '--steps', '64', '--eval-episodes', '3', '--out', 'env-runs');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^eval +mean reward [\d.]+ ± [\d.]+ \(sd\) over 3 deterministic episodes/m);
    expect(human.stdout).toMatch(/^run [0-9a-f]{16} → /m);
  });

  it('--agent-preset applies a named agent config, and an unknown one names the flag and the presets', () => {
    const r = rl('train', '--env', 'cartpole-v1', '--agent', 'dqn', '--agent-preset', 'cartpole', '--steps', '512', '--eval-episodes', '2', '--json', '--out', 'env-runs');
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(work, JSON.parse(r.stdout).dir, 'config.json'), 'utf8'));
    expect(config.agent.config).toMatchObject({ learningRate: 2.3e-3, trainFreq: 256, gradientSteps: 128, targetUpdateInterval: 10 });
    const bad = rl('train', '--env', 'cartpole-v1', '--agent', 'dqn', '--agent-preset', 'nope', '--steps', '64');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--agent-preset');
    expect(bad.stderr).toContain('sb3, cartpole');
  });

  it('train --env: an unknown env exits 2 (with a did-you-mean when one is close), walk-forward flags are refused', () => {
    const nope = rl('train', '--env', 'nope', '--steps', '64');
    expect(nope.code).toBe(2);
    expect(nope.stderr).toContain('unknown env "nope"');
    expect(nope.stderr).toContain('cartpole-v1'); // the known envs are listed
    const near = rl('train', '--env', 'cartpol-v1', '--steps', '64');
    expect(near.code).toBe(2);
    expect(near.stderr).toContain('did you mean "cartpole-v1"');
    const ratio = rl('train', '--env', 'cartpole-v1', '--ratio', '2', '--steps', '64');
    expect(ratio.code).toBe(2);
    expect(ratio.stderr).toContain('--ratio');
  });

  it('event flags reach the resolved config; bad values name the flag', () => {
    writeFileSync(join(work, 'hikes.jsonl'), '{"offset": 60, "type": "fomc", "importance": "high", "surprise": -2.5}\n');
    const r = rl('train', '--config', smallPpo, '--generator', 'event', '--randomize', '0.25', '--scenario', 'hikes.jsonl', '--event-features', '--calendar', 'builtin', '--steps', '256', '--folds', '1', '--envs', '1', '--json', '--out', 'runs');
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(work, JSON.parse(r.stdout).dir, 'config.json'), 'utf8'));
    expect(config.generator).toMatchObject({ id: 'event', config: { randomize: 0.25, scenario: [{ offset: 60, type: 'fomc', surprise: -2.5 }] } });
    expect(config.env.config.features.calendar).toMatchObject({ horizon: 20, halfLife: 5 });
    expect(config.events).toEqual({ calendar: 'builtin', news: [], parser: 'builtin' });
    const high = rl('train', '--randomize', '2', '--steps', '64');
    expect(high.code).not.toBe(0);
    expect(high.stderr).toContain('--randomize');
    const missing = rl('train', '--scenario', 'nope.jsonl', '--steps', '64');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--scenario');
  });

  it('an unknown generator fails with a did-you-mean', () => {
    const r = rl('train', '--generator', 'gmb', '--steps', '64');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "gbm"');
  });

  it('bad flag values fail with a one-line error', () => {
    const r = rl('train', '--ratio', 'four');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--ratio <r>');
    expect(r.stderr).toContain('four');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(rl('train', '--steps', '0').code).not.toBe(0);
  });

  it('list prints the registered plugins', () => {
    const r = rl('list', 'generators', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining(['gbm', 'real']));
    expect(rl('list', 'agents').stdout).toMatch(/^ppo\s/m);
    expect(rl('list', 'envs').stdout).toMatch(/^trading-v0\s/m);
  });

  it('bench prints machine-readable figures', () => {
    const r = rl('bench', 'rng', '--json');
    expect(r.code).toBe(0);
    const figures = JSON.parse(r.stdout) as { suite: string; name: string; value: number; unit: string }[];
    expect(figures.map((f) => f.name)).toEqual(['uniform()', 'normal() (Ziggurat)', 'int(1000)']);
    for (const f of figures) expect(f).toMatchObject({ suite: 'rng', unit: 'draws/s', value: expect.any(Number) });
    expect(r.stderr).toContain('# rng');
    expect(rl('bench', 'nope').code).not.toBe(0);
    expect(rl('bench', '--help').stdout).toMatch(/default: rng, env, generators, agents/);
  });

  it('stats prints the battery of a price file as JSON', () => {
    const r = rl('stats', '--json');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b).toMatchObject({ symbol: 'SPX', n: 5104, adfReturns: { usedLag: 20 } });
    expect(b.archLm12.pvalue).toBeLessThan(1e-10);
  });

  it('generate persists a dataset that validate compares with the real series, and regenerates it byte for byte', () => {
    const g = rl('generate', '--generator', 'gbm', '--paths', '3', '--length', '600', '--seed', '2', '--out', 'ds', '--json');
    expect(g.code).toBe(0);
    const manifest = JSON.parse(g.stdout);
    expect(manifest.files).toEqual(['path-00000.csv', 'path-00001.csv', 'path-00002.csv']);
    const again = rl('generate', '--from', manifest.dir, '--out', 'ds2', '--json');
    expect(again.code).toBe(0);
    const m2 = JSON.parse(again.stdout);
    expect(m2.id).toBe(manifest.id);
    expect(m2.outputs).toEqual(manifest.outputs);
    const v = rl('validate', '--dataset', manifest.dir, '--json');
    expect(v.code).toBe(0);
    const report = JSON.parse(v.stdout);
    expect(report.paths).toBe(3);
    expect(report.realWindows).toBe(8); // 5105 real bars in windows of 600
    const kurt = report.rows.find((row: { statistic: string }) => row.statistic === 'excessKurtosis');
    expect(kurt.real).toBeGreaterThan(kurt.synthetic95); // GBM has no fat tails: the battery says so
    expect(rl('validate', '--dataset', 'nowhere').code).toBe(3);
  });

  it('generate --returns-only streams log returns in chunks and regenerates them byte for byte', () => {
    const g = rl('generate', '--generator', 'garch', '--returns-only', '--chunk', '100', '--paths', '2', '--length', '750', '--seed', '4', '--out', 'rds', '--json');
    expect(g.stderr).toBe('');
    expect(g.code).toBe(0);
    const manifest = JSON.parse(g.stdout);
    expect(manifest.spec).toMatchObject({ generator: 'garch', returnsOnly: true, length: 750 });
    expect(manifest.files).toEqual(['path-00000.returns.csv', 'path-00001.returns.csv']);
    const lines = readFileSync(join(work, manifest.dir, 'path-00000.returns.csv'), 'utf8').split('\n');
    expect(lines[0]).toBe('log_return');
    expect(lines).toHaveLength(752); // header, 750 values, and the empty string after the final LF
    expect(lines.slice(1, -1).every((l) => Number.isFinite(Number(l)) && l === String(Number(l)))).toBe(true);
    const again = rl('generate', '--from', manifest.dir, '--chunk', '7', '--out', 'rds2', '--json');
    expect(again.code).toBe(0);
    const m2 = JSON.parse(again.stdout);
    expect(m2.id).toBe(manifest.id);
    expect(m2.outputs).toEqual(manifest.outputs);
    expect(rl('generate', '--returns-only', '--chunk', '0').code).not.toBe(0);
    expect(rl('generate', '--returns-only', '--start', '2020-01-02', '--out', 'rds3').code).toBe(2);
  });
});
