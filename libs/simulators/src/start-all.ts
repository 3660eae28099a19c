import type { RunningSimulator, Simulator, SimulatorId } from './sim-types';

/** One simulator to start: how to build it and where it listens. */
export interface SimulatorToStart {
  id: SimulatorId;
  build(): Simulator;
  port: number;
}

/** Simulators started together; `stop()` stops them all. */
export interface RunningSimulators {
  simulators: RunningSimulator[];
  /** The running simulator for `id`, or undefined when it was not started. */
  get(id: SimulatorId): RunningSimulator | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the given simulators, in order, on `host`. If one cannot start, the ones already started
 * are stopped and the error is rethrown. Which simulators exist is the provider list's business
 * (src/providers/simulators.ts).
 */
export async function startSimulators(
  list: readonly SimulatorToStart[],
  host: string,
): Promise<RunningSimulators> {
  const started: RunningSimulator[] = [];
  try {
    for (const { build, port } of list) started.push(await build().start(port, host));
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
