import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { allocBars, DAY_MS } from '../src/data/bars.js';
import { DEFAULT_SAMPLE_START } from './generator.js';
import {
  brownianMax,
  brownianMin,
  checkTrainPanel,
  ohlcViolation,
  sampleTimes,
  utcWeekday,
  weekdayTimes,
  writeBar,
  writeBrownianBar,
} from './ohlc.js';

/**
 * Empirical tail probabilities of N draws against the exact law. Each indicator is Bernoulli(p), so the
 * empirical frequency has standard deviation sqrt(p(1 − p)/N); a 5-sigma band fails by chance with
 * probability < 1e-6 per point.
 */
function expectTail(draws: Float64Array, exceeds: (d: number) => boolean, p: number): void {
  let hits = 0;
  for (const d of draws) if (exceeds(d)) hits++;
  const band = 5 * Math.sqrt((p * (1 - p)) / draws.length);
  expect(Math.abs(hits / draws.length - p)).toBeLessThan(band);
}

describe('Brownian extremes', () => {
  const N = 100_000;

  it('max of a bridge 0 → 0 over variance 1 has P(M > m) = exp(−2m²) (reflection principle)', () => {
    const rng = Rng.fromSeed('bridge-max');
    const draws = new Float64Array(N).map(() => brownianMax(0, 1, 1 - rng.uniform()));
    for (const m of [0.1, 0.25, 0.5, 1, 1.5]) expectTail(draws, (d) => d > m, Math.exp(-2 * m * m));
  });

  it('max and min of a bridge 0 → x over variance v follow exp(−2m(m − x)/v) and exp(−2a(a + x)/v)', () => {
    const x = 0.5;
    const v = 2;
    const rng = Rng.fromSeed('bridge-drift');
    const maxes = new Float64Array(N).map(() => brownianMax(x, v, 1 - rng.uniform()));
    const mins = new Float64Array(N).map(() => brownianMin(x, v, 1 - rng.uniform()));
    for (const m of [0.6, 1, 2]) expectTail(maxes, (d) => d > m, Math.exp((-2 * m * (m - x)) / v));
    for (const a of [0.1, 0.5, 1.5]) expectTail(mins, (d) => d < -a, Math.exp((-2 * a * (a + x)) / v));
  });

  it('always brackets the path ends, and degenerates to them when u = 1 or v = 0', () => {
    expect(brownianMax(0.02, 1e-4, 1)).toBe(0.02);
    expect(brownianMax(-0.02, 1e-4, 1)).toBe(0);
    expect(brownianMin(-0.02, 1e-4, 1)).toBe(-0.02);
    expect(brownianMin(0.02, 0, 0.3)).toBe(0);
    const rng = Rng.fromSeed('bracket');
    for (let i = 0; i < 1000; i++) {
      const x = 0.03 * rng.normal();
      const u = 1 - rng.uniform();
      expect(brownianMax(x, 1e-4, u)).toBeGreaterThanOrEqual(Math.max(0, x));
      expect(brownianMin(x, 1e-4, u)).toBeLessThanOrEqual(Math.min(0, x));
    }
  });
});

describe('bars from log returns', () => {
  it('writeBar compounds from the previous close and returns the close', () => {
    const bars = allocBars('X', 1);
    const close = writeBar(bars, 0, 100, Math.log(1.01), Math.log(1.03), Math.log(0.98), Math.log(1.02), 500);
    expect(bars.open[0]).toBeCloseTo(101, 10);
    expect(bars.high[0]).toBeCloseTo(104.03, 10);
    expect(bars.low[0]).toBeCloseTo(98.98, 10);
    expect(close).toBe(bars.close[0]);
    expect(close).toBeCloseTo(103.02, 10);
    expect(bars.volume[0]).toBe(500);
  });

  it('writeBar widens extremes that fall inside the body', () => {
    const bars = allocBars('X', 1);
    bars.time[0] = 1;
    writeBar(bars, 0, 100, 0, 0.01, 0.02, 0.05, 0); // high and low both inside [open, close]
    expect(bars.high[0]).toBe(bars.close[0]);
    expect(bars.low[0]).toBe(bars.open[0]);
    expect(ohlcViolation(bars)).toBeUndefined();
  });

  it('writeBrownianBar gives valid bars and uses exactly two uniforms per bar', () => {
    const n = 10_000;
    const bars = allocBars('X', n);
    bars.time.set(weekdayTimes(DEFAULT_SAMPLE_START, n));
    const rng = Rng.fromSeed('brownian-bar');
    let prev = 50;
    for (let t = 0; t < n; t++) prev = writeBrownianBar(bars, t, prev, 0.003 * rng.normal(), 0.01 * rng.normal(), 1e-4, 1, rng);
    expect(ohlcViolation(bars)).toBeUndefined();

    const a = Rng.fromSeed('draws');
    const b = Rng.fromSeed('draws');
    writeBrownianBar(allocBars('X', 1), 0, 1, 0, 0, 0, 0, a);
    b.uniform();
    b.uniform();
    expect(a.state()).toEqual(b.state());
  });

  it('ohlcViolation reports each kind of invalid bar', () => {
    const make = (): ReturnType<typeof allocBars> => {
      const bars = allocBars('X', 2);
      bars.time.set([1, 2]);
      bars.open.set([10, 10]);
      bars.high.set([11, 11]);
      bars.low.set([9, 9]);
      bars.close.set([10.5, 10.5]);
      bars.volume.set([0, 5]);
      return bars;
    };
    expect(ohlcViolation(make())).toBeUndefined();
    const cases: [string, (b: ReturnType<typeof allocBars>) => void][] = [
      ['high', (b) => (b.high[1] = 10.4)],
      ['low', (b) => (b.low[1] = 10.1)],
      ['finite', (b) => (b.close[1] = Number.NaN)],
      ['> 0', (b) => (b.low[0] = 0)],
      ['volume', (b) => (b.volume[1] = -1)],
      ['increase', (b) => (b.time[1] = 1)],
    ];
    for (const [word, spoil] of cases) {
      const bars = make();
      spoil(bars);
      expect(ohlcViolation(bars)).toContain(word);
    }
  });
});

describe('weekday times', () => {
  it('step over weekends and keep the time of day', () => {
    const fri = Date.UTC(2000, 0, 7, 16);
    expect(utcWeekday(fri)).toBe(5);
    expect(Array.from(weekdayTimes(fri, 3))).toEqual([fri, fri + 3 * DAY_MS, fri + 4 * DAY_MS]);
  });

  it('move a weekend start to the next Monday', () => {
    const mon = Date.UTC(2000, 0, 10);
    expect(weekdayTimes(Date.UTC(2000, 0, 8), 1)[0]).toBe(mon); // Saturday
    expect(weekdayTimes(Date.UTC(2000, 0, 9), 1)[0]).toBe(mon); // Sunday
  });

  it('are strictly increasing weekdays with gaps of 1 or 3 days, also before 1970', () => {
    for (const start of [DEFAULT_SAMPLE_START, Date.UTC(1965, 4, 5)]) {
      const t = weekdayTimes(start, 1000);
      for (let i = 0; i < t.length; i++) {
        const dow = new Date(t[i]).getUTCDay();
        expect(dow).toBe(utcWeekday(t[i]));
        expect(dow >= 1 && dow <= 5).toBe(true);
        if (i > 0) expect([DAY_MS, 3 * DAY_MS]).toContain(t[i] - t[i - 1]);
      }
    }
  });

  it('sampleTimes starts at DEFAULT_SAMPLE_START and validates the options', () => {
    expect(sampleTimes({ length: 2, paths: 1 })[0]).toBe(DEFAULT_SAMPLE_START);
    for (const bad of [{ length: 0, paths: 1 }, { length: 2.5, paths: 1 }, { length: 2, paths: 0 }, { length: 2, paths: 1, start: Number.NaN }]) {
      expect(() => sampleTimes(bad)).toThrow(ConfigError);
    }
  });
});

describe('checkTrainPanel', () => {
  const bars = (symbol: string, times: number[]): ReturnType<typeof allocBars> => {
    const b = allocBars(symbol, times.length);
    b.time.set(times);
    for (const col of [b.open, b.high, b.low, b.close]) col.fill(10);
    return b;
  };

  it('accepts good panels and rejects empty, short, non-positive or misaligned ones with E_DATA', () => {
    expect(() => checkTrainPanel([bars('A', [1, 2]), bars('B', [1, 2])], 2, true)).not.toThrow();
    expect(() => checkTrainPanel([bars('A', [1, 2]), bars('B', [1, 3])], 2, false)).not.toThrow();
    const bad = bars('A', [1, 2]);
    bad.close[1] = -1;
    const cases = [
      (): void => checkTrainPanel([], 2, false),
      (): void => checkTrainPanel([bars('A', [1])], 2, false),
      (): void => checkTrainPanel([bad], 2, false),
      (): void => checkTrainPanel([bars('A', [1, 2]), bars('B', [1, 3])], 2, true),
      (): void => checkTrainPanel([bars('A', [1, 2]), bars('B', [1, 2, 3])], 2, true),
    ];
    for (const run of cases) {
      expect(run).toThrow(DataError);
      try {
        run();
      } catch (e) {
        expect((e as DataError).code).toBe('E_DATA');
      }
    }
  });
});
