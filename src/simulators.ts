/**
 * `npm run simulators`: every listed provider's simulator standalone, configured by SIM_*
 * variables. An entry point (it reads the provider list, which the simulators library never does).
 */
import { simulatorOptionsFromEnv, startAllSimulators } from './providers/simulators';

async function main(): Promise<void> {
  const config = simulatorOptionsFromEnv(process.env);
  const running = await startAllSimulators(config);
  for (const simulator of running.simulators) {
    process.stdout.write(`${simulator.id.padEnd(20)} ${simulator.url}\n`);
  }
  process.stdout.write('simulators ready (Ctrl+C to stop)\n');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping simulators\n`);
    running.stop().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error('failed to stop simulators', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('simulators failed to start:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
