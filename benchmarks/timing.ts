/** Runs `fn` repeatedly for at least `minMs` after a warm-up and returns operations per second. */
export function opsPerSecond(fn: () => number, minMs = 1000): number {
  fn(); // warm-up: JIT and caches
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    ops += fn();
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}

/** Async variant: `fn` returns the number of operations it performed. */
export async function opsPerSecondAsync(fn: () => Promise<number>, minMs = 1000): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    ops += await fn();
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}
