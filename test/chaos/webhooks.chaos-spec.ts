import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { RunningSimulators } from '@lib/simulators';
import type { GatewayProcess } from '../support/gateway-process';
import {
  api,
  inParallel,
  startGateway,
  startSimulators,
  stopGateway,
  waitUntil,
} from './chaos-support';

const EVENTS = 200;
const RECEIVER_DELAY_MS = 250;

/** A slow webhook receiver on 127.0.0.1: answers 200 after a delay, keeps what it received. */
async function startSlowReceiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      setTimeout(() => res.writeHead(200).end('ok'), RECEIVER_DELAY_MS);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('chaos: webhook deliveries survive kill -9', () => {
  let sims: RunningSimulators | undefined;
  const gateways: GatewayProcess[] = [];

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map(stopGateway));
    await sims?.stop();
    sims = undefined;
  });

  const gateway = async () => {
    const started = await startGateway(sims!, { WEBHOOK_RETRY_SCHEDULE_MS: '200' });
    gateways.push(started);
    return started;
  };

  it(`kill -9 with ${EVENTS} undelivered events against a slow receiver: after a restart every one is delivered, none lost`, async () => {
    sims = await startSimulators();
    const receiver = await startSlowReceiver();
    try {
      const first = await gateway();
      const created = await api(first, 'POST', '/v1/webhook-endpoints', {
        url: receiver.url,
        eventTypes: ['webhook.test'],
      });
      expect(created.status).toBe(201);
      const endpoint = created.body as { id: string; secret: string };
      const deliveries = await inParallel(
        Array.from({ length: EVENTS }, (_, i) => i),
        20,
        async () => {
          const res = await api(first, 'POST', `/v1/webhook-endpoints/${endpoint.id}/test`);
          if (res.status !== 202) throw new Error(`test event refused: ${res.status}`);
          return res.body as { id: string; eventId: string };
        },
      );
      const eventIds = new Set(deliveries.map((d) => d.eventId));
      expect(eventIds.size).toBe(EVENTS);
      await waitUntil(
        'deliveries under way',
        async () => receiver.received.length >= 10,
        30_000,
        20,
      );
      first.child.kill('SIGKILL');
      await first.exited;
      const beforeRestart = new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
      expect(beforeRestart.size).toBeLessThan(EVENTS);

      const second = await gateway();
      const seen = () => new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
      await waitUntil(
        'every event to arrive after the restart',
        async () => seen().size >= EVENTS,
        90_000,
      );
      // none lost; a duplicate only ever carries the same webhook-id (an event's id)
      expect([...seen()].sort()).toEqual([...eventIds].sort());
      for (const r of receiver.received) {
        const message = new Webhook(endpoint.secret).verify(
          r.body,
          r.headers as Record<string, string>,
        ) as { type: string };
        expect(message.type).toBe('webhook.test');
      }
      await waitUntil(
        'every delivery recorded as delivered',
        async () => {
          const list = await api(
            second,
            'GET',
            `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=200`,
          );
          const items = list.body.items as { status: string }[];
          return items.length === EVENTS && items.every((d) => d.status === 'delivered');
        },
        60_000,
      );
      const duplicates = receiver.received.length - EVENTS;
      process.stderr.write(
        `webhooks chaos: ${beforeRestart.size} delivered before kill -9, ${duplicates} re-sent after it (same webhook-id)\n`,
      );
    } finally {
      await receiver.close();
    }
  });
});
