#!/usr/bin/env node
import { CommanderError } from 'commander';
import { RlError } from '../core/errors.js';
import { processIo } from './io.js';
import { buildProgram } from './program.js';

/** Runs the CLI: any RlError becomes one line on stderr and its exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(processIo);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed its message
    if (e instanceof RlError) {
      processIo.err(`rl: ${e.message}\n`);
      return e.exitCode;
    }
    processIo.err(`rl: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}

process.exitCode = await main(process.argv);
