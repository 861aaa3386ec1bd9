import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import type { CalendarEvent, EventParser, NewsItem } from '../../data/calendar.js';
import { ConfigError, RlError } from '../../core/errors.js';
import { parseThroughCache } from './cache.js';
import type { ParseCache } from './cache.js';
import { PROMPT_VERSION, SYSTEM_PROMPT, answerJsonSchema, cachedParseSchema, clip, userPrompt, validateAnswer } from './llm-answer.js';
import { toNewsEvent } from './news-event.js';
import type { ParsedNews } from './news-event.js';

/** Configuration of the `llama` parser. */
export const llamaConfigSchema = z.strictObject({
  modelPath: z.string().min(1).describe('path of a GGUF model file'),
  threads: z.int().min(1).default(1).describe('CPU threads for evaluation (1 is fastest on 2-core machines under a grammar)'),
  contextSize: z.int().min(256).default(2048).describe('context window in tokens'),
  maxTokens: z.int().min(16).default(320).describe('longest answer per item, tokens (the grammar bounds an answer to well under this)'),
  maxTextChars: z.int().min(16).default(1000).describe('longest text sent per item (longer texts are cut)'),
  gpu: z.boolean().default(false).describe('let node-llama-cpp use a GPU when it finds one'),
});
export type LlamaConfig = z.infer<typeof llamaConfigSchema>;

/** The optional package, loaded by a variable specifier so that its absence never breaks type-checking. */
export const NODE_LLAMA_CPP = 'node-llama-cpp';
export const NODE_LLAMA_CPP_INSTALL = 'npm install node-llama-cpp';

/** The part of node-llama-cpp 3 this parser uses (structural, so no type dependency on the package). */
export interface NodeLlamaCpp {
  getLlama(options?: Record<string, unknown>): Promise<LlamaRuntime>;
  LlamaChatSession: new (options: { contextSequence: unknown; systemPrompt?: string }) => LlamaSession;
}
interface LlamaRuntime {
  loadModel(options: { modelPath: string }): Promise<LlamaModelHandle>;
  createGrammarForJsonSchema(schema: Record<string, unknown>): Promise<LlamaGrammarHandle>;
  dispose?(): Promise<void>;
}
interface LlamaModelHandle {
  createContext(options: { contextSize?: number; threads?: number }): Promise<{ getSequence(): unknown; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}
interface LlamaGrammarHandle {
  parse(text: string): unknown;
}
interface LlamaSession {
  prompt(text: string, options: { grammar: LlamaGrammarHandle; maxTokens?: number; temperature?: number }): Promise<string>;
  getChatHistory(): unknown[];
  setChatHistory(history: unknown[]): void;
}

/**
 * Imports node-llama-cpp (or `specifier`).
 *
 * @throws RlError (E_PARSER_UNAVAILABLE) with the install command when the package is not installed.
 */
export async function loadNodeLlamaCpp(specifier: string = NODE_LLAMA_CPP): Promise<NodeLlamaCpp> {
  try {
    return (await import(specifier)) as NodeLlamaCpp;
  } catch (e) {
    if (isModuleMissing(e, specifier)) {
      throw new RlError(`the llama parser needs the optional package ${specifier} (about 725 MB), which is not installed: run \`${NODE_LLAMA_CPP_INSTALL}\``, 'E_PARSER_UNAVAILABLE', 2);
    }
    throw e;
  }
}

function isModuleMissing(e: unknown, specifier: string): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') return true;
  const message = err?.message ?? '';
  return message.includes(specifier) && /cannot find|failed to (load|resolve)|not found/i.test(message);
}

/** What the parser needs from its surroundings. */
export interface LlamaParserContext {
  readonly cache?: ParseCache;
  readonly onProgress?: (done: number, total: number) => void;
  /** Loads the module (default {@link loadNodeLlamaCpp}); tests substitute a missing specifier. */
  readonly load?: () => Promise<NodeLlamaCpp>;
}

/**
 * The `llama` parser: a local GGUF model through node-llama-cpp (an optional install, ≈ 725 MB, kept out of
 * the default install). One item per prompt, greedy decoding (temperature 0), and a JSON-schema grammar
 * ({@link answerJsonSchema} `gbnf`: every string bounded, sentiment from a fixed set of levels) so that the
 * model can only produce an answer of the right shape; the answer is then validated with zod like the
 * `openai` parser's, and cached under the model file's name and size.
 *
 * The model loads on the first `parse` call and stays loaded; call `dispose()` when done.
 *
 * @example
 * const parser = createLlamaParser({ modelPath: 'models/qwen2.5-1.5b-instruct-q4_k_m.gguf' }, { cache: new ParseCache() });
 * const events = await parser.parse(items);
 * await parser.dispose();
 * @throws RlError E_PARSER_UNAVAILABLE when node-llama-cpp is not installed (with the install command);
 *   E_CONFIG when the model file does not exist; E_PARSER_OUTPUT for an answer that fails validation.
 */
export function createLlamaParser(config: Partial<LlamaConfig> & { modelPath: string }, ctx: LlamaParserContext = {}): EventParser & { dispose(): Promise<void>; readonly config: LlamaConfig } {
  const cfg = llamaConfigSchema.parse(config);
  let ready: Promise<{ runtime: LlamaRuntime; model: LlamaModelHandle; session: LlamaSession; grammar: LlamaGrammarHandle; fresh: unknown[] }> | undefined;

  const modelId = (): string => {
    let size: number;
    try {
      size = statSync(cfg.modelPath).size;
    } catch {
      throw new ConfigError('llama.modelPath', `no model file at ${cfg.modelPath}`);
    }
    return `${basename(cfg.modelPath)}:${size}`;
  };

  const start = async () => {
    const mod = await (ctx.load ?? loadNodeLlamaCpp)();
    const runtime = await mod.getLlama({ gpu: cfg.gpu ? 'auto' : false, logLevel: 'error' });
    const model = await runtime.loadModel({ modelPath: cfg.modelPath });
    const context = await model.createContext({ contextSize: cfg.contextSize, threads: cfg.threads });
    const session = new mod.LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: SYSTEM_PROMPT });
    const grammar = await runtime.createGrammarForJsonSchema(answerJsonSchema(1, 'gbnf'));
    return { runtime, model, session, grammar, fresh: session.getChatHistory() };
  };

  async function ask(texts: readonly string[], items: readonly NewsItem[]): Promise<ParsedNews[]> {
    ready ??= start().catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
    const { session, grammar, fresh } = await ready;
    session.setChatHistory(fresh); // every item is answered on its own, from the same starting point
    const answer = await session.prompt(userPrompt(texts, cfg.maxTextChars), { grammar, maxTokens: cfg.maxTokens, temperature: 0 });
    return validateAnswer(answer, items, 'llama');
  }

  return {
    id: 'llama',
    config: cfg,
    async parse(items: readonly NewsItem[]): Promise<CalendarEvent[]> {
      const model = modelId();
      const parsed = await parseThroughCache(items, {
        key: { parser: 'llama', model, promptVersion: PROMPT_VERSION },
        ...(ctx.cache !== undefined ? { cache: ctx.cache } : {}),
        schema: cachedParseSchema,
        batchSize: 1,
        textOf: (item) => clip(item.text, cfg.maxTextChars),
        ask,
        ...(ctx.onProgress !== undefined ? { onProgress: ctx.onProgress } : {}),
      });
      return items.map((item, i) => toNewsEvent(item, parsed[i], 'llama'));
    },
    async dispose(): Promise<void> {
      if (ready === undefined) return;
      const r = await ready.catch(() => undefined);
      ready = undefined;
      if (r === undefined) return;
      await r.model.dispose();
      await r.runtime.dispose?.();
    },
  };
}
