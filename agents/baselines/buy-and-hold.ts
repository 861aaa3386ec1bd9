import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RlError } from '../../src/core/errors.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { defineAgent, type Agent, type AgentContext, type TrainSummary } from '../agent.js';

export const buyAndHoldConfigSchema = z.strictObject({}).describe('no options: the policy is fixed');
export type BuyAndHoldConfig = z.infer<typeof buyAndHoldConfigSchema>;

/**
 * Always holds the largest position: the action whose `ctx.actionPositions` value is the largest (the
 * first such action on ties), or the last action when the env gives no positions. The benchmark every
 * trading result is compared with.
 *
 * @example
 * const agent = buyAndHoldSpec.create({}, { observationSpace, actionSpace: new Discrete(3), rng, actionPositions: [-1, 0, 1] });
 * agent.act(obs, { deterministic: true, rng }); // Int32Array of 2s
 */
export class BuyAndHoldAgent implements Agent {
  readonly id = 'buy-and-hold';
  /** The action taken at every step. */
  readonly action: number;
  private readonly obsDim: number;

  /** @throws RlError (E_SPACE) unless the spaces are a Box and a Discrete matching `actionPositions`. */
  constructor(
    readonly config: BuyAndHoldConfig,
    ctx: AgentContext,
  ) {
    if (!(ctx.observationSpace instanceof Box)) throw new RlError(`buy-and-hold needs a Box observation space, got ${ctx.observationSpace}`, 'E_SPACE');
    if (!(ctx.actionSpace instanceof Discrete)) throw new RlError(`buy-and-hold needs a Discrete action space, got ${ctx.actionSpace}`, 'E_SPACE');
    this.obsDim = ctx.observationSpace.size;
    const positions = ctx.actionPositions;
    if (positions === undefined) {
      this.action = ctx.actionSpace.n - 1;
      return;
    }
    if (positions.length !== ctx.actionSpace.n) throw new RlError(`actionPositions has ${positions.length} entries for ${ctx.actionSpace}`, 'E_SPACE');
    let best = 0;
    for (let a = 1; a < positions.length; a++) if (positions[a] > positions[best]) best = a;
    this.action = best;
  }

  /** The same action for every row of `obs` (`[n × obsDim]`). */
  act(obs: Float32Array): Int32Array {
    return new Int32Array(Math.floor(obs.length / this.obsDim)).fill(this.action);
  }

  /** A fixed policy: returns at once with a zero summary. */
  async learn(): Promise<TrainSummary> {
    return { steps: 0, updates: 0, episodes: 0, meanEpisodeReturn: NaN };
  }

  /** Writes `agent.json` atomically (there are no weights). */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'agent.json');
    await writeFile(`${path}.tmp-${process.pid}`, `${JSON.stringify({ id: this.id, version: 1, config: this.config }, null, 2)}\n`);
    await rename(`${path}.tmp-${process.pid}`, path);
  }

  dispose(): void {}
}

/** Registry entry: `learns: false`, so trainers skip training and evaluate it directly. */
export const buyAndHoldSpec = defineAgent<BuyAndHoldConfig>({
  id: 'buy-and-hold',
  version: 1,
  description: 'always the largest position (the last action when positions are unknown)',
  learns: false,
  configSchema: buyAndHoldConfigSchema,
  create: (config, ctx) => new BuyAndHoldAgent(config, ctx),
});
