import { describe, expect, it } from 'vitest';
import { calendarEventSchema, sortEvents } from '../../data/calendar.js';
import type { NewsItem } from '../../data/calendar.js';
import { analyzeText, classifyEventType, createBuiltinParser, extractMagnitude, extractTickers, tokenize } from './builtin.js';
import { sentimentClass } from './news-event.js';

const item = (text: string, extra: Partial<NewsItem> = {}): NewsItem => ({ id: 'n1', time: Date.UTC(2020, 2, 15, 18), text, symbols: [], source: 'wire', ...extra });

describe('event type', () => {
  it.each([
    ['The Fed cut rates by 50 basis points', 'fomc'],
    ['FOMC statement: the committee keeps the funds rate unchanged', 'fomc'],
    ['ECB raises interest rates for the first time in a decade', 'fomc'],
    ['CPI rose 0.4% in March', 'cpi'],
    ['Inflation cooled to 2.1% last month', 'cpi'],
    ['Nonfarm payrolls rose by 250,000 in May', 'payrolls'],
    ['Jobless claims fell to 210k', 'payrolls'],
    ['GDP grew 2.1% in the second quarter', 'gdp'],
    ['Acme Q3 EPS $1.20 beats by $0.12', 'earnings'],
    ['Acme reports fourth-quarter results', 'earnings'],
    ['Acme names a new chief executive', 'news'],
  ])('%s → %s', (text, type) => {
    expect(classifyEventType(text)).toBe(type);
  });

  it('a company cutting jobs is not a payrolls report', () => {
    expect(classifyEventType('Huhtamaki to axe 90 jobs at its plant')).toBe('news');
  });
});

describe('sentiment', () => {
  const s = (text: string) => analyzeText(text).sentiment;

  it('a direction next to a metric scores direction × metric sign', () => {
    expect(s('Net sales increased by 5.2 %')).toBeGreaterThan(0.5);
    expect(s('Operating loss narrowed to EUR 2.1 mn')).toBeGreaterThan(0.5);
    expect(s('Operating loss widened to EUR 17 mn')).toBeLessThan(-0.5);
    expect(s('The company will cut 90 jobs')).toBeLessThan(-0.5);
    expect(s('Operating profit totalled EUR 21.1 mn , up from EUR 18.6 mn')).toBeGreaterThan(0.5);
  });

  it('reads macro news for risk assets: lower rates and more jobs are good, higher inflation is bad', () => {
    expect(s('The Fed cut rates by 50 basis points')).toBeGreaterThan(0.5);
    expect(s('The Fed raised interest rates by 25 bps')).toBeLessThan(-0.5);
    expect(s('CPI rose 0.4%, hotter than expected')).toBeLessThan(-0.5);
    expect(s('Nonfarm payrolls rose by 250,000; the unemployment rate fell')).toBeGreaterThan(0.5);
  });

  it('negation flips: "not", "no", "failed to"', () => {
    expect(s('Acme beat estimates')).toBeGreaterThan(0.3);
    expect(s('Acme failed to beat estimates')).toBeLessThan(-0.3);
    expect(s('Sales did not increase')).toBeLessThan(-0.3);
    expect(s('There were no layoffs')).toBeGreaterThan(0.3);
  });

  it('intensifiers scale up, dampers scale down', () => {
    const plain = analyzeText('Profit fell').score;
    expect(analyzeText('Profit fell sharply').score).toBeCloseTo(1.5 * plain, 10);
    expect(analyzeText('Profit fell slightly').score).toBeCloseTo(0.5 * plain, 10);
  });

  it('turning to a loss is strongly negative, from a loss positive', () => {
    expect(s('Cramo slipped to a pretax loss of EUR 6.7 million from a pretax profit of EUR 58.9 million')).toBeLessThan(-0.7);
    expect(s('The company swung to a net profit of EUR 3 mn from a net loss')).toBeGreaterThan(0.7);
  });

  it('compares two figures after a metric when no direction word is given', () => {
    expect(s('Pretax profit totaled EUR 4.9 mn compared to EUR 5.2 mn')).toBeLessThan(-0.5);
    expect(s('Diluted EPS stood at EUR 0.42 versus EUR 0.25')).toBeGreaterThan(0.5);
  });

  it('descriptive text is neutral; sentiment stays in (−1, 1)', () => {
    expect(sentimentClass(s('The company has 15,500 employees and offices in 30 countries .'))).toBe('neutral');
    expect(sentimentClass(s('The share capital increases by 391,630 shares'))).toBe('neutral');
    const extreme = s('Record profits soared, sales jumped sharply, strong growth and robust margins improved significantly');
    expect(extreme).toBeGreaterThan(0.9);
    expect(extreme).toBeLessThan(1);
  });

  it('records the evidence it scored', () => {
    expect(analyzeText('Acme failed to beat estimates').evidence).toEqual([{ term: 'beat estimates', contribution: -1 }]);
  });
});

describe('magnitude', () => {
  it.each([
    ['The Fed cut rates by 50 basis points', -50],
    ['a 25 bp rate hike', 25],
    ['Acme EPS beat by $0.12', 0.12],
    ['Acme missed estimates by $0.05', -0.05],
    ['CPI rose 0.4% in March', 0.4],
    ['Shares fell 3 percent', -3],
    ['Sales were down 15.2 % year-on-year', -15.2],
    ['The economy added 250,000 jobs', 250_000],
    ['Payrolls fell by 20 thousand', -20_000],
    ['Acme names a new chief executive', undefined],
  ])('%s → %s', (text, value) => {
    expect(extractMagnitude(text)).toBe(value);
  });
});

describe('importance', () => {
  it('rate decisions, CPI and payrolls are high; earnings medium; other news low', () => {
    expect(analyzeText('The Fed cut rates').importance).toBe('high');
    expect(analyzeText('Acme reports second-quarter results').importance).toBe('medium');
    expect(analyzeText('Acme opens a new office in Oslo').importance).toBe('low');
  });

  it('strong words raise it by one level', () => {
    expect(analyzeText('Acme shares plunged after the recall').importance).toBe('medium');
    expect(analyzeText('Acme files for bankruptcy; fourth-quarter results withdrawn').importance).toBe('high');
  });
});

describe('tickers', () => {
  it('reads cashtags and exchange prefixes, upper-cased, in order', () => {
    expect(extractTickers('Apple (NASDAQ: AAPL) and $msft rally; $BRK.B flat')).toEqual(['AAPL', 'MSFT', 'BRK.B']);
    expect(extractTickers('Teleste Oyj HEL : TLT1V saw its net profit jump')).toEqual(['TLT1V']);
    expect(extractTickers('EPS beat by $0.12')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('turns numbers into #value tokens and repairs wire-copy decimals', () => {
    expect(tokenize('Net sales rose 5.2 % to EUR13 .6 m')).toEqual(['net', 'sales', 'rose', '#5.2', '%', 'to', 'eur', '#13.6', 'm']);
    expect(tokenize("didn't 1,244.4")).toEqual(["didn't", '#1244.4']);
  });
});

describe('createBuiltinParser', () => {
  it('gives one valid, unscheduled news event per item with sentiment = surprise', async () => {
    const events = await createBuiltinParser().parse([
      item('The Fed cut rates by 100 basis points'),
      item('Acme (NYSE: ACME) Q3 EPS beat by $0.12', { id: 'n2', symbols: ['ACME', 'XYZ'] }),
      item('Acme opens a new office', { id: 'n3' }),
    ]);
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect(calendarEventSchema.parse(e)).toEqual(e);
      expect(e.scheduled).toBe(false);
      expect(e.source).toEqual({ kind: 'news', ref: 'wire', parser: 'builtin' });
      expect(e.surprise).toBe(e.sentiment);
    }
    expect(events[0]).toMatchObject({ type: 'fomc', importance: 'high', scope: ['market'], magnitude: -100, text: 'The Fed cut rates by 100 basis points' });
    expect(events[1]).toMatchObject({ type: 'earnings', importance: 'medium', scope: ['ACME', 'XYZ'], magnitude: 0.12 });
    expect(events[2]).toMatchObject({ type: 'news', importance: 'low', scope: ['market'] });
    expect(events[2]).not.toHaveProperty('magnitude');
  });

  it('macro events always include the market in their scope', async () => {
    const [e] = await createBuiltinParser().parse([item('$SPY CPI rose 0.4%')]);
    expect(e.scope).toEqual(['market', 'SPY']);
  });

  it('is deterministic, and two items of one source at one instant get distinct ids', async () => {
    const items = [item('Acme beats estimates', { id: 'a' }), item('Acme beats estimates', { id: 'b' })];
    const first = await createBuiltinParser().parse(items);
    expect(await createBuiltinParser().parse(items)).toEqual(first);
    expect(first[0].id).not.toBe(first[1].id);
    expect(() => sortEvents(first)).not.toThrow();
  });
});
