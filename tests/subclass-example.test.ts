// The README's "Subclassing the env" example, kept compiling and running here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistries, fixedEpisode, loadBuiltinSp500, TradingEnv, tradingEnvSpec, trainRun } from '../src/index.js';
import type { EpisodeSource, RewardFn, TradingEnvInput } from '../src/index.js';

/** Long or flat only, with a reward that charges turnover twice: once in equity, once as a penalty. */
class LongFlatEnv extends TradingEnv {
  constructor(config: TradingEnvInput, source: EpisodeSource) {
    const costAverse: RewardFn = (ctx) => ctx.logReturn - ctx.cost / ctx.equityBefore;
    super({ ...config, positions: [0, 1], allowShort: false }, source, { reward: costAverse });
  }
}

const work = mkdtempSync(join(tmpdir(), 'rl-subclass-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README subclassing example', () => {
  it('runs as a plain env', () => {
    const env = new LongFlatEnv({ window: 30 }, fixedEpisode(loadBuiltinSp500(), 30));
    env.reset({ seed: 1 });
    const r = env.step(1); // go long at the next open
    expect(r.info.position).toBeGreaterThan(0.99);
    expect(r.reward).toBeLessThan(r.info.logReturn); // the entry cost is charged again in the reward
    expect(env.actionSpace.n).toBe(2);
  });

  it('plugs into experiments through the registry', async () => {
    const registries = createRegistries();
    registries.envs.register({
      ...tradingEnvSpec,
      id: 'long-flat-v0',
      create: (config, ctx) => new LongFlatEnv(config as TradingEnvInput, ctx!.source!),
    });
    const { report } = await trainRun(
      { env: { id: 'long-flat-v0' }, agent: { config: { nSteps: 64, nEpochs: 1 } }, train: { steps: 128, numEnvs: 2 }, walkForward: { folds: 1 } },
      { registries, outDir: work },
    );
    expect(report.folds[0].agent.exposure).toBeGreaterThanOrEqual(0);
    expect(report.folds[0].buyAndHold.exposure).toBeGreaterThan(0.99); // buy-and-hold picks position 1, the largest
  });
});
