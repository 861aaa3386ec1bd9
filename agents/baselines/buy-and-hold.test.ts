import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { buyAndHoldSpec } from './buy-and-hold.js';

const observationSpace = Box.uniform(3, -1, 1);
const rng = Rng.fromSeed(0);
const obs = new Float32Array(12); // 4 rows

describe('buy-and-hold', () => {
  it('picks the action with the largest position, for every row', () => {
    const agent = buyAndHoldSpec.create({}, { observationSpace, actionSpace: new Discrete(4), rng, actionPositions: [0, 1, -1, 0.5] });
    expect(Array.from(agent.act(obs, { deterministic: true, rng }))).toEqual([1, 1, 1, 1]);
    expect(Array.from(agent.act(obs, { deterministic: false, rng }))).toEqual([1, 1, 1, 1]);
  });

  it('takes the last action when positions are unknown', () => {
    const agent = buyAndHoldSpec.create({}, { observationSpace, actionSpace: new Discrete(3), rng });
    expect(Array.from(agent.act(obs, { deterministic: true, rng }))).toEqual([2, 2, 2, 2]);
  });

  it('rejects positions that do not match the action space', () => {
    expect(() => buyAndHoldSpec.create({}, { observationSpace, actionSpace: new Discrete(3), rng, actionPositions: [-1, 1] })).toThrow(
      expect.objectContaining({ code: 'E_SPACE' }),
    );
  });

  it('does not learn, and saves agent.json', async () => {
    expect(buyAndHoldSpec.learns).toBe(false);
    expect(buyAndHoldSpec.configSchema.parse({})).toEqual({});
    const agent = buyAndHoldSpec.create({}, { observationSpace, actionSpace: new Discrete(3), rng });
    const summary = await agent.learn({} as never, { steps: 1000 });
    expect(summary).toMatchObject({ steps: 0, updates: 0, episodes: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'bah-'));
    try {
      await agent.save(dir);
      expect(JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8'))).toEqual({ id: 'buy-and-hold', version: 1, config: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
