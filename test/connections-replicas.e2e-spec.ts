import { Client } from 'pg';
import request from 'supertest';
import { createDmsSimulator, defaultDmsOptions, type RunningSimulator } from '@lib/simulators';
import { runCli } from '../src/cli/cli';
import { KeyRing } from '../src/connections/key-ring';
import { auth, dmsInvoice, unique } from './support/api';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(90_000);

/**
 * Connections across replicas and key rings: a secret rotated through one replica is used by the
 * other without a restart (its refresh poll), and the key ring rotates with
 * `connections:reencrypt` (add a key first, re-encrypt, drop the old key, restart).
 */
const K1 = KeyRing.generateEntry('k1');
const K2 = KeyRing.generateEntry('k2');
const KEY = `dms-key-${unique('s')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds (bounded: it fails the test after `limitMs`). */
async function eventually(check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${limitMs} ms`);
    await sleep(100);
  }
}

async function sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []) {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function cli(args: string[], keys: string): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCli(args, {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    env: { DATABASE_URL: process.env.DATABASE_URL, CONNECTIONS_ENCRYPTION_KEYS: keys },
  });
  return { code, output: lines.join('\n') };
}

describe('connections on two replicas, and key ring rotation (e2e)', () => {
  let sim: RunningSimulator;
  const apps: TestApp[] = [];
  const name = unique('dms-shared');
  const heard = unique('dms-notified');
  const start = async (keys: string, refreshMs = '250') => {
    const app = await startTestApp({
      CONNECTIONS_ENCRYPTION_KEYS: keys,
      CONNECTIONS_REFRESH_MS: refreshMs,
    });
    apps.push(app);
    return app;
  };
  const createOn = (app: TestApp) =>
    request(app.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), connection: name });

  beforeAll(async () => {
    sim = await createDmsSimulator({ ...defaultDmsOptions(), apiKey: KEY }).start(0, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await sql('DELETE FROM connections WHERE name = ANY($1)', [[name, heard]]);
    await sim?.stop();
  });

  it('a secret rotated through one replica is used by the other without a restart', async () => {
    const [a, b] = await Promise.all([start(K1), start(K1)]);
    await request(a.url)
      .post('/v1/connections')
      .set(auth)
      .send({
        name,
        provider: 'dms',
        settings: { baseUrl: sim.url },
        secrets: { apiKey: 'expired-key' },
      })
      .expect(201);
    await eventually(
      async () => (await request(b.url).get(`/v1/connections/${name}`).set(auth)).ok,
    );
    const refused = await createOn(b);
    expect(refused.body.upstream).toMatchObject({ provider: 'dms', httpStatus: 401 });

    await request(a.url)
      .patch(`/v1/connections/${name}`)
      .set(auth)
      .send({ secrets: { apiKey: KEY } })
      .expect(200);
    await createOn(a).expect(201);
    await eventually(async () => (await createOn(b)).status === 201);
    const seen = await request(b.url).get(`/v1/connections/${name}`).set(auth).expect(200);
    expect(seen.body.version).toBe(2);
  });

  it('key ring rotation: add a key, reencrypt, remove the old key, restart: the connection works', async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    const both = await start(`${K2},${K1}`);
    await createOn(both).expect(201);
    const moved = await cli(['connections:reencrypt'], `${K2},${K1}`);
    expect(moved.code).toBe(0);
    expect(moved.output).toContain(name);
    const rows = await sql<{ secrets: { apiKey: { kid: string } } }>(
      'SELECT secrets FROM connections WHERE name = $1',
      [name],
    );
    expect(rows[0].secrets.apiKey.kid).toBe('k2');
    await both.close();
    apps.splice(0);

    const onlyNew = await start(K2);
    await createOn(onlyNew).expect(201);
    await onlyNew.close();
    apps.splice(0);

    // the old key alone no longer opens it: the connection says why, naming it and the key id
    const onlyOld = await start(K1);
    const view = await request(onlyOld.url).get(`/v1/connections/${name}`).set(auth).expect(200);
    expect(view.body.mode).toBe('unavailable');
    expect(view.body.error).toContain(name);
    expect(view.body.error).toContain('k2');
    const refused = await createOn(onlyOld).expect(503);
    expect(refused.body.detail).toContain(name);
  });

  it('a change reaches the other replica by NOTIFY, long before its poll would', async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    // the poll is ten minutes: only the notification can bring the change within the bound
    const [a, b] = await Promise.all([start(K1, '600000'), start(K1, '600000')]);
    await request(a.url)
      .post('/v1/connections')
      .set(auth)
      .send({
        name: heard,
        provider: 'dms',
        settings: { baseUrl: sim.url },
        secrets: { apiKey: 'old' },
      })
      .expect(201);
    await eventually(
      async () => (await request(b.url).get(`/v1/connections/${heard}`).set(auth)).ok,
      10_000,
    );
    await request(a.url)
      .patch(`/v1/connections/${heard}`)
      .set(auth)
      .send({ secrets: { apiKey: KEY } })
      .expect(200);
    await eventually(
      async () =>
        (
          await request(b.url)
            .post('/v1/invoices')
            .set(auth)
            .send({ ...dmsInvoice(), connection: heard })
        ).status === 201,
      10_000,
    );
  });
});
