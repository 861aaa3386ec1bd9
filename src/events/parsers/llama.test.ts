import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarEventSchema } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import { ParseCache } from './cache.js';
import { NODE_LLAMA_CPP, createLlamaParser, loadNodeLlamaCpp } from './llama.js';
import type { NodeLlamaCpp } from './llama.js';
import { SENTIMENT_LEVELS } from './llm-answer.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-llama-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fakeModel = join(dir, 'fake.gguf');
writeFileSync(fakeModel, 'GGUF not really');

const items: NewsItem[] = [
  { id: 'n1', time: Date.UTC(2020, 0, 2), text: 'Acme beats estimates', symbols: ['ACME'], source: 'wire' },
  { id: 'n2', time: Date.UTC(2020, 0, 3), text: 'The Fed cut rates by 50 basis points', symbols: [], source: 'wire' },
];

/** Whether node-llama-cpp can be imported here (it is an optional, separately installed package). */
async function nodeLlamaCppInstalled(): Promise<boolean> {
  try {
    await loadNodeLlamaCpp();
    return true;
  } catch {
    return false;
  }
}

describe('llama parser without node-llama-cpp', () => {
  it('a missing module is E_PARSER_UNAVAILABLE with the install command', async () => {
    await expect(loadNodeLlamaCpp('node-llama-cpp-not-installed-anywhere')).rejects.toMatchObject({
      code: 'E_PARSER_UNAVAILABLE',
      message: expect.stringContaining('npm install node-llama-cpp'),
    });
  });

  it('parse() reports it when the package is absent (and nothing is cached)', async () => {
    const missing = () => loadNodeLlamaCpp('node-llama-cpp-not-installed-anywhere');
    const parser = createLlamaParser({ modelPath: fakeModel }, { load: missing });
    await expect(parser.parse(items)).rejects.toMatchObject({ code: 'E_PARSER_UNAVAILABLE' });
    if (!(await nodeLlamaCppInstalled())) {
      await expect(createLlamaParser({ modelPath: fakeModel }).parse(items)).rejects.toMatchObject({ code: 'E_PARSER_UNAVAILABLE' });
    }
  });

  it('a missing model file is a config error naming the key', async () => {
    await expect(createLlamaParser({ modelPath: join(dir, 'absent.gguf') }).parse(items)).rejects.toMatchObject({ code: 'E_CONFIG', path: 'llama.modelPath' });
  });
});

/** Every string in a JSON schema has a maxLength or is an enum (a random model may never close a free string). */
function unboundedStrings(schema: unknown, path = '$'): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const here = s.type === 'string' && typeof s.maxLength !== 'number' ? [path] : [];
  const children = Object.entries(s).flatMap(([k, v]) => (typeof v === 'object' ? unboundedStrings(v, `${path}.${k}`) : []));
  return [...here, ...children];
}

describe('llama parser with a stand-in module', () => {
  function fake(answers: (prompt: string) => string) {
    const log = { getLlama: [] as unknown[], context: [] as unknown[], schemas: [] as unknown[], prompts: [] as string[], resets: 0, options: [] as unknown[] };
    const mod: NodeLlamaCpp = {
      getLlama: (o) => {
        log.getLlama.push(o);
        return Promise.resolve({
          loadModel: () =>
            Promise.resolve({
              createContext: (c) => (log.context.push(c), Promise.resolve({ getSequence: () => ({}), dispose: () => Promise.resolve() })),
              dispose: () => Promise.resolve(),
            }),
          createGrammarForJsonSchema: (schema) => (log.schemas.push(schema), Promise.resolve({ parse: (t: string) => JSON.parse(t) as unknown })),
        });
      },
      LlamaChatSession: class {
        prompt(text: string, o: unknown) {
          log.prompts.push(text);
          log.options.push(o);
          return Promise.resolve(answers(text));
        }
        getChatHistory() {
          return [{ type: 'system', text: 'x' }];
        }
        setChatHistory() {
          log.resets++;
        }
      },
    };
    return { mod, log };
  }
  const good = (prompt: string) =>
    JSON.stringify({ events: [{ index: 1, type: prompt.includes('Fed') ? 'fomc' : 'earnings', importance: 'high', sentiment: 0.5, magnitude: prompt.includes('50') ? '-50' : '', symbols: ['acme', '!!'] }] });

  it('loads once with threads 1, constrains every answer by a bounded JSON-schema grammar, and builds valid events', async () => {
    const { mod, log } = fake(good);
    const parser = createLlamaParser({ modelPath: fakeModel }, { load: () => Promise.resolve(mod) });
    const events = await parser.parse(items);
    expect(log.getLlama).toHaveLength(1);
    expect(log.context).toEqual([{ contextSize: 2048, threads: 1 }]);
    expect(log.prompts).toEqual(['Items:\n1. Acme beats estimates', 'Items:\n1. The Fed cut rates by 50 basis points']);
    expect(log.resets).toBe(2); // each item starts from the same history
    expect(log.options[0]).toMatchObject({ temperature: 0, maxTokens: 320 });
    expect(unboundedStrings(log.schemas[0])).toEqual([]);
    expect(JSON.stringify(log.schemas[0])).toContain(JSON.stringify([...SENTIMENT_LEVELS]));
    for (const e of events) expect(calendarEventSchema.parse(e)).toEqual(e);
    expect(events[0]).toMatchObject({ type: 'earnings', scope: ['ACME'], sentiment: 0.5, source: { parser: 'llama' } });
    expect(events[0]).not.toHaveProperty('magnitude');
    expect(events[1]).toMatchObject({ type: 'fomc', scope: ['market', 'ACME'], magnitude: -50 });
    await parser.dispose();
  });

  it('caches answers under the model file: a second parser asks nothing', async () => {
    const cache = new ParseCache(join(dir, 'cache-fake'));
    const first = fake(good);
    const a = await createLlamaParser({ modelPath: fakeModel }, { cache, load: () => Promise.resolve(first.mod) }).parse(items);
    const second = fake(good);
    const b = await createLlamaParser({ modelPath: fakeModel }, { cache, load: () => Promise.reject(new Error('must not load')) }).parse(items);
    expect(second.log.prompts).toEqual([]);
    expect(b).toEqual(a);
    expect(cache.stats()).toEqual({ hits: 2, misses: 2, writes: 2 });
  });

  it('an answer that fails validation names the item', async () => {
    const { mod } = fake(() => JSON.stringify({ events: [{ index: 1, type: 'weather', importance: 'high', sentiment: 0, magnitude: '', symbols: [] }] }));
    await expect(createLlamaParser({ modelPath: fakeModel }, { load: () => Promise.resolve(mod) }).parse(items.slice(1))).rejects.toMatchObject({
      code: 'E_PARSER_OUTPUT',
      message: expect.stringContaining('news item "n2": type'),
    });
  });
});

const MODEL = fileURLToPath(new URL('../../../../shared/models/llama-2-tiny-random.gguf', import.meta.url));

describe('llama parser end to end (random-weight GGUF)', () => {
  let reason = '';
  beforeAll(async () => {
    if (!existsSync(MODEL)) reason = '../shared/models/llama-2-tiny-random.gguf not found';
    else if (!(await nodeLlamaCppInstalled())) reason = `${NODE_LLAMA_CPP} is not installed (optional: npm install ${NODE_LLAMA_CPP})`;
  });

  it(`runs node-llama-cpp under the grammar, validates and caches (skipped unless ${NODE_LLAMA_CPP} is installed and the model exists)`, async (ctx) => {
    if (reason !== '') ctx.skip(reason);
    const cache = new ParseCache(join(dir, 'cache-e2e'));
    const parser = createLlamaParser({ modelPath: MODEL }, { cache });
    try {
      const events = await parser.parse(items);
      expect(events).toHaveLength(2);
      for (const e of events) {
        expect(calendarEventSchema.parse(e)).toEqual(e); // random weights: structure, not meaning
        expect(e.source).toEqual({ kind: 'news', ref: 'wire', parser: 'llama' });
        expect(SENTIMENT_LEVELS as readonly number[]).toContain(e.sentiment);
      }
      expect(cache.stats()).toMatchObject({ misses: 2, writes: 2 });
      expect(await parser.parse(items)).toEqual(events);
      expect(cache.stats()).toMatchObject({ hits: 2, writes: 2 });
    } finally {
      await parser.dispose();
    }
  });
});
