import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GeneratorSpec } from '../generators/generator.js';
import { gbm } from '../generators/gbm.js';
import type { CalendarEvent } from '../src/data/calendar.js';
import { loadBuiltinSp500 } from '../src/data/builtin.js';
import { builtinCalendar } from '../src/events/builtin-calendar.js';
import { generateDataset, readDatasetPaths, regenerateDataset } from '../src/store/dataset.js';
import { createRegistries } from '../src/training/registries.js';
import { trainRun } from '../src/training/train-run.js';

/**
 * The event chain end to end: a calendar reaches each fold's generator restricted to that fold's
 * training window, and event datasets keep their labels beside the bars.
 */
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'rl-events-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('events in experiments', () => {
  it('each fold fits on its training window’s events only (no test-window event leaks into fit)', async () => {
    const seen: { trainEnd: number; calendar: readonly CalendarEvent[] }[] = [];
    // A gbm that records what fit() was given.
    const spy: GeneratorSpec = {
      ...(gbm as GeneratorSpec),
      id: 'calendar-spy',
      fit(train, config, ctx) {
        seen.push({ trainEnd: train[0].time[train[0].length - 1], calendar: ctx.calendar ?? [] });
        return (gbm as GeneratorSpec).fit(train, config, ctx);
      },
    };
    const registries = createRegistries();
    registries.generators.register(spy);
    await trainRun(
      { generator: { id: 'calendar-spy' }, agent: { id: 'buy-and-hold' }, train: { steps: 256, numEnvs: 1 }, walkForward: { folds: 3 } },
      { registries, outDir: temp() },
    );
    expect(seen).toHaveLength(3);
    const all = builtinCalendar();
    for (const { trainEnd, calendar } of seen) {
      expect(calendar.length).toBeGreaterThan(50);
      const lastDay = Math.floor(trainEnd / 86_400_000);
      // Every event the generator saw is on or before the last training bar's day…
      for (const e of calendar) expect(Math.floor(e.time / 86_400_000)).toBeLessThanOrEqual(lastDay);
      // …and it saw all of them up to there (nothing silently dropped).
      const first = loadBuiltinSp500().time[0];
      expect(calendar.length).toBe(all.filter((e) => e.time >= first - 86_400_000 && Math.floor(e.time / 86_400_000) <= lastDay).length);
    }
    // Later folds see strictly more history.
    expect(seen[0].calendar.length).toBeLessThan(seen[1].calendar.length);
  });

  it("events: { calendar: 'none' } gives the generator an empty calendar and changes the run id", async () => {
    const calendars: number[] = [];
    const spy: GeneratorSpec = { ...(gbm as GeneratorSpec), id: 'calendar-spy-2', fit: (t, c, ctx) => (calendars.push(ctx.calendar?.length ?? -1), (gbm as GeneratorSpec).fit(t, c, ctx)) };
    const registries = createRegistries();
    registries.generators.register(spy);
    const base = { generator: { id: 'calendar-spy-2' }, agent: { id: 'buy-and-hold' }, train: { steps: 256, numEnvs: 1 }, walkForward: { folds: 1 } };
    const a = await trainRun({ ...base, events: { calendar: 'none' } }, { registries, outDir: temp() });
    const b = await trainRun(base, { registries, outDir: temp() });
    expect(calendars[0]).toBe(0);
    expect(calendars[1]).toBeGreaterThan(0);
    expect(a.id).not.toBe(b.id);
  });
});

describe('event datasets', () => {
  it('writes each path’s drawn events beside it, reads them back onto the bars, regenerates byte for byte', () => {
    const registries = createRegistries();
    const spec = { generator: 'event', config: { randomize: 1 }, data: 'builtin', seed: 5, paths: 2, length: 500, calendar: 'builtin' };
    const a = generateDataset(spec, registries, temp());
    expect(a.manifest.files).toEqual(['path-00000.csv', 'path-00000.events.jsonl', 'path-00001.csv', 'path-00001.events.jsonl']);
    const paths = readDatasetPaths(a.dir);
    const events = paths[0][0].events ?? [];
    expect(events.length).toBeGreaterThan(10);
    // Labels carry drawn outcomes for FOMC (the built-in calendar's no-change surprises give the law).
    expect(events.filter((e) => e.type === 'fomc').some((e) => e.surprise !== undefined)).toBe(true);
    // Every label sits on a bar of its path.
    const days = new Set(Array.from(paths[0][0].time, (t) => Math.floor(t / 86_400_000)));
    for (const e of events) expect(days.has(Math.floor(e.time / 86_400_000))).toBe(true);
    // Different paths draw different outcomes.
    expect(JSON.stringify(paths[1][0].events)).not.toBe(JSON.stringify(events));
    const again = regenerateDataset(a.dir, registries, temp());
    for (const f of readdirSync(a.dir)) expect(readFileSync(join(again.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
  });
});
