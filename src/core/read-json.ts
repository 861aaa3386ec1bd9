import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * Reads a JSON object from a file for a CLI option.
 *
 * @throws ConfigError naming `key` when the file cannot be read or is not a JSON object.
 */
export function readJsonObject(file: string, key: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(key, `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the top level must be an object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(key, `${file} is not a JSON object: ${(e as Error).message}`);
  }
}
