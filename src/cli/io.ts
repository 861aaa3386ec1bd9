/** Where a command writes: results to `out` (stdout), progress and logs to `err` (stderr). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is an interactive terminal (progress redraws in place). */
  readonly errIsTty: boolean;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  errIsTty: Boolean(process.stderr.isTTY),
};
