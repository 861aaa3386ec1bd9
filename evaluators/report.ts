import type { PerformanceMetrics } from './metrics.js';

/** A half-open bar range with its first and last dates (YYYY-MM-DD, UTC). */
export interface Span {
  start: number;
  end: number;
  from: string;
  to: string;
}

export interface FoldReport {
  fold: number;
  train: Span;
  test: Span;
  /** Training episodes served, by origin. */
  episodes: { real: number; synthetic: number };
  training: { steps: number; updates: number; episodes: number; meanEpisodeReturn: number };
  agent: PerformanceMetrics;
  buyAndHold: PerformanceMetrics;
}

/** Everything `report.json` holds: numbers only, formatting happens in {@link renderMarkdown}. */
export interface ExperimentReport {
  runId: string;
  seed: number;
  data: { source: string; symbol: string; bars: number; from: string; to: string; hash: string };
  generator: string;
  ratio: number;
  syntheticOnly: boolean;
  agent: string;
  stepsPerFold: number;
  folds: FoldReport[];
  /** Out-of-sample metrics of all test windows chained end to end. */
  pooled: { agent: PerformanceMetrics; buyAndHold: PerformanceMetrics };
  /** Per-metric mean over folds. */
  meanOverFolds: { agent: PerformanceMetrics; buyAndHold: PerformanceMetrics };
}

/** YYYY-MM-DD (UTC) of an epoch-ms time. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** Rows of the per-fold table shared by the CLI and report.md: agent vs buy-and-hold. */
export function foldTable(report: ExperimentReport): string[][] {
  const header = ['fold', 'test window', 'agent Sharpe', 'B&H Sharpe', 'agent return', 'B&H return', 'agent maxDD', 'B&H maxDD', 'turnover/yr', 'cost paid'];
  const row = (label: string, span: string, a: PerformanceMetrics, b: PerformanceMetrics) => [
    label,
    span,
    num(a.sharpe),
    num(b.sharpe),
    pct(a.totalReturn),
    pct(b.totalReturn),
    pct(a.maxDrawdown),
    pct(b.maxDrawdown),
    num(a.turnover),
    pct(a.costPaid),
  ];
  const rows = report.folds.map((f) => row(String(f.fold), `${f.test.from}..${f.test.to}`, f.agent, f.buyAndHold));
  const first = report.folds[0]?.test.from ?? '';
  const last = report.folds[report.folds.length - 1]?.test.to ?? '';
  rows.push(row('pooled', `${first}..${last}`, report.pooled.agent, report.pooled.buyAndHold));
  return [header, ...rows];
}

/** Plain-text table with aligned columns (CLI output). */
export function renderTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** The human-readable report (`report.md`). */
export function renderMarkdown(report: ExperimentReport): string {
  const rows = foldTable(report);
  const table = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map((_, c) => (c < 2 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`)];
  const a = report.pooled.agent;
  const b = report.pooled.buyAndHold;
  const metricRows: [string, (m: PerformanceMetrics) => string][] = [
    ['total return', (m) => pct(m.totalReturn)],
    ['annual return', (m) => pct(m.annualReturn)],
    ['annual volatility', (m) => pct(m.annualVolatility)],
    ['Sharpe', (m) => num(m.sharpe)],
    ['Sortino', (m) => num(m.sortino)],
    ['max drawdown', (m) => pct(m.maxDrawdown)],
    ['Calmar', (m) => num(m.calmar)],
    ['turnover / year', (m) => num(m.turnover)],
    ['cost paid', (m) => pct(m.costPaid)],
    ['exposure', (m) => pct(m.exposure)],
    ['hit rate', (m) => pct(m.hitRate)],
  ];
  return [
    `# Run ${report.runId}`,
    '',
    `Agent \`${report.agent}\` trained on generator \`${report.generator}\` at synthetic:real = ${report.syntheticOnly ? 'synthetic only' : `${report.ratio}:1`}, ` +
      `${report.stepsPerFold} steps per fold, seed ${report.seed}; evaluated walk-forward on held-out real data ` +
      `(${report.data.symbol}, ${report.data.from}..${report.data.to}, ${report.data.bars} bars, data sha256 ${report.data.hash.slice(0, 12)}).`,
    '',
    '## Folds (test windows never seen in training)',
    '',
    ...table,
    '',
    '## Pooled out-of-sample metrics',
    '',
    '| metric | agent | buy-and-hold |',
    '| --- | ---: | ---: |',
    ...metricRows.map(([name, f]) => `| ${name} | ${f(a)} | ${f(b)} |`),
    '',
    'Returns are net of half-spread, square-root impact and commission; annualised with 252 days; risk-free rate 0. ' +
      'Orders fill at the next bar’s open; each test window runs to its end (only equity ≤ 0 stops one early).',
    '',
  ].join('\n');
}
