import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { Bars, Panel } from './bars.js';
import { fixedEpisode } from './episode-source.js';
import { fixedPanelEpisode, isPanelEpisodeSource, validatePanel, validatePanelEpisode } from './panel-episode-source.js';

/** Flat bars at 100 on weekday times from Monday 2024-01-01; bar `shiftAt` (if any) is moved by one hour. */
function bars(symbol: string, n: number, shiftAt = -1): Bars {
  const time = new Float64Array(n);
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    while (new Date(t).getUTCDay() % 6 === 0) t += 86_400_000; // skip Saturday (6) and Sunday (0)
    time[i] = i === shiftAt ? t + 3_600_000 : t;
    t += 86_400_000;
  }
  const price = new Float64Array(n).fill(100);
  return { symbol, time, open: price, high: price, low: price, close: price, volume: new Float64Array(n).fill(1e6), length: n };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('validatePanel', () => {
  it('accepts aligned assets with equal (but distinct) time columns', () => {
    const panel: Panel = [bars('A', 20), bars('B', 20), bars('C', 20)];
    expect(panel[0].time).not.toBe(panel[1].time);
    expect(() => validatePanel(panel)).not.toThrow();
    expect(() => validatePanel([bars('A', 5)])).not.toThrow();
  });

  it('rejects an empty panel', () => {
    expect(caught(() => validatePanel([]))).toMatchObject({ code: 'E_DATA' });
  });

  it('names the asset and the first bar index whose time differs', () => {
    const e = caught(() => validatePanel([bars('A', 20), bars('B', 20), bars('C', 20, 13)]));
    expect(e).toMatchObject({ code: 'E_DATA', field: 'time', file: expect.stringContaining('"C"') });
    expect((e as Error).message).toMatch(/bar index 13\b/);
  });

  it('names the asset whose length differs', () => {
    const e = caught(() => validatePanel([bars('A', 20), bars('SHORT', 19)]));
    expect(e).toMatchObject({ code: 'E_DATA', field: 'length', file: expect.stringContaining('"SHORT"') });
  });
});

describe('fixedPanelEpisode', () => {
  it('returns the same episode every time and declares its width', () => {
    const panel = [bars('A', 30), bars('B', 30)];
    const source = fixedPanelEpisode(panel, 10);
    expect(source.assets).toBe(2);
    const e = source.next(Rng.fromSeed(1));
    expect(e).toEqual({ panel, start: 10, end: 30, origin: 'real' });
    expect(source.next(Rng.fromSeed(2))).toBe(e);
    expect(fixedPanelEpisode(panel, 10, 20, 'synthetic').next(Rng.fromSeed(1))).toMatchObject({ end: 20, origin: 'synthetic' });
  });

  it('validates the panel at once', () => {
    expect(caught(() => fixedPanelEpisode([bars('A', 30), bars('B', 30, 3)], 10))).toMatchObject({ code: 'E_DATA', field: 'time' });
  });

  it('is told apart from a single-asset source', () => {
    expect(isPanelEpisodeSource(fixedPanelEpisode([bars('A', 30)], 10))).toBe(true);
    expect(isPanelEpisodeSource(fixedEpisode(bars('A', 30), 10))).toBe(false);
    expect(isPanelEpisodeSource({ assets: 0, next: () => undefined })).toBe(false);
    expect(isPanelEpisodeSource(undefined)).toBe(false);
  });
});

describe('validatePanelEpisode', () => {
  const episode = (panel: Panel, start = 5, end = panel[0].length) => ({ panel, start, end, origin: 'real' as const });

  it('checks width, bounds and values, naming the asset, field and bar index', () => {
    const panel = [bars('A', 20), bars('B', 20)];
    expect(() => validatePanelEpisode(episode(panel), 5, 2)).not.toThrow();
    expect(caught(() => validatePanelEpisode(episode(panel), 5, 3))).toMatchObject({ code: 'E_DATA', field: 'assets' });
    expect(caught(() => validatePanelEpisode(episode(panel, 4), 5, 2))).toMatchObject({ code: 'E_DATA', field: 'start' });
    expect(caught(() => validatePanelEpisode(episode(panel, 5, 21), 5, 2))).toMatchObject({ code: 'E_DATA', field: 'end' });
    const b = bars('B', 20);
    const volume = b.volume.slice();
    volume[11] = -1;
    const e = caught(() => validatePanelEpisode(episode([bars('A', 20), { ...b, volume }]), 5, 2));
    expect(e).toMatchObject({ code: 'E_DATA', field: 'volume', file: expect.stringContaining('"B"') });
    expect((e as Error).message).toMatch(/bar index 11\b/);
  });
});
