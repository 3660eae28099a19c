import { createDeliverySolutionsSimulator } from './delivery-solutions.simulator';
import { createDmsSimulator } from './dms.simulator';
import { createGepQuantumSimulator } from './gep-quantum.simulator';
import { createGepSmartSimulator } from './gep-smart.simulator';
import type { SimulatorOptionsById, SimulatorsConfig } from './sim-config';
import {
  SIMULATOR_IDS,
  type RunningSimulator,
  type Simulator,
  type SimulatorId,
} from './sim-types';

const FACTORIES: { [K in SimulatorId]: (options: SimulatorOptionsById[K]) => Simulator } = {
  dms: createDmsSimulator,
  'gep-smart': createGepSmartSimulator,
  'gep-quantum': createGepQuantumSimulator,
  'delivery-solutions': createDeliverySolutionsSimulator,
};

/** Builds the simulator for `id` with the given options. */
export function createSimulator<K extends SimulatorId>(
  id: K,
  options: SimulatorOptionsById[K],
): Simulator {
  return FACTORIES[id](options);
}

export interface StartAllOptions {
  /** Which simulators to start (default: all four). */
  ids?: readonly SimulatorId[];
  /** Overrides every configured port, e.g. 0 for random free ports (mock mode, tests). */
  port?: number;
}

/** Simulators started together; `stop()` stops them all. */
export interface RunningSimulators {
  simulators: RunningSimulator[];
  /** The running simulator for `id`, or undefined when it was not started. */
  get(id: SimulatorId): RunningSimulator | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the configured simulators (all four by default) on `config.host` and their ports.
 * If one cannot start, the ones already started are stopped and the error is rethrown.
 */
export async function startAllSimulators(
  config: SimulatorsConfig,
  startOptions: StartAllOptions = {},
): Promise<RunningSimulators> {
  const ids = startOptions.ids ?? SIMULATOR_IDS;
  const started: RunningSimulator[] = [];
  try {
    for (const id of ids) {
      const simulator = createSimulator(id, config.options[id]);
      started.push(await simulator.start(startOptions.port ?? config.ports[id], config.host));
    }
  } catch (error) {
    await Promise.allSettled(started.map((running) => running.stop()));
    throw error;
  }
  return {
    simulators: started,
    get: (id) => started.find((running) => running.id === id),
    stop: async () => {
      await Promise.all(started.map((running) => running.stop()));
    },
  };
}
