import { describe, expect, it } from 'vitest';
import type { NewsItem } from '../../data/calendar.js';
import { SYSTEM_PROMPT, answerJsonSchema, clip, userPrompt, validateAnswer } from './llm-answer.js';

const items: NewsItem[] = [
  { id: 'a', time: 0, text: 'x', symbols: [], source: 's' },
  { id: 'b', time: 0, text: 'y', symbols: [], source: 's' },
];
const ok = (index: number, extra: Record<string, unknown> = {}) => ({ index, type: 'news', importance: 'low', sentiment: 0, magnitude: null, symbols: [], ...extra });

describe('validateAnswer', () => {
  it('matches answers to items by index, whatever their order', () => {
    const parsed = validateAnswer(JSON.stringify({ events: [ok(2, { sentiment: -0.5 }), ok(1, { sentiment: 0.5 })] }), items, 'p');
    expect(parsed.map((p) => p.sentiment)).toEqual([0.5, -0.5]);
  });

  it('normalises symbols and string magnitudes', () => {
    const [p] = validateAnswer(JSON.stringify({ events: [ok(1, { symbols: ['$aapl', 'brk.b', 'not a ticker', 'AAPL'], magnitude: ' -50 ' })] }), items.slice(0, 1), 'p');
    expect(p.symbols).toEqual(['AAPL', 'BRK.B']);
    expect(p.magnitude).toBe(-50);
    const [q] = validateAnswer(JSON.stringify({ events: [ok(1, { magnitude: 'fifty' })] }), items.slice(0, 1), 'p');
    expect(q).not.toHaveProperty('magnitude');
  });

  it.each([
    ['not JSON', 'oops', /not JSON/],
    ['wrong top level', '[]', /not \{"events"/],
    ['unknown type', JSON.stringify({ events: [ok(1, { type: 'weather' })] }), /news item "a": type/],
    ['extra key', JSON.stringify({ events: [ok(1, { mood: 'calm' })] }), /news item "a"/],
    ['sentiment out of range', JSON.stringify({ events: [ok(1), ok(2, { sentiment: -2 })] }), /news item "b": sentiment/],
  ])('%s → E_PARSER_OUTPUT', (_name, content, message) => {
    expect(() => validateAnswer(content, items, 'p')).toThrow(expect.objectContaining({ code: 'E_PARSER_OUTPUT', message: expect.stringMatching(message) }));
  });
});

describe('prompt', () => {
  it('numbers the items, collapses whitespace and cuts long texts', () => {
    expect(userPrompt(['a\n b', 'c'.repeat(50)], 10)).toBe(`Items:\n1. a b\n2. ${'c'.repeat(10)}`);
    expect(clip('  a \t b  ', 100)).toBe('a b');
  });

  it('describes the task and every field', () => {
    for (const field of ['index', 'type', 'importance', 'sentiment', 'magnitude', 'symbols', 'fomc', 'cpi', 'payrolls', 'gdp', 'earnings']) expect(SYSTEM_PROMPT).toContain(field);
  });
});

describe('answerJsonSchema', () => {
  it('asks for exactly n events with every field required and no others', () => {
    for (const dialect of ['openai', 'gbnf'] as const) {
      const s = answerJsonSchema(3, dialect) as { properties: { events: { minItems: number; maxItems: number; items: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> } } } };
      expect(s.properties.events.minItems).toBe(3);
      expect(s.properties.events.maxItems).toBe(3);
      expect(s.properties.events.items.required.sort()).toEqual(Object.keys(s.properties.events.items.properties).sort());
      expect(s.properties.events.items.additionalProperties).toBe(false);
    }
  });
});
