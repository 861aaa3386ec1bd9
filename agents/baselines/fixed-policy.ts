import { join } from 'node:path';
import { writeJsonAtomic } from '../../src/core/atomic.js';
import { RlError } from '../../src/core/errors.js';
import type { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { Agent, AgentContext, TrainSummary } from '../agent.js';

/**
 * Base of agents whose policy never changes (baselines): `learn` returns at once, `save` writes only
 * `agent.json`. Subclasses implement `act`.
 */
export abstract class FixedPolicyAgent<C> implements Agent {
  abstract readonly id: string;
  protected readonly obsDim: number;
  protected readonly nActions: number;

  /** @throws RlError (E_SPACE) unless the spaces are a Box and a Discrete. */
  constructor(
    label: string,
    readonly config: C,
    ctx: AgentContext,
  ) {
    if (!(ctx.observationSpace instanceof Box)) throw new RlError(`${label} needs a Box observation space, got ${ctx.observationSpace}`, 'E_SPACE');
    if (!(ctx.actionSpace instanceof Discrete)) throw new RlError(`${label} needs a Discrete action space, got ${ctx.actionSpace}`, 'E_SPACE');
    this.obsDim = ctx.observationSpace.size;
    this.nActions = ctx.actionSpace.n;
  }

  abstract act(obs: Float32Array, opts: { deterministic: boolean; rng: Rng }): Int32Array;

  /** Rows in a batch of observations (`[n × obsDim]`). */
  protected rows(obs: Float32Array): number {
    return Math.floor(obs.length / this.obsDim);
  }

  /** A fixed policy: returns at once with a zero summary. */
  async learn(): Promise<TrainSummary> {
    return { steps: 0, updates: 0, episodes: 0, meanEpisodeReturn: NaN };
  }

  /** Writes `agent.json` atomically (there are no weights). */
  async save(dir: string): Promise<void> {
    writeJsonAtomic(join(dir, 'agent.json'), { id: this.id, version: 1, config: this.config });
  }

  dispose(): void {}
}
