import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RlError } from '../../src/core/errors.js';
import type { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { defineAgent, type Agent, type AgentContext, type TrainSummary } from '../agent.js';

export const randomConfigSchema = z.strictObject({}).describe('no options: actions are uniform');
export type RandomConfig = z.infer<typeof randomConfigSchema>;

/**
 * Uniformly random actions, drawn from the rng passed to `act` (so the caller's stream decides them and a
 * seeded evaluation is reproducible). A uniform policy has no mode: `deterministic` changes nothing.
 *
 * @example
 * const agent = randomSpec.create({}, { observationSpace, actionSpace: new Discrete(3), rng });
 * agent.act(obs, { deterministic: false, rng: Rng.fromSeed(1) }); // same seed ⇒ same actions
 */
export class RandomAgent implements Agent {
  readonly id = 'random';
  private readonly obsDim: number;
  private readonly nActions: number;

  /** @throws RlError (E_SPACE) unless the spaces are a Box and a Discrete. */
  constructor(
    readonly config: RandomConfig,
    ctx: AgentContext,
  ) {
    if (!(ctx.observationSpace instanceof Box)) throw new RlError(`random needs a Box observation space, got ${ctx.observationSpace}`, 'E_SPACE');
    if (!(ctx.actionSpace instanceof Discrete)) throw new RlError(`random needs a Discrete action space, got ${ctx.actionSpace}`, 'E_SPACE');
    this.obsDim = ctx.observationSpace.size;
    this.nActions = ctx.actionSpace.n;
  }

  /** One uniform action per row of `obs` (`[n × obsDim]`), one `rng.int` draw each. */
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array {
    const out = new Int32Array(Math.floor(obs.length / this.obsDim));
    for (let i = 0; i < out.length; i++) out[i] = opts.rng.int(this.nActions);
    return out;
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

/** Registry entry: `learns: false`. */
export const randomSpec = defineAgent<RandomConfig>({
  id: 'random',
  version: 1,
  description: 'uniformly random actions from the rng given to act()',
  learns: false,
  configSchema: randomConfigSchema,
  create: (config, ctx) => new RandomAgent(config, ctx),
});
