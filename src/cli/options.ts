import { InvalidArgumentError } from 'commander';

/** Commander parser for an integer option within [min, max]. */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}".`);
    if (n < min || n > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got ${n}.`);
    return n;
  };
}

/** Commander parser for a finite number ≥ min. */
export function numberOption(min: number, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}".`);
    if (n < min) throw new InvalidArgumentError(`expected a number ≥ ${min}, got ${n}.`);
    if (n > max) throw new InvalidArgumentError(`expected a number ≤ ${max}, got ${n}.`);
    return n;
  };
}
