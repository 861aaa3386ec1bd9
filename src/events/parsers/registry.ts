import { z } from 'zod';
import type { ZodType } from 'zod';
import type { EventParser } from '../../data/calendar.js';
import { parseConfig } from '../../core/config.js';
import { Registry } from '../../core/registry.js';
import { createBuiltinParser } from './builtin.js';
import type { ParseCache } from './cache.js';
import { createLlamaParser, llamaConfigSchema } from './llama.js';
import { createOpenAiParser, openaiConfigSchema } from './openai.js';

/** What a parser is created with besides its own config. */
export interface ParserContext {
  /** The parse cache; model-backed parsers cache every answer in it, `builtin` ignores it. */
  readonly cache?: ParseCache;
  /** Progress: items resolved so far of the call's total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Environment for API keys (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A parser that may hold resources (a loaded model): call `dispose` when done. */
export type DisposableParser = EventParser & { dispose?(): Promise<void> };

/**
 * A kind of event parser: an id, a zod schema for its config (strict, so a misspelt key is reported) and a
 * factory.
 *
 * @example
 * const mine = defineParser({
 *   id: 'mine', description: 'headlines scored by an in-house service', usesCache: true,
 *   configSchema: z.strictObject({ url: z.url() }),
 *   create: (cfg, ctx) => createMyParser(cfg, ctx),
 * });
 * registry.register(mine);
 */
export interface ParserSpec<C = unknown> {
  readonly id: string;
  readonly description: string;
  /** Whether the parser reads and writes the parse cache. */
  readonly usesCache: boolean;
  readonly configSchema: ZodType<C>;
  create(config: C, ctx: ParserContext): DisposableParser;
}

/** Identity helper that types a spec from its schema. */
export function defineParser<C>(spec: ParserSpec<C>): ParserSpec<C> {
  return spec;
}

// Each spec validates its own config, so the registry erases it (as the generator registry does).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ParserRegistry = Registry<ParserSpec<any>>;

export const builtinParserSpec = defineParser({
  id: 'builtin',
  description: 'finance lexicon and patterns: deterministic, offline, no cache needed',
  usesCache: false,
  configSchema: z.strictObject({}),
  create: () => createBuiltinParser(),
});

export const openaiParserSpec = defineParser({
  id: 'openai',
  description: 'any OpenAI-compatible chat-completions endpoint (OpenAI, llama.cpp server, vLLM, Ollama), JSON-schema output, cached',
  usesCache: true,
  configSchema: openaiConfigSchema,
  create: (cfg, ctx) =>
    createOpenAiParser(cfg, {
      ...(ctx.cache !== undefined ? { cache: ctx.cache } : {}),
      ...(ctx.onProgress !== undefined ? { onProgress: ctx.onProgress } : {}),
      ...(ctx.env !== undefined ? { env: ctx.env } : {}),
    }),
});

export const llamaParserSpec = defineParser({
  id: 'llama',
  description: 'a local GGUF model through node-llama-cpp (optional install), JSON-schema grammar, cached',
  usesCache: true,
  configSchema: llamaConfigSchema,
  create: (cfg, ctx) =>
    createLlamaParser(cfg, {
      ...(ctx.cache !== undefined ? { cache: ctx.cache } : {}),
      ...(ctx.onProgress !== undefined ? { onProgress: ctx.onProgress } : {}),
    }),
});

/** Registers the built-in parsers (`builtin`, `openai`, `llama`). */
export function registerParsers(registry: ParserRegistry): ParserRegistry {
  return registry.register(builtinParserSpec).register(openaiParserSpec).register(llamaParserSpec);
}

/** A new registry holding the built-in parsers. */
export function createParserRegistry(): ParserRegistry {
  return registerParsers(new Registry('parser'));
}

/**
 * Creates a parser by id with a config validated by its schema.
 *
 * @example
 * const parser = createParser(createParserRegistry(), 'openai', { baseUrl: 'http://127.0.0.1:8080/v1', model: 'local' }, { cache });
 * @throws UnknownPluginError for an unknown id (with a did-you-mean); ConfigError naming `parser.<id>.<key>`.
 */
export function createParser(registry: ParserRegistry, id: string, config: unknown, ctx: ParserContext = {}): DisposableParser {
  const spec = registry.get(id);
  return spec.create(parseConfig(spec.configSchema, config ?? {}, `parser.${id}`), ctx);
}
