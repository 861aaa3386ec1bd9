import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { randomSpec } from './random.js';

const ctx = { observationSpace: Box.uniform(2, -1, 1), actionSpace: new Discrete(3), rng: Rng.fromSeed(0) };

describe('random', () => {
  it('is seeded by the rng given to act', () => {
    const agent = randomSpec.create({}, ctx);
    const obs = new Float32Array(2 * 50);
    const a = agent.act(obs, { deterministic: false, rng: Rng.fromSeed(7) });
    expect(a.length).toBe(50);
    expect(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(7) })).toEqual(a);
    expect(agent.act(obs, { deterministic: false, rng: Rng.fromSeed(8) })).not.toEqual(a);
  });

  it('draws actions uniformly (binomial 5σ band)', () => {
    const agent = randomSpec.create({}, ctx);
    const n = 30_000;
    const actions = agent.act(new Float32Array(2 * n), { deterministic: true, rng: Rng.fromSeed(1) });
    const counts = [0, 0, 0];
    for (const a of actions) counts[a]++;
    for (const c of counts) expect(Math.abs(c - n / 3)).toBeLessThan(5 * Math.sqrt((n * 2) / 9));
  });

  it('does not learn, and saves agent.json', async () => {
    expect(randomSpec.learns).toBe(false);
    const agent = randomSpec.create({}, ctx);
    expect(await agent.learn({} as never, { steps: 10 })).toMatchObject({ steps: 0, updates: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'random-'));
    try {
      await agent.save(dir);
      expect(JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8'))).toEqual({ id: 'random', version: 1, config: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
