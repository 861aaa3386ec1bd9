import { RlError, UnknownPluginError } from './errors.js';

/**
 * A typed registry of plugins (generators, envs, agents, evaluators). Registration is explicit: each
 * plugin folder's `index.ts` exports a `register…` function that the composition root calls; importing
 * a module never registers anything.
 *
 * @example
 * const generators = new Registry<GeneratorSpec>('generator');
 * generators.register(gbm);
 * generators.get('gmb'); // throws UnknownPluginError: did you mean "gbm"?
 */
export class Registry<S extends { readonly id: string }> {
  private readonly entries = new Map<string, S>();

  constructor(readonly kind: string) {}

  /** @throws RlError (E_DUPLICATE_PLUGIN) if the id is taken. */
  register(spec: S): this {
    if (this.entries.has(spec.id)) {
      throw new RlError(`${this.kind} "${spec.id}" is already registered`, 'E_DUPLICATE_PLUGIN');
    }
    this.entries.set(spec.id, spec);
    return this;
  }

  /** @throws UnknownPluginError with did-you-mean suggestions. */
  get(id: string): S {
    const spec = this.entries.get(id);
    if (spec === undefined) throw new UnknownPluginError(this.kind, id, suggestSimilar(id, this.ids()), this.ids());
    return spec;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Ids in registration order. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  values(): S[] {
    return [...this.entries.values()];
  }
}

/** Damerau-Levenshtein distance (optimal string alignment), as commander's suggestSimilar uses. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Candidates within distance ≤ 40% of the word's length (at least 1), closest first. */
export function suggestSimilar(word: string, candidates: readonly string[]): string[] {
  const maxDistance = Math.max(1, Math.floor(word.length * 0.4));
  const scored = candidates
    .map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= maxDistance || (word.length >= 3 && x.c.startsWith(word)));
  const best = Math.min(...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best || x.c.startsWith(word)).map((x) => x.c);
}
