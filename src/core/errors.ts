/**
 * The error hierarchy. Every error the framework raises on purpose is an {@link RlError} with a stable
 * `code` (tests assert it, never the message) and the process `exitCode` the CLI uses.
 *
 * @example
 * try { loadBarsCsv('prices.csv') } catch (e) { if (e instanceof DataError) console.error(e.line, e.field) }
 */
export class RlError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration value is missing or invalid; `path` is the dotted key (`agent.ppo.clipCoef`). */
export class ConfigError extends RlError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(path ? `invalid config at ${path}: ${detail}` : `invalid config: ${detail}`, 'E_CONFIG', 2);
  }
}

/** Input data is malformed. `line` is 1-based in the file (header = line 1); `field` names the column. */
export class DataError extends RlError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    detail: string,
  ) {
    const where = [file, line !== undefined ? `line ${line}` : undefined, field !== undefined ? `field "${field}"` : undefined]
      .filter((s) => s !== undefined)
      .join(', ');
    super(`${where}: ${detail}`, 'E_DATA', 3);
  }
}

/** No plugin of this kind has this id; `suggestions` holds near matches. */
export class UnknownPluginError extends RlError {
  constructor(
    readonly kind: string,
    readonly id: string,
    readonly suggestions: readonly string[],
    readonly known: readonly string[] = [],
  ) {
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?)` : '';
    const list = known.length > 0 ? ` Known ${kind}s: ${known.join(', ')}.` : '';
    super(`unknown ${kind} "${id}"${hint}.${list}`, 'E_UNKNOWN_PLUGIN', 2);
  }
}

/** `step()` was called before `reset()` or after the episode ended. */
export class ResetNeededError extends RlError {
  constructor(detail = 'call reset() before step(), and again after an episode ends') {
    super(detail, 'E_RESET_NEEDED');
  }
}

/** An action outside the action space. */
export class InvalidActionError extends RlError {
  constructor(action: unknown, space: string) {
    super(`action ${String(action)} is not in ${space}`, 'E_INVALID_ACTION');
  }
}

/** A lazily-formatted assertion for hot paths: the message is built only on failure. */
export function assert(cond: unknown, message: () => string): asserts cond {
  if (!cond) throw new RlError(message(), 'E_ASSERT');
}

/** Result type for boundaries (config loading, CSV parsing) that report rather than throw. */
export type Result<T, E = RlError> = { ok: true; value: T } | { ok: false; error: E };

/**
 * A job stopped on request (Ctrl-C, a stop hook). Unlike other failures it leaves the job's staged
 * directory and checkpoints in place, so `rl train --resume <id>` can continue it. Exit code 130, as for
 * SIGINT.
 */
export class InterruptedError extends RlError {
  constructor(readonly runId?: string) {
    super(runId === undefined ? 'interrupted' : `interrupted: resume with \`rl train --resume ${runId}\``, 'E_INTERRUPTED', 130);
  }
}
