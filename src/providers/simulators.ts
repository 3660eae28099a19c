import {
  commonSimulatorEnv,
  simInteger,
  startSimulators,
  type CommonSimulatorOptions,
  type RunningSimulators,
  type Simulator,
} from '@lib/simulators';
import type { ProviderDefinition } from './provider-definition';
import { definitionOf, type AnyProviderDefinition, type ProviderId } from './provider-ids';
import { PROVIDER_DEFINITIONS } from './provider-list';

/**
 * Every listed provider's simulator, built as its definition says: `npm run simulators`, the
 * e2e and chaos suites and the benchmarks start them from here. The simulators library keeps
 * no list of providers; a provider added to the list has its simulator here too.
 */

type DefinitionOf<Id extends ProviderId> = Extract<AnyProviderDefinition, { id: Id }>;

/** A provider's simulator options. */
export type SimulatorOptionsOf<Id extends ProviderId> =
  DefinitionOf<Id> extends ProviderDefinition<Id, infer _S, infer O, infer _C> ? O : never;

/** A provider's simulator credentials. */
export type SimulatorCredentialsOf<Id extends ProviderId> =
  DefinitionOf<Id> extends ProviderDefinition<Id, infer _S, infer _O, infer C> ? C : never;

export type SimulatorOptionsById = { [Id in ProviderId]: SimulatorOptionsOf<Id> };
export type SimulatorCredentials = { [Id in ProviderId]: SimulatorCredentialsOf<Id> };

/** Everything `npm run simulators` and the suites need, read from SIM_* variables. */
export interface SimulatorsConfig {
  host: string;
  ports: Record<ProviderId, number>;
  options: SimulatorOptionsById;
}

/** The recipe of `id`, with its types erased for the loops below. */
function recipeOf(id: ProviderId) {
  return (definitionOf(id) as unknown as ProviderDefinition<ProviderId, never>).simulator as {
    defaultPort: number;
    defaultCredentials: unknown;
    options(env: NodeJS.ProcessEnv, common: CommonSimulatorOptions): CommonSimulatorOptions;
    credentials(options: CommonSimulatorOptions): unknown;
    create(options: CommonSimulatorOptions): Simulator;
  };
}

/** The credentials each simulator accepts unless its SIM_* variables say otherwise. */
export const DEFAULT_CREDENTIALS: Readonly<SimulatorCredentials> = Object.fromEntries(
  PROVIDER_DEFINITIONS.map(({ id }) => [id, recipeOf(id).defaultCredentials]),
) as SimulatorCredentials;

/** The port variable of a provider's simulator: `SIM_<PREFIX>_PORT` (SIM_DMS_PORT, ...). */
export function simulatorPortVariable(id: ProviderId): string {
  return `SIM_${definitionOf(id).envPrefix}_PORT`;
}

/**
 * The one place SIM_* variables are read: SIM_HOST, SIM_TOKEN_TTL_SECONDS and
 * SIM_REQUEST_LOG_SIZE for all, then each listed provider's port (SIM_<PREFIX>_PORT, default
 * its definition's) and credentials (its definition's SIM_* variables). Throws
 * SimulatorConfigError naming a bad variable.
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): SimulatorsConfig {
  const { host, common } = commonSimulatorEnv(env);
  const ports = {} as Record<ProviderId, number>;
  const options = {} as Record<ProviderId, CommonSimulatorOptions>;
  for (const { id } of PROVIDER_DEFINITIONS) {
    const recipe = recipeOf(id);
    ports[id] = simInteger(env, simulatorPortVariable(id), recipe.defaultPort, 0, 65_535);
    options[id] = recipe.options(env, common);
  }
  return { host, ports, options: options as SimulatorOptionsById };
}

/** The credentials part of a config, e.g. for a gateway pointed at these simulators. */
export function simulatorCredentials(config: SimulatorsConfig): SimulatorCredentials {
  return Object.fromEntries(
    PROVIDER_DEFINITIONS.map(({ id }) => [id, recipeOf(id).credentials(config.options[id])]),
  ) as SimulatorCredentials;
}

/** Builds the simulator of `id` with the given options. */
export function createSimulator<Id extends ProviderId>(
  id: Id,
  options: SimulatorOptionsOf<Id>,
): Simulator {
  return recipeOf(id).create(options);
}

export interface StartAllOptions {
  /** Which simulators to start (default: every listed provider's). */
  ids?: readonly ProviderId[];
  /** Overrides every configured port, e.g. 0 for random free ports (mock mode, tests). */
  port?: number;
}

export type { RunningSimulators };

/**
 * Starts the configured simulators (every listed provider's by default) on `config.host` and
 * their ports. If one cannot start, the ones already started are stopped and the error rethrown.
 */
export function startAllSimulators(
  config: SimulatorsConfig,
  startOptions: StartAllOptions = {},
): Promise<RunningSimulators> {
  const ids = startOptions.ids ?? PROVIDER_DEFINITIONS.map(({ id }) => id);
  return startSimulators(
    ids.map((id) => ({
      id,
      build: () => createSimulator(id, config.options[id]),
      port: startOptions.port ?? config.ports[id],
    })),
    config.host,
  );
}
