import type { AgentSpec } from '../../agents/agent.js';
import { gitCommit, packageInfo } from '../core/package-info.js';
import { gemmKernel } from '../nn/gemm.js';
import { initTf } from '../nn/tf.js';
import { canonicalJson, sha256 } from '../store/hash.js';

/** The fields every run manifest starts with. */
export interface RunManifestBase {
  readonly id: string;
  readonly seed: number;
  /** The fully resolved config (hashed into `configHash`). */
  readonly config: unknown;
  /** The tfjs backend the run trained on, or `'none'` (see {@link tfBackendFor}). */
  readonly tfBackend: string;
}

/**
 * The `manifest.json` fields of a run directory, in a fixed order: id, kind, package name and version,
 * runtime (Node version, tfjs backend, the network kernel: 'wasm' or 'js'), seed, the SHA-256 of the resolved config, then `extra` (data,
 * plugins, …) in the caller's order, then the git commit when the package is a checkout. The manifest
 * describes where a run was made; it is not one of the byte-identical result files.
 *
 * @example
 * writer.commit(runManifest({ id, seed: config.seed, config, tfBackend: 'wasm' }, { plugins: { agent: { id: 'ppo', version: 1 } } }));
 */
export function runManifest(base: RunManifestBase, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const pkg = packageInfo();
  const commit = gitCommit();
  return {
    id: base.id,
    kind: 'run',
    package: { name: pkg.name, version: pkg.version },
    runtime: { node: process.version, tfBackend: base.tfBackend, gemmKernel: gemmKernel() },
    seed: base.seed,
    configHash: sha256(canonicalJson(base.config)),
    ...extra,
    ...(commit ? { gitCommit: commit } : {}),
  };
}

/**
 * Loads the tfjs backend for an agent that learns (its networks may need one) and returns its name;
 * `'none'` for fixed policies, which never load tfjs.
 *
 * @example
 * const backend = await tfBackendFor(registries.agents.get('ppo')); // e.g. 'wasm'
 * @throws RlError (E_TF_BACKEND) when no backend can be loaded.
 */
export async function tfBackendFor(spec: Pick<AgentSpec, 'learns'>): Promise<string> {
  return spec.learns ? (await initTf()).backend : 'none';
}
