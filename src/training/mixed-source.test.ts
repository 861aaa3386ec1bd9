import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Rng } from '../core/rng.js';
import { allocBars } from '../data/bars.js';
import { defineGenerator } from '../../generators/generator.js';
import { MixedEpisodeSource } from './mixed-source.js';

const flat = (n: number) => {
  const b = allocBars('X', n);
  for (let i = 0; i < n; i++) {
    b.time[i] = i * 86_400_000;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100;
    b.volume[i] = 1;
  }
  return b;
};

const constant = defineGenerator({
  id: 'constant',
  version: 1,
  description: 'flat bars, for tests',
  configSchema: z.object({}),
  fit: () => ({}),
  sample: (_p, _rng, opts) => Array.from({ length: opts.paths }, () => [flat(opts.length)]),
});

const origins = (source: MixedEpisodeSource, n: number) => {
  const rng = Rng.fromSeed(0);
  return Array.from({ length: n }, () => (source.next(rng).origin === 'real' ? 'R' : 'S')).join('');
};

describe('MixedEpisodeSource', () => {
  const base = { real: flat(400), generator: { spec: constant, params: {} }, window: 10, episodeLength: 50 };

  it('interleaves r synthetic episodes per real one', () => {
    expect(origins(new MixedEpisodeSource({ ...base, ratio: 4 }), 10)).toBe('RSSSSRSSSS');
    expect(origins(new MixedEpisodeSource({ ...base, ratio: 1 }), 6)).toBe('RSRSRS');
    expect(origins(new MixedEpisodeSource({ ...base, ratio: 0.5 }), 6)).toBe('RSRRSR');
  });

  it('serves real only at ratio 0 and synthetic only without real data', () => {
    expect(origins(new MixedEpisodeSource({ ...base, ratio: 0 }), 5)).toBe('RRRRR');
    expect(origins(new MixedEpisodeSource({ ...base, real: null, ratio: Infinity }), 5)).toBe('SSSSS');
  });

  it('holds the ratio over long streams', () => {
    const s = new MixedEpisodeSource({ ...base, ratio: 3 });
    origins(s, 4000);
    expect(s.counts).toEqual({ real: 1000, synthetic: 3000 });
  });

  it('generates synthetic paths just long enough for one episode', () => {
    const s = new MixedEpisodeSource({ ...base, ratio: 1 });
    const rng = Rng.fromSeed(1);
    s.next(rng);
    const ep = s.next(rng);
    expect(ep.origin).toBe('synthetic');
    expect(ep.bars.length).toBe(61);
    expect([ep.start, ep.end]).toEqual([10, 61]);
  });

  it('rejects a training window too short for one episode, naming the key', () => {
    expect(() => new MixedEpisodeSource({ ...base, real: flat(50), ratio: 1 })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'env.episodeLength' }));
  });
});
