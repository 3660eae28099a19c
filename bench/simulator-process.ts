/**
 * Child process of `npm run bench`: the DMS and GEP SMART simulators on loopback ports, in their
 * own event loop (so neither the load generator nor the gateway shares it). Talks to the parent
 * over the fork IPC channel: `start` -> `ready {urls}`, `stop` -> exit. Stops by itself when the
 * parent goes away.
 */
import { defaultDmsOptions, defaultGepSmartOptions, type RunningSimulator } from '@lib/simulators';
import { createSimulator } from '../src/providers/simulators';

export interface SimulatorStartMessage {
  type: 'start';
  dmsApiKey: string;
  gepAuthKey: string;
  gepSharedSecret: string;
}

export type SimulatorParentMessage = SimulatorStartMessage | { type: 'stop' };

export type SimulatorChildMessage =
  | { type: 'ready'; dmsUrl: string; gepSmartUrl: string }
  | { type: 'error'; message: string };

const running: RunningSimulator[] = [];
let stopping = false;

function send(message: SimulatorChildMessage): void {
  process.send?.(message);
}

async function start(message: SimulatorStartMessage): Promise<void> {
  const dms = await createSimulator('dms', {
    ...defaultDmsOptions(),
    apiKey: message.dmsApiKey,
  }).start(0, '127.0.0.1');
  running.push(dms);
  const gepSmart = await createSimulator('gep-smart', {
    ...defaultGepSmartOptions(),
    authKey: message.gepAuthKey,
    sharedSecret: message.gepSharedSecret,
  }).start(0, '127.0.0.1');
  running.push(gepSmart);
  send({ type: 'ready', dmsUrl: dms.url, gepSmartUrl: gepSmart.url });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled(running.map((simulator) => simulator.stop()));
  process.exit(0);
}

process.on('message', (message: SimulatorParentMessage) => {
  if (message.type === 'start') {
    start(message).catch((error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      void stop();
    });
  } else {
    void stop();
  }
});
process.on('disconnect', () => void stop());
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
