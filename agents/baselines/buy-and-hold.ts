import { z } from 'zod';
import { RlError } from '../../src/core/errors.js';
import { defineAgent, type AgentContext } from '../agent.js';
import { FixedPolicyAgent } from './fixed-policy.js';

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
export class BuyAndHoldAgent extends FixedPolicyAgent<BuyAndHoldConfig> {
  readonly id = 'buy-and-hold';
  /** The action taken at every step. */
  readonly action: number;

  /** @throws RlError (E_SPACE) unless the spaces are a Box and a Discrete matching `actionPositions`. */
  constructor(config: BuyAndHoldConfig, ctx: AgentContext) {
    super('buy-and-hold', config, ctx);
    const positions = ctx.actionPositions;
    if (positions === undefined) {
      this.action = this.nActions - 1;
      return;
    }
    if (positions.length !== this.nActions) throw new RlError(`actionPositions has ${positions.length} entries for ${ctx.actionSpace}`, 'E_SPACE');
    let best = 0;
    for (let a = 1; a < positions.length; a++) if (positions[a] > positions[best]) best = a;
    this.action = best;
  }

  /** The same action for every row of `obs` (`[n × obsDim]`). */
  act(obs: Float32Array): Int32Array {
    return new Int32Array(this.rows(obs)).fill(this.action);
  }
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
