import { describe, expect, it } from 'vitest';
import { UnknownPluginError } from '../../core/errors.js';
import { createParser, createParserRegistry } from './registry.js';

describe('parser registry', () => {
  const registry = createParserRegistry();

  it('holds builtin, openai and llama; only the model-backed ones use the cache', () => {
    expect(registry.ids()).toEqual(['builtin', 'openai', 'llama']);
    expect(registry.values().map((s) => s.usesCache)).toEqual([false, true, true]);
  });

  it('an unknown id suggests the nearest', () => {
    expect(() => registry.get('opena')).toThrow(UnknownPluginError);
    expect(() => registry.get('opena')).toThrow(/did you mean "openai"/);
  });

  it('validates each config against its schema, naming the key', () => {
    expect(createParser(registry, 'builtin', {}).id).toBe('builtin');
    expect(() => createParser(registry, 'builtin', { model: 'x' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'parser.builtin.model' }));
    expect(() => createParser(registry, 'openai', { batchSize: 0 })).toThrow(expect.objectContaining({ code: 'E_CONFIG', path: 'parser.openai.batchSize' }));
    expect(() => createParser(registry, 'openai', { baseUrl: 'not a url' })).toThrow(expect.objectContaining({ path: 'parser.openai.baseUrl' }));
    expect(() => createParser(registry, 'llama', {})).toThrow(expect.objectContaining({ path: 'parser.llama.modelPath' }));
  });

  it('fills defaults: openai at temperature-0 defaults, llama on one thread', () => {
    const openai = createParser(registry, 'openai', { baseUrl: 'http://127.0.0.1:8080/v1' }) as unknown as { config: Record<string, unknown> };
    expect(openai.config).toMatchObject({ model: 'gpt-4o-mini', apiKeyEnv: 'OPENAI_API_KEY', batchSize: 10, maxRetries: 4 });
    const llama = createParser(registry, 'llama', { modelPath: 'm.gguf' }) as unknown as { config: Record<string, unknown> };
    expect(llama.config).toMatchObject({ threads: 1, gpu: false });
  });
});

describe.each(createParserRegistry().ids())('parser contract: %s', (id) => {
  const spec = createParserRegistry().get(id);

  it('has a lower-case id, a description and a strict config schema', () => {
    expect(spec.id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(spec.description.length).toBeGreaterThan(10);
    expect(spec.configSchema.safeParse({ modelPath: 'm.gguf', surelyNotAKey: 1 }).success).toBe(false);
  });
});
