import type { ZodType } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Parses `value` with `schema`, turning the first failure into a {@link ConfigError} whose path is
 * `prefix` + the zod path (e.g. `agent.config.learningRate`).
 *
 * @throws ConfigError
 */
export function parseConfig<T>(schema: ZodType<T>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = issue.code === 'unrecognized_keys' ? [issue.keys[0]] : [];
  const path = [prefix, ...issue.path.map(String), ...keys].filter((s) => s !== '').join('.');
  throw new ConfigError(path, issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message);
}
