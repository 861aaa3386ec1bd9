import { z } from 'zod';
import type { Rng } from '../../src/core/rng.js';
import { defineAgent, type AgentContext } from '../agent.js';
import { FixedPolicyAgent } from './fixed-policy.js';

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
export class RandomAgent extends FixedPolicyAgent<RandomConfig> {
  readonly id = 'random';

  /** @throws RlError (E_SPACE) unless the spaces are a Box and a Discrete. */
  constructor(config: RandomConfig, ctx: AgentContext) {
    super('random', config, ctx);
  }

  /** One uniform action per row of `obs` (`[n × obsDim]`), one `rng.int` draw each. */
  act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array {
    const out = new Int32Array(this.rows(obs));
    for (let i = 0; i < out.length; i++) out[i] = opts.rng.int(this.nActions);
    return out;
  }
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
