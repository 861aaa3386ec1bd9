import type { AgentSpec } from '../../agents/agent.js';
import { registerAgents } from '../../agents/index.js';
import type { EnvSpec } from '../../envs/env-spec.js';
import { registerEnvs } from '../../envs/index.js';
import type { GeneratorSpec } from '../../generators/generator.js';
import { registerGenerators } from '../../generators/index.js';
import { Registry } from '../core/registry.js';

/** The plugin registries an experiment resolves ids against. */
export interface Registries {
  // Plugin configs are validated by each spec's own schema at resolution, so the registry erases them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly generators: Registry<GeneratorSpec<any, any>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly agents: Registry<AgentSpec<any>>;
  readonly envs: Registry<EnvSpec>;
}

/**
 * Fresh registries with every built-in plugin registered. Call it from a composition root (the CLI, a
 * test, a script); researchers add their own plugins to the returned registries.
 *
 * @example
 * const registries = createRegistries();
 * registries.generators.register(myGenerator);
 */
export function createRegistries(): Registries {
  const registries: Registries = {
    generators: new Registry('generator'),
    agents: new Registry('agent'),
    envs: new Registry('env'),
  };
  registerGenerators(registries.generators);
  registerAgents(registries.agents);
  registerEnvs(registries.envs);
  return registries;
}
