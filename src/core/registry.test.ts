import { describe, expect, it } from 'vitest';
import { UnknownPluginError } from './errors.js';
import { Registry, suggestSimilar } from './registry.js';

describe('Registry', () => {
  const make = () => new Registry<{ id: string; n: number }>('generator').register({ id: 'gbm', n: 1 }).register({ id: 'real', n: 2 });

  it('returns registered specs and lists ids in order', () => {
    const r = make();
    expect(r.get('real').n).toBe(2);
    expect(r.ids()).toEqual(['gbm', 'real']);
    expect(r.has('gbm')).toBe(true);
  });

  it('rejects duplicate ids', () => {
    expect(() => make().register({ id: 'gbm', n: 3 })).toThrow(expect.objectContaining({ code: 'E_DUPLICATE_PLUGIN' }));
  });

  it('throws UnknownPluginError with a did-you-mean', () => {
    try {
      make().get('gmb');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownPluginError);
      const err = e as UnknownPluginError;
      expect(err.code).toBe('E_UNKNOWN_PLUGIN');
      expect(err.suggestions).toEqual(['gbm']);
      expect(err.message).toContain('did you mean "gbm"');
    }
  });

  it('suggests nothing for a distant word', () => {
    expect(suggestSimilar('heston', ['gbm', 'real'])).toEqual([]);
  });
});
