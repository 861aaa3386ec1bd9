import * as tfc from '@tensorflow/tfjs';
import { RlError } from '../core/errors.js';

/**
 * The tfjs namespace. The union package `@tensorflow/tfjs` is used rather than tfjs-core alone because only it
 * registers the kernel gradients (and chained ops) in Node; ops are still written in functional form.
 */
export type Tf = typeof tfc;

/** Which backend to load: `auto` tries tfjs-node, then wasm, then the pure-JS cpu backend. */
export type TfBackendPreference = 'auto' | 'node' | 'wasm' | 'cpu';

export interface TfHandle {
  readonly tf: Tf;
  /** The active backend's registered name: `tensorflow` (tfjs-node), `wasm` or `cpu`. */
  readonly backend: string;
}

/** tfjs-node is an optional dependency: a literal specifier would not type-check where it is absent. */
const TFJS_NODE = '@tensorflow/tfjs-node';

const BACKEND_NAME: Record<Exclude<TfBackendPreference, 'auto'>, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

let pending: Promise<TfHandle> | undefined;
let pendingPreference: TfBackendPreference = 'auto';
let active: string | undefined;

/**
 * Loads a tfjs backend once per process and makes it current. Idempotent: later calls return the same
 * promise. The backend is process-global, so a later call that names a *different* explicit backend
 * rejects rather than silently switching (numerics differ slightly between backends).
 *
 * `auto` order: `@tensorflow/tfjs-node` (native, if installed) → `wasm` (default; finds its `.wasm` files
 * itself in Node) → `cpu` (pure JS, ≈ 3× slower than wasm). A failed load falls through to the next one
 * and is not cached, so a retry is possible.
 *
 * @example
 * const { tf, backend } = await initTf();        // e.g. backend === 'wasm'
 * const y = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])));
 * @throws RlError (E_TF_BACKEND) when the requested backend cannot be loaded, or conflicts with the loaded one.
 */
export function initTf(prefer: TfBackendPreference = 'auto'): Promise<TfHandle> {
  if (pending !== undefined) {
    if (prefer !== 'auto' && pendingPreference !== prefer) {
      return pending.then((h) => {
        if (h.backend !== BACKEND_NAME[prefer]) {
          throw new RlError(`tfjs backend "${h.backend}" is already loaded; cannot switch to "${prefer}"`, 'E_TF_BACKEND');
        }
        return h;
      });
    }
    return pending;
  }
  pendingPreference = prefer;
  pending = load(prefer).then(
    (backend) => {
      active = backend;
      return { tf: tfc, backend };
    },
    (e: unknown) => {
      pending = undefined;
      throw e;
    },
  );
  return pending;
}

/**
 * The tfjs namespace for synchronous code paths (agent construction, `act`), once a backend is active.
 *
 * @example
 * await initTf();
 * const tf = requireTf();
 * @throws RlError (E_TF_NOT_READY) if neither {@link initTf} nor the caller has set a backend.
 */
export function requireTf(): Tf {
  if (active === undefined && !tfc.getBackend()) {
    throw new RlError('no tfjs backend is active: call `await initTf()` before creating networks', 'E_TF_NOT_READY');
  }
  return tfc;
}

async function load(prefer: TfBackendPreference): Promise<string> {
  const order: Exclude<TfBackendPreference, 'auto'>[] = prefer === 'auto' ? ['node', 'wasm', 'cpu'] : [prefer];
  const failures: string[] = [];
  for (const kind of order) {
    try {
      if (await tryBackend(kind)) return BACKEND_NAME[kind];
      failures.push(`${kind}: setBackend returned false`);
    } catch (e) {
      failures.push(`${kind}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  throw new RlError(`could not load a tfjs backend (${failures.join('; ')})`, 'E_TF_BACKEND');
}

async function tryBackend(kind: Exclude<TfBackendPreference, 'auto'>): Promise<boolean> {
  if (kind === 'node') {
    const specifier: string = TFJS_NODE;
    await import(specifier);
    // A tfjs-node that bundles its own tfjs-core copy registers into that copy, not ours.
    if (tfc.findBackendFactory('tensorflow') == null) return false;
  } else if (kind === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  }
  // The cpu backend ships with @tensorflow/tfjs and is always registered.
  // Trust the boolean: after a failed init, getBackend() may still name the failed backend.
  return tfc.setBackend(BACKEND_NAME[kind]);
}
