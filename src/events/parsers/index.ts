export * from './builtin.js';
export * from './cache.js';
export * from './evaluate.js';
export * from './llama.js';
export * from './llm-answer.js';
export * from './news-event.js';
export * from './openai.js';
export * from './registry.js';
