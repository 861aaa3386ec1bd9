// tsc emits the CLI entry without its execute bit; `npx rl` needs it after `npm ci`.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/src/cli/main.js', import.meta.url), 0o755);
