import type { VectorStep } from '../src/core/env.js';

/**
 * Per-sub-env running return and length; records each episode as it ends (raw env rewards) and keeps the
 * last 100 for the summary, as SB3's `ep_info_buffer`.
 */
export class EpisodeStats {
  private readonly ret: Float64Array;
  private readonly len: Int32Array;
  /** Episodes finished since the last {@link drain}. */
  private doneReturns: number[] = [];
  private doneLengths: number[] = [];
  readonly recent: number[] = [];
  episodes = 0;

  constructor(numEnvs: number) {
    this.ret = new Float64Array(numEnvs);
    this.len = new Int32Array(numEnvs);
  }

  record(res: VectorStep): void {
    for (let i = 0; i < this.ret.length; i++) {
      this.ret[i] += res.rewards[i];
      this.len[i]++;
      if (res.terminated[i] !== 0 || res.truncated[i] !== 0) {
        this.doneReturns.push(this.ret[i]);
        this.doneLengths.push(this.len[i]);
        this.recent.push(this.ret[i]);
        if (this.recent.length > 100) this.recent.shift();
        this.episodes++;
        this.ret[i] = 0;
        this.len[i] = 0;
      }
    }
  }

  /** `charts/episodic_return` and `charts/episodic_length` over the episodes finished since the last call (empty when none). */
  drain(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.doneReturns.length > 0) {
      out['charts/episodic_return'] = mean(this.doneReturns);
      out['charts/episodic_length'] = mean(this.doneLengths);
    }
    this.doneReturns = [];
    this.doneLengths = [];
    return out;
  }

  /** Mean return of the last (up to) 100 episodes; NaN when none finished. */
  get meanRecentReturn(): number {
    return this.recent.length > 0 ? mean(this.recent) : NaN;
  }
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
