import { ConfigError } from '../core/errors.js';

/**
 * How to cut a series into walk-forward folds. All sizes are in bars (trading days for daily data).
 *
 * - `folds`: number of test windows (≥ 1).
 * - `testSize`: bars per test window (≥ 1); the test windows tile the last `folds × testSize` bars.
 * - `embargo`: bars left out between each fold's training data and its test window (≥ 0), so features
 *   and labels that look a few bars back or ahead cannot straddle the boundary.
 * - `minTrain`: the fewest training bars any fold may have (≥ 1).
 * - `mode`: `expanding` trains from bar 0; `rolling` trains on the last `trainSize` bars before the embargo.
 * - `trainSize`: rolling mode only (≥ `minTrain`); ignored in expanding mode.
 *
 * @example
 * const spec: FoldSpec = { folds: 5, testSize: 252, embargo: 5, minTrain: 756, mode: 'rolling', trainSize: 1260 };
 */
export interface FoldSpec {
  folds: number;
  testSize: number;
  embargo: number;
  minTrain: number;
  mode: 'expanding' | 'rolling';
  trainSize?: number;
}

/**
 * One fold's index ranges into the series, each half-open `[start, end)`, in time order train → embargo → test.
 *
 * @example
 * const train = sliceBars(bars, fold.train.start, fold.train.end);
 */
export interface Fold {
  index: number;
  train: { start: number; end: number };
  embargo: { start: number; end: number };
  test: { start: number; end: number };
}

/**
 * ≈ 3 years of daily bars (3 × 252): the default minimum training window, in bars.
 *
 * @example
 * defaultFoldSpec(5105, 5).minTrain === DEFAULT_MIN_TRAIN; // true
 */
export const DEFAULT_MIN_TRAIN = 756;

/**
 * One trading week: the default embargo between training data and test window, in bars.
 *
 * @example
 * defaultFoldSpec(5105, 5).embargo === DEFAULT_EMBARGO; // true
 */
export const DEFAULT_EMBARGO = 5;

const KEY = 'walkForward';

/**
 * Walk-forward folds over a series of `length` bars. Test windows are the last `folds × testSize` bars,
 * consecutive and non-overlapping, in time order. Fold k's training window ends `embargo` bars before its
 * test window starts, so for every fold `train.end = embargo.start`, `embargo.end = test.start`, and each
 * test window ends where the next one starts: no test bar is ever inside any training window of its own
 * fold, and test windows never overlap.
 *
 * @param length - number of bars in the series (a non-negative integer)
 * @throws ConfigError (code `E_CONFIG`) with `path` `walkForward.<key>` when a value is not an integer in
 *   range, or the series is too short; the message says what would fit
 * @throws RangeError if `length` is not a non-negative integer
 *
 * @example
 * walkForwardFolds(5105, { folds: 5, testSize: 252, embargo: 5, minTrain: 756, mode: 'expanding' });
 * // fold 0: train [0, 3840), embargo [3840, 3845), test [3845, 4097); …; fold 4: test [4853, 5105)
 */
export function walkForwardFolds(length: number, spec: FoldSpec): Fold[] {
  checkLength(length);
  const { folds, testSize, embargo, minTrain, mode } = spec;
  checkInteger('folds', folds, 1);
  checkInteger('testSize', testSize, 1);
  checkInteger('embargo', embargo, 0);
  checkInteger('minTrain', minTrain, 1);
  if (mode !== 'expanding' && mode !== 'rolling') {
    throw new ConfigError(`${KEY}.mode`, `must be "expanding" or "rolling", got ${JSON.stringify(mode)}`);
  }
  let trainSize = minTrain; // the first fold's training bars are what must fit
  if (mode === 'rolling') {
    if (spec.trainSize === undefined) throw new ConfigError(`${KEY}.trainSize`, 'is required in rolling mode');
    checkInteger('trainSize', spec.trainSize, minTrain, `minTrain (${minTrain})`);
    trainSize = spec.trainSize;
  }
  if (mode === 'rolling') checkFits(length, folds, testSize, embargo, trainSize, 'trainSize', minTrain);
  else checkFits(length, folds, testSize, embargo, trainSize, 'minTrain', 1);

  const firstTest = length - folds * testSize;
  const out: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const testStart = firstTest + k * testSize;
    const trainEnd = testStart - embargo;
    out.push({
      index: k,
      train: { start: mode === 'expanding' ? 0 : trainEnd - trainSize, end: trainEnd },
      embargo: { start: trainEnd, end: testStart },
      test: { start: testStart, end: testStart + testSize },
    });
  }
  return out;
}

/**
 * An expanding-window spec with the largest `testSize` that still leaves the first fold at least `minTrain`
 * training bars: `testSize = ⌊(length − embargo − minTrain) / folds⌋`.
 *
 * @param length - number of bars in the series
 * @param folds - number of test windows (≥ 1)
 * @param opts.minTrain - bars; default {@link DEFAULT_MIN_TRAIN} (756 ≈ 3 years of daily bars)
 * @param opts.embargo - bars; default {@link DEFAULT_EMBARGO} (5)
 * @throws ConfigError if `folds` is not a positive integer or the series cannot hold one test bar per fold
 *
 * @example
 * defaultFoldSpec(5105, 5); // { folds: 5, testSize: 868, embargo: 5, minTrain: 756, mode: 'expanding' }
 */
export function defaultFoldSpec(length: number, folds: number, opts: { minTrain?: number; embargo?: number } = {}): FoldSpec {
  const minTrain = opts.minTrain ?? DEFAULT_MIN_TRAIN;
  const embargo = opts.embargo ?? DEFAULT_EMBARGO;
  checkLength(length);
  checkInteger('folds', folds, 1);
  checkInteger('embargo', embargo, 0);
  checkInteger('minTrain', minTrain, 1);
  const testSize = Math.floor((length - embargo - minTrain) / folds);
  if (!(testSize >= 1)) {
    const maxFolds = length - embargo - minTrain;
    const fit = maxFolds >= 1 ? `at most ${maxFolds} folds would fit` : `no fold fits: ${length} bars ≤ embargo + minTrain (${embargo} + ${minTrain})`;
    throw new ConfigError(`${KEY}.folds`, `${folds} folds need at least ${folds + embargo + minTrain} bars, the series has ${length}; ${fit}`);
  }
  const spec: FoldSpec = { folds, testSize, embargo, minTrain, mode: 'expanding' };
  walkForwardFolds(length, spec); // the same validation as any user-supplied spec
  return spec;
}

function checkLength(length: number): void {
  if (!(Number.isInteger(length) && length >= 0)) throw new RangeError(`series length must be a non-negative integer, got ${length}`);
}

// `unknown` because specs often come from parsed JSON or YAML, where a size may arrive as a string.
function checkInteger(key: string, value: unknown, min: number, minLabel = String(min)): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new ConfigError(`${KEY}.${key}`, `must be an integer ≥ ${minLabel}, got ${shown}`);
  }
}

/** The series must hold the first fold's training window, the embargo and every test window. */
function checkFits(
  length: number,
  folds: number,
  testSize: number,
  embargo: number,
  train: number,
  trainKey: 'minTrain' | 'trainSize',
  trainFloor: number,
): void {
  const need = train + embargo + folds * testSize;
  if (need <= length) return;
  const arithmetic = `${trainKey} + embargo + folds × testSize = ${train} + ${embargo} + ${folds} × ${testSize} = ${need} > ${length} bars`;
  const maxTest = Math.floor((length - embargo - train) / folds);
  if (maxTest >= 1) throw new ConfigError(`${KEY}.testSize`, `${arithmetic}; testSize ≤ ${maxTest} would fit`);
  const maxTrain = length - embargo - folds * testSize;
  if (maxTrain >= trainFloor) throw new ConfigError(`${KEY}.${trainKey}`, `${arithmetic}; ${trainKey} ≤ ${maxTrain} would fit`);
  const maxFolds = Math.floor((length - embargo - train) / testSize);
  const fit = maxFolds >= 1 ? `folds ≤ ${maxFolds} would fit` : `the series is too short for ${trainKey} ${train} with embargo ${embargo}`;
  throw new ConfigError(`${KEY}.folds`, `${arithmetic}; ${fit}`);
}
