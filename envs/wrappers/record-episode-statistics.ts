import type { Env, Info, ResetOptions, StepResult } from '../../src/core/env.js';
import { Wrapper } from './wrapper.js';

/** The statistics of one finished episode. */
export interface EpisodeStatistics {
  /** Sum of the episode's per-step rewards (undiscounted). */
  return: number;
  /** Steps in the episode. */
  length: number;
}

/**
 * Tracks each episode's undiscounted return and length (Gymnasium's `RecordEpisodeStatistics`, without the
 * wall-clock time, which must never reach results). On the step that ends an episode (terminated or
 * truncated) the result's info is a fresh copy of the inner info plus `episode: { return, length }`; on every
 * other step the inner info passes through untouched, so nothing is allocated. The last `bufferLength`
 * (default 100) returns and lengths are kept, oldest first, in the typed fields `returnQueue`/`lengthQueue`.
 *
 * The step result object is reused.
 *
 * @example
 * const env = new RecordEpisodeStatistics(new CartPoleEnv());
 * env.reset({ seed: 0 });
 * let r; do r = env.step(1); while (!r.terminated && !r.truncated);
 * (r.info.episode as EpisodeStatistics).length; // ≈ 10
 * env.returnQueue;                              // [≈ 10]
 * @throws RangeError from the constructor unless bufferLength is a positive integer.
 */
export class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  private readonly returns: number[] = [];
  private readonly lengths: number[] = [];
  private readonly result: StepResult<O> = { obs: undefined as unknown as O, reward: 0, terminated: false, truncated: false, info: {} };
  private episodeReturn = 0;
  private episodeLength = 0;
  private finished = 0;

  constructor(
    env: Env<O, A>,
    readonly bufferLength = 100,
  ) {
    super(env);
    if (!(Number.isInteger(bufferLength) && bufferLength >= 1)) {
      throw new RangeError(`RecordEpisodeStatistics needs a positive integer bufferLength, got ${bufferLength}`);
    }
  }

  /** Returns of the last `bufferLength` finished episodes, oldest first (a live read-only view). */
  get returnQueue(): readonly number[] {
    return this.returns;
  }

  /** Lengths of the last `bufferLength` finished episodes, oldest first (a live read-only view). */
  get lengthQueue(): readonly number[] {
    return this.lengths;
  }

  /** Episodes finished since construction. */
  get episodeCount(): number {
    return this.finished;
  }

  override reset(opts?: ResetOptions): { obs: O; info: Info } {
    const r = this.env.reset(opts);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return r;
  }

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength++;
    const out = this.result;
    out.obs = r.obs;
    out.reward = r.reward;
    out.terminated = r.terminated;
    out.truncated = r.truncated;
    out.info = r.info;
    if (r.terminated || r.truncated) {
      const episode: EpisodeStatistics = { return: this.episodeReturn, length: this.episodeLength };
      out.info = { ...r.info, episode };
      this.push(episode);
      this.episodeReturn = 0;
      this.episodeLength = 0;
    }
    return out;
  }

  private push(episode: EpisodeStatistics): void {
    this.finished++;
    this.returns.push(episode.return);
    this.lengths.push(episode.length);
    if (this.returns.length > this.bufferLength) {
      this.returns.shift();
      this.lengths.shift();
    }
  }
}
