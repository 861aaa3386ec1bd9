/**
 * Contract suite over every registered env (Gymnasium's test_envs.py): each must pass `checkEnv`, as created
 * and as wrapped by `makeEnv`, and every env that reads market data must show no lookahead.
 *
 * How an env is created here, generically:
 * - with its spec's `contractFixture(bars, start, end)` when it declares one;
 * - else with no context, when `create({})` accepts that (classic-control envs);
 * - else, when that throws ConfigError, with `{ source: fixedEpisode(bars, start, end) }` over the suite's
 *   deterministic single-asset bars;
 * - an env that rejects that too with an RlError (e.g. it needs a Panel source) is skipped, with the reason in
 *   the test name, until its spec provides a `contractFixture`.
 * Actions are always sampled from `env.actionSpace` with a seeded rng, so Box-action envs plug in unchanged.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cartpoleSpec } from '../../envs/cartpole.js';
import type { EnvCreateContext, EnvSpec } from '../../envs/env-spec.js';
import { makeEnv } from '../../envs/make-env.js';
import { checkEnv } from '../../src/core/check-env.js';
import { BaseEnv } from '../../src/core/env.js';
import type { Env, Info, StepResult } from '../../src/core/env.js';
import { ConfigError, ResetNeededError, RlError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import type { Bars } from '../../src/data/bars.js';
import { DAY_MS } from '../../src/data/bars.js';
import { fixedEpisode } from '../../src/data/episode-source.js';
import type { EpisodeSource } from '../../src/data/episode-source.js';
import { createRegistries } from '../../src/training/registries.js';

const N_BARS = 600;
/** First decision bar of every episode the suite hands out (room for a 40-bar observation window). */
const START = 40;
/** Exclusive end of the lookahead probe's episodes: 99 decisions, so envs keep the episode's own start. */
const PROBE_END = START + 100;
const SEED = 17;
/** Offsets m: the probe perturbs every bar after START + m. */
const PROBE_OFFSETS = [0, 1, 7, 23, 50, 90];

type Fixture = (bars: Bars, start: number, end: number) => EnvCreateContext;
type Plan = { kind: 'standalone' } | { kind: 'market'; fixture: Fixture } | { kind: 'skip'; reason: string } | { kind: 'broken'; error: unknown };

/** A seeded random walk with valid OHLC, volume and a quoted-spread column. */
function randomWalkBars(n: number, rng: Rng): Bars {
  const col = () => new Float64Array(n);
  const [time, open, high, low, close, volume, spread] = [col(), col(), col(), col(), col(), col(), col()];
  let prev = 100;
  for (let i = 0; i < n; i++) {
    time[i] = 946_857_600_000 + i * DAY_MS;
    open[i] = prev * Math.exp(0.004 * rng.normal());
    close[i] = open[i] * Math.exp(0.012 * rng.normal());
    high[i] = Math.max(open[i], close[i]) * (1 + 0.004 * rng.uniform());
    low[i] = Math.min(open[i], close[i]) * (1 - 0.004 * rng.uniform());
    volume[i] = 1e6 * Math.exp(0.4 * rng.normal());
    spread[i] = 0.0004 * Math.exp(0.3 * rng.normal());
    prev = close[i];
  }
  return { symbol: 'WALK', time, open, high, low, close, volume, spread, length: n };
}

/** A copy in which every bar after `t` changes in all of OHLCV and spread, OHLC kept valid. */
function perturbAfter(bars: Bars, t: number, rng: Rng): Bars {
  const open = bars.open.slice();
  const high = bars.high.slice();
  const low = bars.low.slice();
  const close = bars.close.slice();
  const volume = bars.volume.slice();
  const spread = bars.spread?.slice();
  for (let i = t + 1; i < bars.length; i++) {
    open[i] *= Math.exp(0.05 * rng.normal());
    close[i] *= Math.exp(0.05 * rng.normal());
    high[i] = Math.max(high[i] * Math.exp(0.05 * rng.normal()), open[i], close[i]);
    low[i] = Math.min(low[i] * Math.exp(0.05 * rng.normal()), open[i], close[i]);
    volume[i] *= Math.exp(0.5 * rng.normal());
    if (spread) spread[i] *= Math.exp(0.5 * rng.normal());
  }
  return { symbol: bars.symbol, time: bars.time.slice(), open, high, low, close, volume, ...(spread ? { spread } : {}), length: bars.length };
}

const BARS = randomWalkBars(N_BARS, Rng.fromSeed('contract-bars'));

const singleAssetFixture: Fixture = (bars, start, end) => ({ source: fixedEpisode(bars, start, end) });

/** Decides, at collection time, how the suite creates this env (see the file comment). */
function planFor(spec: EnvSpec): Plan {
  try {
    if (spec.contractFixture !== undefined) return { kind: 'market', fixture: spec.contractFixture };
    try {
      spec.create({}).close();
      return { kind: 'standalone' };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
    try {
      spec.create({}, singleAssetFixture(BARS, START, N_BARS)).close();
      return { kind: 'market', fixture: singleAssetFixture };
    } catch (e) {
      if (!(e instanceof RlError)) throw e;
      return { kind: 'skip', reason: `create() rejects a single-asset episode source (${e.code}: ${e.message}); give its spec a contractFixture` };
    }
  } catch (error) {
    return { kind: 'broken', error };
  }
}

function obsBytes(obs: unknown): Uint8Array {
  if (obs instanceof Float32Array) return new Uint8Array(obs.slice().buffer);
  return new Uint8Array(Float64Array.of(Number(obs)).buffer);
}

interface Trace {
  /** Observation k was taken at bar START + k. */
  obs: Uint8Array[];
  /** Reward k is that of the transition ending at bar START + k + 1. */
  rewards: number[];
}

/** Runs one seeded episode of the probe window with seeded actions sampled from the env's action space. */
function trace(spec: EnvSpec, fixture: Fixture, bars: Bars): Trace {
  const env: Env<unknown, unknown> = spec.create({}, fixture(bars, START, PROBE_END));
  const actions = Rng.fromSeed(SEED).fork('probe-actions');
  const out: Trace = { obs: [obsBytes(env.reset({ seed: SEED }).obs)], rewards: [] };
  for (let k = 0; k < PROBE_END - START; k++) {
    const r = env.step(env.actionSpace.sample(actions));
    out.obs.push(obsBytes(r.obs));
    out.rewards.push(r.reward);
    if (r.terminated || r.truncated) break;
  }
  env.close();
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Perturbs every bar after t = START + m and returns the first way the env's past changed (an observation
 * taken at a bar ≤ t, or a reward of a transition ending at a bar ≤ t), or undefined when it did not. Also
 * reports a probe that cannot bite: nothing after t changed although the env ran past t.
 */
function lookaheadViolation(spec: EnvSpec, fixture: Fixture, m: number): string | undefined {
  const t = START + m;
  const base = trace(spec, fixture, BARS);
  const other = trace(spec, fixture, perturbAfter(BARS, t, Rng.fromSeed(`noise-${t}`)));
  for (let k = 0; k <= m && k < base.obs.length; k++) {
    if (k >= other.obs.length || !sameBytes(base.obs[k], other.obs[k])) return `observation at bar ${START + k} (≤ t = ${t}) changed`;
    if (k > 0 && !Object.is(base.rewards[k - 1], other.rewards[k - 1])) return `reward ending at bar ${START + k} (≤ t = ${t}) changed`;
  }
  const later = Math.min(base.obs.length, other.obs.length);
  if (later > m + 1 && !base.obs.slice(m + 1, later).some((o, j) => !sameBytes(o, other.obs[m + 1 + j]))) {
    return `the probe cannot bite: no observation after bar ${t} changed`;
  }
  return undefined;
}

describe.each(createRegistries().envs.ids())('env %s', (id) => {
  const registry = createRegistries().envs;
  const spec = registry.get(id);
  const plan = planFor(spec);

  if (plan.kind === 'broken') {
    it('can be created for the contract suite', () => {
      throw plan.error;
    });
    return;
  }
  if (plan.kind === 'skip') {
    it.skip(`skipped: ${plan.reason}`, () => {});
    return;
  }
  const ctx = plan.kind === 'market' ? () => plan.fixture(BARS, START, N_BARS) : () => undefined;

  it('passes checkEnv as created', () => {
    checkEnv(() => spec.create({}, ctx()), { seed: SEED, steps: 600 });
  });

  it('passes checkEnv as made by makeEnv (with episode statistics and a frame stack)', () => {
    checkEnv(() => makeEnv(registry, id, { ctx: ctx(), recordStatistics: true, frameStack: 2 }), { seed: SEED + 1, steps: 600 });
  });

  if (plan.kind === 'market') {
    it.each(PROBE_OFFSETS)('has no lookahead: everything seen up to bar start+%i is byte-identical when every later bar changes', (m) => {
      expect(lookaheadViolation(spec, plan.fixture, m)).toBeUndefined();
    });
  }
});

/** obs = [ln(close[t + peek] / close[t − 1])]: causal with peek 0, one bar of lookahead with peek 1. */
class PeekEnv extends BaseEnv<Float32Array, number> {
  readonly observationSpace = Box.uniform(1, -Infinity, Infinity);
  readonly actionSpace = new Discrete(2);
  private bars: Bars = BARS;
  private t = 0;
  private end = 0;
  private readonly obs = new Float32Array(1);
  private readonly result: StepResult<Float32Array> = { obs: this.obs, reward: 0, terminated: false, truncated: false, info: {} };

  constructor(
    private readonly source: EpisodeSource,
    private readonly peek: number,
  ) {
    super();
  }

  protected resetEpisode(): { obs: Float32Array; info: Info } {
    const e = this.source.next(this.rng);
    [this.bars, this.t, this.end] = [e.bars, e.start, e.end];
    this.write();
    return { obs: this.obs, info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.t >= this.end - 1) throw new ResetNeededError();
    this.t++;
    this.write();
    this.result.reward = action * Math.log(this.bars.close[this.t] / this.bars.close[this.t - 1]);
    this.result.truncated = this.t >= this.end - 1;
    return this.result;
  }

  private write(): void {
    this.obs[0] = Math.log(this.bars.close[Math.min(this.t + this.peek, this.bars.length - 1)] / this.bars.close[this.t - 1]);
  }
}

describe('the lookahead probe itself', () => {
  const specOf = (peek: number): EnvSpec => ({
    id: `peek-${peek}`,
    description: 'probe self-test',
    configSchema: z.strictObject({}),
    create: (_config, ctx) => {
      if (ctx?.source === undefined) throw new ConfigError('env', 'needs a source');
      return new PeekEnv(ctx.source, peek);
    },
  });

  it('passes a causal env and catches one bar of lookahead', () => {
    for (const m of PROBE_OFFSETS) {
      expect(lookaheadViolation(specOf(0), singleAssetFixture, m)).toBeUndefined();
      expect(lookaheadViolation(specOf(1), singleAssetFixture, m)).toMatch(/changed/);
    }
  });

  it('plans each env kind as documented', () => {
    const rejecting = { ...specOf(0), create: () => { throw new ConfigError('env', 'needs a panel source'); } };
    const crashing = { ...specOf(0), create: () => { throw new TypeError('boom'); } };
    expect(planFor(cartpoleSpec).kind).toBe('standalone');
    expect(planFor(specOf(0)).kind).toBe('market');
    expect(planFor(rejecting)).toEqual({ kind: 'skip', reason: expect.stringMatching(/E_CONFIG: invalid config at env: needs a panel source/) });
    expect(planFor(crashing).kind).toBe('broken');
    expect(planFor({ ...rejecting, contractFixture: singleAssetFixture }).kind).toBe('market');
  });
});
