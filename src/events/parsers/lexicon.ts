/**
 * The word lists of the `builtin` news parser: a small finance lexicon written for this project (no
 * third-party dictionary), read by {@link analyzeText} in builtin.ts.
 *
 * Terms are lower-case token sequences (`"lay off"` is two tokens). Each term has one role:
 * - a **polar word** carries a standalone polarity (`strong` +1, `bankruptcy` −2);
 * - a **direction** says a quantity went up (+1) or down (−1) (`rose`, `cut`, `narrowed`);
 * - a **metric** is a quantity whose rise is good (`sales`, `payrolls`), bad (`loss`, `inflation`, `rates`)
 *   or a market price (`shares`, `index`), which only price verbs (`rose`, `fell`, `higher`) move;
 * - a **modifier** negates (`not`, `failed to`), intensifies (`sharply`) or damps (`slightly`) what follows;
 * - a **neutral** phrase is consumed so its words are not read on their own (`share capital`, `up to`).
 *
 * A direction next to a metric scores direction × metric sign ("operating loss narrowed" = −1 × −1 = good
 * news), which is how most financial news states its sentiment.
 */

/** What a lexicon term does in a sentence. */
export type TermRole =
  | { readonly kind: 'polar'; readonly polarity: number }
  | { readonly kind: 'direction'; readonly sign: 1 | -1; readonly priceVerb: boolean; readonly polarity: number }
  | { readonly kind: 'metric'; readonly sign: 1 | -1; readonly price: boolean; readonly polarity: number }
  | { readonly kind: 'negator' }
  | { readonly kind: 'intensifier'; readonly factor: number }
  | { readonly kind: 'neutral' };

const split = (s: string): string[] =>
  s
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== '');

const lexicon = new Map<string, TermRole>();
const add = (terms: string, role: TermRole): void => {
  for (const t of split(terms)) lexicon.set(t, role);
};

// ── polar words ─────────────────────────────────────────────────────────────────────────────────────────────
add(
  'beat|beats|beating|exceeded|exceeds|outperformed|outperform|outperforms|record|strong|stronger|strongest|strength|' +
    'strengthen|strengthens|strengthened|strengthening|robust|solid|improvement|improvements|success|successful|' +
    'successfully|win|wins|won|awarded|award|positive|optimistic|upgrade|upgraded|upgrades|profitable|profitability|' +
    'expansion|benefit|benefits|benefited|opportunity|opportunities|favorable|favourable|attractive|momentum|rally|' +
    'rallied|upbeat|bullish|breakthrough|efficient|efficiency|boosts|boosting|gains|gain|gained|healthy|' +
    'better than expected|above expectations|above estimates|above forecast|above consensus|ahead of expectations|' +
    'beat expectations|beat estimates|topped estimates|topped expectations|cost savings|new orders|order backlog|' +
    'best|excellent|accelerate|accelerated|advantage|advantages|enhance|enhanced|enhances|well positioned|' +
    'pleased|satisfied|confident|confidence|recovery|recovered|rebound|rebounded|turnaround|buy rating|overweight|' +
    'record high|highs|year high|year-high|all-time high|leading|savings|good|better|succeeded|succeed|welcome|' +
    'welcomed|high-quality|brisk|boomed|booming|win-win|competitiveness|convincing|applauded|fantastic|' +
    'recommendable|step forward|stabilised|stabilized|remained high|remain high',
  { kind: 'polar', polarity: 1 },
);
add(
  'decline|declines|weak|weaker|weakest|weakness|weakened|worse|worst|poor|poorly|problem|problems|difficult|difficulty|' +
    'difficulties|challenging|uncertain|uncertainty|lawsuit|lawsuits|sued|sues|fraud|investigation|probe|fined|penalty|' +
    'penalties|downgrade|downgraded|downgrades|miss|missed|misses|warning|warns|warned|profit warning|layoff|layoffs|' +
    'lay-off|lay-offs|lay off|laid off|lays off|laying off|redundancies|redundancy|job cuts|closure|closures|' +
    'shut down|shuts down|close down|close-down|closing down|halt|halted|halts|suspend|suspended|suspends|delay|' +
    'delayed|delays|recall|recalls|terminated|termination|terminate|negative|pessimistic|bearish|slump|slumped|' +
    'crisis|recession|concerns|disappoint|disappointing|disappointed|disappointment|shortfall|impairment|' +
    'writedown|write-down|write-downs|writedowns|violated|violation|infringe|infringed|infringement|hurt|hit by|' +
    'pressure|pressured|volatile|volatility|fell short|below expectations|below estimates|below forecast|' +
    'below consensus|worse than expected|missed expectations|missed estimates|personnel negotiations|' +
    'employer-employee negotiations|co-operation negotiations|cooperation negotiations|temporary lay-offs|' +
    'dismissed|dismissal|dismissals|axe|axed|painful|adverse|adversely|nasty|unprofitable|struggle|struggled|' +
    'struggling|sell rating|underweight|underperform|underperformed|losing|lost|lose|loses|threat|threatens|' +
    'burden|damage|damaged|damages|dispute|strike|strikes|weighed|weigh|weighs|sluggish|stagnant|downturn|cutbacks|' +
    'redundant|made redundant|make redundant|liquidated|canceled|cancelled|cancel|cancels|cancellation|a fine|bad|' +
    'trouble|troubles|troubled|upset|stoppage|stressful|uncertainties|oversupply|bogus|stole|stolen|theft|toxic|' +
    'disagree|threatening|year low|year-low|record low|lows|interrupted|lose their jobs|loose their jobs|' +
    'lost their jobs|hacked|hack|breach|shortage|shortages|mixed results|critical|criticism|criticized|warning signs',
  { kind: 'polar', polarity: -1 },
);
add(
  'bankrupt|bankruptcy|insolvency|insolvent|default|defaulted|collapse|collapsed|crash|crashed|scandal|liquidation|' +
    'receivership|chapter 11',
  { kind: 'polar', polarity: -2 },
);

// ── turning to a profit or a loss: stronger than either word alone, and read before it ──────────────────────
for (const verb of ['', 'slipped ', 'swung ', 'fell ', 'turned ', 'dipped ', 'sank ', 'went ', 'moved ', 'plunged ']) {
  for (const kind of ['', 'net ', 'pretax ', 'pre-tax ', 'operating ', 'quarterly ']) {
    lexicon.set(`${verb}to a ${kind}loss`, { kind: 'polar', polarity: -2 });
    lexicon.set(`${verb}to an ${kind}loss`, { kind: 'polar', polarity: -2 });
    lexicon.set(`${verb}to a ${kind}profit`, { kind: 'polar', polarity: 2 });
    lexicon.set(`${verb}to an ${kind}profit`, { kind: 'polar', polarity: 2 });
  }
}
// The figure a result is compared with: coming from a loss is good news, coming from a profit bad news.
for (const prefix of ['from', 'versus', 'vs', 'compared to', 'compared with']) {
  for (const kind of ['', 'net ', 'pretax ', 'pre-tax ', 'operating ']) {
    for (const article of ['a ', 'an ', '']) {
      lexicon.set(`${prefix} ${article}${kind}loss`, { kind: 'polar', polarity: 1 });
      lexicon.set(`${prefix} ${article}${kind}profit`, { kind: 'polar', polarity: -1 });
    }
  }
}
add('into the red|into loss|into losses|back to loss|in red|in the red', { kind: 'polar', polarity: -2 });
add('into the black|back to profit|returned to profit|return to profit|into profit', { kind: 'polar', polarity: 2 });

// ── directions ──────────────────────────────────────────────────────────────────────────────────────────────
/** Up-words that also describe prices. */
add(
  'rose|rise|rises|risen|rising|up|higher|jumped|jump|jumps|climbed|climb|climbs|surged|surge|surges|soared|soar|' +
    'soars|skyrocketed|advanced|advances|gained|rallied|edged up|went up|moved up|spiked|spike|firmed',
  { kind: 'direction', sign: 1, priceVerb: true, polarity: 0.25 },
);
add(
  'increase|increased|increases|increasing|grew|grow|grows|growing|growth|doubled|double|doubling|tripled|' +
    'raise|raised|raises|raising|hike|hiked|hikes|widened|widen|widens|widening|accelerating|higher-than-expected|' +
    'hotter|picked up|ramped up|stepped up|tightening|tightened|tighten|gone up|create|creates|created|creating|' +
    'added|adds|adding',
  { kind: 'direction', sign: 1, priceVerb: false, polarity: 0 },
);
/** Up-words that are good news even when no metric is named ("improve its operations", "expand in Asia"). */
add(
  'improved|improve|improves|improving|boost|boosted|expand|expanded|expands|expanding|extend|extends|extended|' +
    'strengthened|strengthen|strengthens',
  { kind: 'direction', sign: 1, priceVerb: false, polarity: 0.5 },
);
/** Down-words that also describe prices. */
add(
  'fell|fall|falls|fallen|falling|down|lower|dropped|drop|drops|slipped|slip|slips|slid|slide|slides|sank|sink|' +
    'sinks|tumbled|tumble|tumbles|plunged|plunge|plunges|plummeted|plummet|dipped|dip|dips|declined|declining|' +
    'went down|gone down|edged down|moved down|retreated|eased|weakens|lost ground|tanked',
  { kind: 'direction', sign: -1, priceVerb: true, polarity: -0.25 },
);
add(
  'decrease|decreased|decreases|decreasing|shrank|shrink|shrinks|shrunk|contracted|contracting|' +
    'cut|cuts|cutting|reduce|reduced|reduces|reducing|reduction|reductions|narrowed|narrow|narrows|narrowing|' +
    'lowered|lowers|lowering|slashed|slash|slashes|trimmed|trim|halved|lower-than-expected|cooler|cooled|cooling|' +
    'slowed|slowing|slowdown|loosening|loosened|easing|on the decrease|shed|sheds|shedding',
  { kind: 'direction', sign: -1, priceVerb: false, polarity: 0 },
);
/** Down-words that are bad news even when no metric is named. */
add('deteriorated|deteriorating|deteriorate|weakened|worsened|worsening|eroded|erosion', { kind: 'direction', sign: -1, priceVerb: false, polarity: -0.5 });

// ── metrics ─────────────────────────────────────────────────────────────────────────────────────────────────
add(
  'sales|net sales|revenue|revenues|turnover|profit|profits|net profit|operating profit|pretax profit|pre-tax profit|' +
    'earnings|income|net income|operating income|ebit|ebitda|eps|earnings per share|margin|margins|operating margin|' +
    'orders|order intake|order book|demand|market share|dividend|dividends|result|results|cash flow|volume|volumes|' +
    'deliveries|traffic|passengers|production|output|capacity|exports|customers|subscribers|users|market|markets|' +
    'payrolls|nonfarm payrolls|jobs|employment|hiring|gdp|economy|economic growth|consumer spending|retail sales|' +
    'staff|workforce|personnel|employees|headcount|guidance|outlook|forecast|forecasts|growth forecast|rating|ratings|' +
    'profitability|productivity|investment|investments|bookings|backlog|shipments|consumer confidence|confidence',
  { kind: 'metric', sign: 1, price: false, polarity: 0 },
);
add('loss|losses|net loss|operating loss|pretax loss|pre-tax loss', { kind: 'metric', sign: -1, price: false, polarity: -1 });
add(
  'costs|cost|expenses|expenditure|expenditures|debt|debts|deficit|charges|inflation|cpi|consumer prices|' +
    'consumer price index|core inflation|unemployment|unemployment rate|jobless claims|jobless rate|rates|rate|' +
    'interest rates|interest rate|yields|borrowing costs|write-offs|provisions|inventories|defaults|delinquencies|churn',
  { kind: 'metric', sign: -1, price: false, polarity: 0 },
);
add('risk|risks|job losses', { kind: 'metric', sign: -1, price: false, polarity: -0.5 });
add(
  'growth rate|utilization rate|occupancy rate|rate of return|load factor|return on capital|return on capital employed|' +
    'return on equity|return on investment|roe|roi|roce|value|order value|operating result|net result',
  { kind: 'metric', sign: 1, price: false, polarity: 0 },
);
add(
  'shares|share|stock|stocks|share price|stock price|index|indices|indexes|futures|equities|valuation|' +
    'market value|market capitalization|market cap|price target|target price',
  { kind: 'metric', sign: 1, price: true, polarity: 0 },
);

// ── modifiers ───────────────────────────────────────────────────────────────────────────────────────────────
add(
  "not|no|never|n't|didn't|doesn't|don't|won't|wasn't|weren't|isn't|aren't|cannot|can't|couldn't|without|neither|" +
    'nor|failed to|fails to|fail to|unable to|no longer|hardly|barely|lack of|lacked|absence of',
  { kind: 'negator' },
);
add(
  'sharply|significantly|strongly|substantially|considerably|dramatically|markedly|very|extremely|massive|massively|' +
    'sharp|significant|substantial|considerable|dramatic|huge|hugely|steep|steeply|heavily|much|far|greatly|' +
    'record-high|all-time',
  { kind: 'intensifier', factor: 1.5 },
);
add('slightly|somewhat|marginally|modestly|modest|slight|little|moderately|mildly', { kind: 'intensifier', factor: 0.5 });

// ── neutral phrases: consumed so that their words are not read as sentiment ─────────────────────────────────
add(
  'share capital|number of shares|new shares|shares subscribed|up to|set up|sets up|setting up|taken up|take up|' +
    'takes up|comes up|came up|come up|ended up|end up|made up|make up|makes up|sign up|signed up|follow up|' +
    'follow-up|down payment|step down|stepped down|steps down|interest in|price list|stock exchange|stock option|' +
    'stock options|share issue|share subscriptions|shares traded|turned up|no change|not change|unchanged|' +
    'in line with|held steady|left rates unchanged|kept rates unchanged|on hold|hold rates|exchange rate|exchange rates|' +
    'currency rates|currency rate|comparable currency rates|as a result|a result of|of record|the company added|' +
    'he added|she added|it added',
  { kind: 'neutral' },
);

/** The lexicon: lower-case token sequences (joined by single spaces) to their role. */
export const LEXICON: ReadonlyMap<string, TermRole> = lexicon;

/** The longest term, in tokens: the matcher looks this far ahead. */
export const MAX_TERM_TOKENS = Math.max(...[...lexicon.keys()].map((k) => k.split(' ').length));

/**
 * Event types, tried in this order on the lower-cased text; the first match wins, else `news`. Rate decisions
 * of any central bank are typed `fomc` (the built-in rates type).
 */
export const EVENT_TYPE_PATTERNS: readonly { readonly type: string; readonly pattern: RegExp }[] = [
  {
    type: 'fomc',
    pattern:
      /\b(fomc|federal open market committee|federal reserve|the fed|fed (chair|governor|officials?|raises|hikes|cuts|holds|lifts|lowers|keeps|leaves|decision|meeting|statement|minutes)|fed's|central bank|monetary policy|rate (decision|hike|hikes|cut|cuts|increase|rise|setting)|interest rates?|policy rate|funds rate|basis points?|ecb|bank of england|bank of japan|boj|boe|rate-setting)\b/,
  },
  {
    type: 'cpi',
    pattern: /\b(cpi|consumer price(s| index)?|inflation|core prices|pce( price)?( index)?|producer price(s| index)?|ppi|cost of living|disinflation|deflation)\b/,
  },
  {
    type: 'payrolls',
    pattern: /\b(non-?farm|payrolls?|jobs report|jobless (claims|rate)|unemployment (rate|claims|benefits)|employment report|labou?r market|(added|lost|shed|created) [\d,.]+k? (thousand )?jobs)\b/,
  },
  { type: 'gdp', pattern: /\b(gdp|gross domestic product|economic growth|economy (grew|expanded|contracted|shrank)|recession)\b/ },
  {
    type: 'earnings',
    pattern:
      /\b(eps|earnings|profits?(?!-taking)|quarterly (results?|profit|loss|revenue|sales)|(net|operating|pretax|pre-tax|quarterly|annual) (profit|income|loss|sales|result)|per share|revenues?|turnover|net sales|guidance|profit warning|(first|second|third|fourth)[- ]quarter|q[1-4]|half-year|full-year|fiscal (year|quarter)|beat estimates|missed estimates|ebitda?)\b/,
  },
];

/** Event types known in advance and moving the whole market: their baseline importance is `high`. */
export const HIGH_IMPORTANCE_TYPES: ReadonlySet<string> = new Set(['fomc', 'cpi', 'payrolls']);
/** Baseline `medium`. */
export const MEDIUM_IMPORTANCE_TYPES: ReadonlySet<string> = new Set(['earnings', 'gdp']);
/** Types about the whole market: their scope always includes `market`. */
export const MACRO_TYPES: ReadonlySet<string> = new Set(['fomc', 'cpi', 'payrolls', 'gdp']);

/** Words that raise an event's importance by one level (a shock, a record, a deal that changes the company). */
export const STRONG_WORDS: ReadonlySet<string> = new Set(
  split(
    'plunge|plunged|plunges|plummeted|soared|soars|surged|surges|skyrocketed|crash|crashed|collapse|collapsed|record|' +
      'bankruptcy|bankrupt|insolvency|default|defaulted|fraud|scandal|emergency|unexpected|unexpectedly|surprise|' +
      'surprising|shock|halted|halts|suspended|recall|acquire|acquires|acquisition|merger|takeover|buyout|' +
      'profit warning|downgrade|downgraded|upgrade|upgraded|lawsuit|investigation|resigns|resigned|ousted|delisted|' +
      'delisting|chapter 11|liquidation|layoffs|tumbled|tumbles|slumped|jumped|biggest|largest|all-time',
  ),
);
