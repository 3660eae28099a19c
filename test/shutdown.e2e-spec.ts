import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Client } from 'pg';
import { dmsInvoice, injectFault } from './support/api';
import { recordAnswer } from './support/contract-recorder';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';

const KEY = 'shutdown-suite-bootstrap-key-0123456789';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(
  url: string,
  agent: Agent,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${url}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${KEY}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const answer = { status: res.statusCode ?? 0, headers: res.headers, body: text };
          recordAnswer(method, `${url}${path}`, { ...answer, text }, 'node:http');
          done(answer);
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

/**
 * SIGTERM while a kept-alive connection is busy: the request finishes (answered with
 * `Connection: close`), idle keep-alive sockets do not hold the server open, the audit row of the
 * drained request is written, and the process exits 0 soon after — not at the forced-exit timer.
 */
describe('graceful shutdown (real process)', () => {
  let gateway: GatewayProcess;

  afterEach(async () => {
    if (gateway?.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
  });

  it('drains a busy keep-alive request, closes idle sockets and exits 0', async () => {
    gateway = await startGatewayProcess({
      DATABASE_URL: process.env.DATABASE_URL!,
      DATABASE_RUN_MIGRATIONS: 'false',
      GATEWAY_BOOTSTRAP_API_KEY: KEY,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '300',
    });
    const simulator =
      /dms is not configured: running against its simulator at (http:\/\/[\d.:]+)/.exec(
        gateway.output(),
      )?.[1];
    expect(simulator).toBeDefined();

    const busy = new Agent({ keepAlive: true, maxSockets: 1 });
    const idle = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // both sockets are open and kept alive before the signal
      expect((await send(gateway.url, busy, 'GET', '/health/live')).status).toBe(200);
      expect((await send(gateway.url, idle, 'GET', '/health/live')).status).toBe(200);

      await injectFault(simulator!, { path: '/api/invoices', latencyMs: 1500, count: 1 });
      const requestId = randomUUID();
      const inFlight = send(gateway.url, busy, 'POST', '/v1/invoices', dmsInvoice(), {
        'x-request-id': requestId,
      });
      await new Promise((r) => setTimeout(r, 300));
      const signalled = Date.now();
      gateway.child.kill('SIGTERM');

      const answer = await inFlight;
      expect(answer.status).toBe(201);
      expect(answer.headers.connection).toBe('close');
      expect(await gateway.exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);

      const db = new Client({ connectionString: process.env.DATABASE_URL });
      await db.connect();
      try {
        const rows = await db.query(
          "SELECT status FROM audit_logs WHERE request_id = $1 AND direction = 'inbound'",
          [requestId],
        );
        expect(rows.rows).toEqual([{ status: 201 }]);
      } finally {
        await db.end();
      }
    } finally {
      busy.destroy();
      idle.destroy();
    }
  }, 60_000);
});
