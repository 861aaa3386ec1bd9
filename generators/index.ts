import type { Registry } from '../src/core/registry.js';
import { correlated } from './correlated.js';
import { event } from './event.js';
import { garch } from './garch.js';
import { gbm } from './gbm.js';
import { heston } from './heston.js';
import { merton } from './merton.js';
import { ou } from './ou.js';
import type { GeneratorSpec } from './generator.js';
import { real } from './real.js';
import { regime } from './regime.js';

/**
 * Registers the built-in generators. Importing this module registers nothing: the composition root calls this.
 *
 * @throws RlError (E_DUPLICATE_PLUGIN) if an id is already registered.
 * @example
 * const generators = new Registry<GeneratorSpec<any, any>>('generator');
 * registerGenerators(generators);
 * generators.ids(); // ['real', 'gbm', 'garch', …]
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each generator has its own config and params types
export function registerGenerators(registry: Registry<GeneratorSpec<any, any>>): void {
  registry.register(real).register(gbm).register(ou).register(merton).register(heston).register(garch).register(regime).register(event).register(correlated);
}
