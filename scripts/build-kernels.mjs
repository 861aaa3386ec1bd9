// Assembles the WebAssembly kernels in src/nn/kernels/*.wat into committed TypeScript modules that hold
// the bytes as base64, so builds and tests never need wabt. wabt is not a project dependency; point the
// script at any install of the `wabt` npm package:
//
//   mkdir -p /tmp/wabt && (cd /tmp/wabt && npm init -y && npm install wabt@1.0.39)
//   node scripts/build-kernels.mjs /tmp/wabt           # rewrite src/nn/kernels/gemm-wasm.ts
//   node scripts/build-kernels.mjs /tmp/wabt --check   # exit 1 if the committed file is stale
//
// The argument may be the directory holding node_modules/wabt or the wabt package directory itself.
// Assembly is deterministic (no debug names, canonical LEB128s): the same .wat gives the same bytes.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url);
const kernels = [{ wat: 'src/nn/kernels/gemm.wat', out: 'src/nn/kernels/gemm-wasm.ts', name: 'GEMM_WASM_BASE64' }];

const args = process.argv.slice(2);
const check = args.includes('--check');
const wabtDir = args.find((a) => !a.startsWith('--'));
if (wabtDir === undefined) {
  console.error('usage: node scripts/build-kernels.mjs <wabt install dir> [--check]');
  process.exit(2);
}
const pkgDir = [join(wabtDir, 'node_modules', 'wabt'), wabtDir].map((d) => resolve(d)).find((d) => existsSync(join(d, 'package.json')));
if (pkgDir === undefined) {
  console.error(`no wabt package under ${wabtDir} (looked for node_modules/wabt/package.json and package.json)`);
  process.exit(2);
}
const wabtVersion = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const { default: wabtInit } = await import(pathToFileURL(join(pkgDir, 'index.js')).href);
const wabt = await wabtInit();

let stale = false;
for (const k of kernels) {
  const watPath = new URL(k.wat, root);
  const text = readFileSync(watPath, 'utf8');
  const mod = wabt.parseWat(k.wat, text, { simd: true });
  mod.validate();
  const { buffer } = mod.toBinary({ log: false, canonicalize_lebs: true, relocatable: false, write_debug_names: false });
  mod.destroy();
  const bytes = Buffer.from(buffer);
  const b64 = bytes.toString('base64');
  const lines = b64.match(/.{1,96}/g).map((s) => `  '${s}',`);
  const source = [
    `// Generated from ${k.wat} by scripts/build-kernels.mjs (wabt ${wabtVersion}); do not edit.`,
    `// Edit the .wat and rerun \`node scripts/build-kernels.mjs <wabt install dir>\`.`,
    '',
    `/** The assembled module (${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}), base64. */`,
    `export const ${k.name} = [`,
    ...lines,
    "].join('');",
    '',
  ].join('\n');
  const outPath = new URL(k.out, root);
  if (check) {
    const current = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
    const same = current === source;
    stale ||= !same;
    console.log(`${k.out}: ${same ? 'up to date' : 'STALE'} (${bytes.length} bytes)`);
  } else {
    writeFileSync(outPath, source);
    console.log(`${k.out}: ${bytes.length} bytes`);
  }
}
if (stale) process.exit(1);
