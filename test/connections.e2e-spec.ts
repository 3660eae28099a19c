import { Client } from 'pg';
import request from 'supertest';
import {
  createDmsSimulator,
  createGepSmartSimulator,
  defaultDmsOptions,
  type RunningSimulator,
} from '@lib/simulators';
import { runCli } from '../src/cli/cli';
import { KeyRing } from '../src/connections/key-ring';
import { auth, dmsInvoice, statusItem, unique } from './support/api';
import { bearer, startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

/**
 * Connections (DESIGN section 11) in one gateway: two DMS simulators with different API keys,
 * creates routed by `connection`, the default without it, a client limited to one connection,
 * secret rotation without restart, a GEP SMART connection added through the API, the bad-input
 * cases, and the table holding ciphertext only.
 */
const KEYS = KeyRing.generateEntry('k1');
const KEY_A = `key-a-${unique('s')}`;
const KEY_B = `key-b-${unique('s')}`;
const SMART = { authKey: `smart-auth-${unique('s')}`, sharedSecret: `smart-ss-${unique('s')}` };

async function requestsTo(sim: RunningSimulator, path: string): Promise<number> {
  const res = await fetch(`${sim.url}/__sim/requests`);
  const body = (await res.json()) as { requests: { path: string }[] };
  return body.requests.filter((r) => r.path === path).length;
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

describe('connections (e2e)', () => {
  let simA: RunningSimulator;
  let simB: RunningSimulator;
  let smart: RunningSimulator;
  let t: TestApp;
  const dmsB = unique('dms-b');
  const created: string[] = [];

  const create = (body: Record<string, unknown>) =>
    request(t.url).post('/v1/connections').set(auth).send(body);

  beforeAll(async () => {
    simA = await createDmsSimulator({ ...defaultDmsOptions(), apiKey: KEY_A }).start(
      0,
      '127.0.0.1',
    );
    simB = await createDmsSimulator({ ...defaultDmsOptions(), apiKey: KEY_B }).start(
      0,
      '127.0.0.1',
    );
    smart = await createGepSmartSimulator(SMART).start(0, '127.0.0.1');
    t = await startTestApp({
      DMS_BASE_URL: simA.url,
      DMS_API_KEY: KEY_A,
      CONNECTIONS_ENCRYPTION_KEYS: KEYS,
      CONNECTIONS_REFRESH_MS: '200',
    });
  });

  afterAll(async () => {
    await t?.close();
    if (created.length > 0) await sql('DELETE FROM connections WHERE name = ANY($1)', [created]);
    await Promise.all([simA, simB, smart].map((s) => s?.stop()));
  });

  it('lists the environment connections, named after their provider, read-only', async () => {
    const res = await request(t.url).get('/v1/connections').set(auth).expect(200);
    const dms = res.body.items.find((c: { name: string }) => c.name === 'dms');
    expect(dms).toMatchObject({ provider: 'dms', source: 'env', isDefault: true, mode: 'live' });
    expect(dms.secretFields).toEqual(['apiKey']);
    expect(dms.settings.baseUrl).toBe(simA.url);
    expect(JSON.stringify(res.body)).not.toContain(KEY_A);
    const patch = await request(t.url)
      .patch('/v1/connections/dms')
      .set(auth)
      .send({ enabled: false })
      .expect(409);
    expect(patch.body.code).toBe('conflict');
  });

  it('adds a second DMS connection; creates reach the simulator of the connection named', async () => {
    const res = await create({
      name: dmsB,
      provider: 'dms',
      settings: { baseUrl: simB.url },
      secrets: { apiKey: KEY_B },
    }).expect(201);
    created.push(dmsB);
    expect(res.body).toMatchObject({
      name: dmsB,
      provider: 'dms',
      source: 'stored',
      enabled: true,
      isDefault: false,
      mode: 'live',
      secretFields: ['apiKey'],
      settings: { baseUrl: simB.url },
    });
    expect(JSON.stringify(res.body)).not.toContain(KEY_B);

    const path = '/api/invoices/generate';
    const [a0, b0] = [await requestsTo(simA, path), await requestsTo(simB, path)];
    await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), connection: dmsB })
      .expect(201);
    expect([await requestsTo(simA, path), await requestsTo(simB, path)]).toEqual([a0, b0 + 1]);
    await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice()).expect(201);
    expect([await requestsTo(simA, path), await requestsTo(simB, path)]).toEqual([a0 + 1, b0 + 1]);
    const ops = await sql<{ connection: string }>(
      `SELECT connection FROM operations WHERE command->>'connection' = $1`,
      [dmsB],
    );
    expect(ops.map((o) => o.connection)).toEqual([dmsB]);

    const health = await request(t.url).get('/health/upstreams').expect(200);
    expect(health.body.connections[dmsB]).toMatchObject({
      provider: 'dms',
      mode: 'live',
      status: 'up',
      circuit: 'closed',
    });
    expect(health.body.connections.dms).toMatchObject({ provider: 'dms', mode: 'live' });
  });

  it('stores ciphertext only: the table holds no secret in plain text', async () => {
    const rows = await sql<{ row: string }>(
      `SELECT row_to_json(c)::text AS row FROM connections c WHERE name = $1`,
      [dmsB],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].row).not.toContain(KEY_B);
    expect(rows[0].row).not.toContain(Buffer.from(KEY_B).toString('base64'));
    expect(rows[0].row).toMatch(/"kid": ?"k1"/);
  });

  it('answers 403 to a client limited to another connection', async () => {
    const lines: string[] = [];
    const name = unique('limited');
    const code = await runCli(
      ['clients:create', '--name', name, '--scopes', 'invoices:write', '--connections', 'dms'],
      {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
        env: { DATABASE_URL: process.env.DATABASE_URL },
      },
    );
    expect(code).toBe(0);
    const key = lines[lines.length - 1];
    const refused = await request(t.url)
      .post('/v1/invoices')
      .set(bearer(key))
      .send({ ...dmsInvoice(), connection: dmsB })
      .expect(403);
    expect(refused.body.code).toBe('forbidden');
    await request(t.url).post('/v1/invoices').set(bearer(key)).send(dmsInvoice()).expect(201);
  });

  it('rotates a secret without a restart: 401 problem, PATCH, the next call succeeds', async () => {
    const name = unique('dms-rot');
    await create({
      name,
      provider: 'dms',
      settings: { baseUrl: simB.url },
      secrets: { apiKey: 'an-old-key-the-upstream-no-longer-takes' },
    }).expect(201);
    created.push(name);
    const failed = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), connection: name });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(failed.body.upstream).toMatchObject({ provider: 'dms', httpStatus: 401 });
    const tested = await request(t.url).post(`/v1/connections/${name}/test`).set(auth);
    expect(tested.body.upstream).toMatchObject({ httpStatus: 401 });

    const patched = await request(t.url)
      .patch(`/v1/connections/${name}`)
      .set(auth)
      .send({ secrets: { apiKey: KEY_B } })
      .expect(200);
    expect(patched.body.version).toBe(2);
    await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), connection: name })
      .expect(201);
    await expect(
      request(t.url)
        .post(`/v1/connections/${name}/test`)
        .set(auth)
        .then((r) => r.body),
    ).resolves.toMatchObject({ ok: true, latencyMs: expect.any(Number) });
  });

  it('serves a GEP SMART status batch on a connection added through the API', async () => {
    const name = unique('smart-emea');
    await create({
      name,
      provider: 'gep-smart',
      settings: { baseUrl: smart.url, tokenUrl: `${smart.url}/token/gep` },
      secrets: SMART,
    }).expect(201);
    created.push(name);
    await expect(
      request(t.url)
        .post(`/v1/connections/${name}/test`)
        .set(auth)
        .then((r) => r.body),
    ).resolves.toMatchObject({ ok: true });
    const batch = await request(t.url)
      .post('/v1/invoice-status-updates')
      .set(auth)
      .send({ connection: name, updates: [statusItem(unique('INV'))] })
      .expect(200);
    expect(batch.body).toMatchObject({ provider: 'gep-smart', accepted: 1 });

    const wrong = unique('smart-wrong');
    await create({
      name: wrong,
      provider: 'gep-smart',
      settings: { baseUrl: smart.url, tokenUrl: `${smart.url}/token/gep` },
      secrets: { authKey: 'not-the-auth-key', sharedSecret: SMART.sharedSecret },
    }).expect(201);
    created.push(wrong);
    const refused = await request(t.url).post(`/v1/connections/${wrong}/test`).set(auth);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.upstream).toMatchObject({ provider: 'gep-smart' });
    expect(JSON.stringify(refused.body)).not.toContain('not-the-auth-key');
  });

  describe('bad input: a 4xx problem naming the field, nothing stored', () => {
    const cases: [string, () => Record<string, unknown>, number, string][] = [
      ['unknown provider', () => ({ name: unique('x'), provider: 'sap' }), 400, 'provider'],
      [
        'invalid URL',
        () => ({
          name: unique('x'),
          provider: 'dms',
          settings: { baseUrl: 'not a url' },
          secrets: { apiKey: 'k' },
        }),
        400,
        'settings.baseUrl',
      ],
      [
        'missing required secret',
        () => ({ name: unique('x'), provider: 'dms', settings: { baseUrl: 'https://dms.test' } }),
        400,
        'secrets.apiKey',
      ],
      ['name with bad characters', () => ({ name: 'DMS_UAT!', provider: 'dms' }), 400, 'name'],
      ['duplicate name (the env one)', () => ({ name: 'dms', provider: 'dms' }), 409, 'name'],
      [
        'a secret given as a setting',
        () => ({
          name: unique('x'),
          provider: 'dms',
          settings: { baseUrl: 'https://dms.test', apiKey: 'k' },
        }),
        400,
        'settings.apiKey',
      ],
    ];
    it.each(cases)('%s', async (_what, body, status, field) => {
      const before = await sql('SELECT count(*)::int AS n FROM connections');
      const res = await create(body()).expect(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      await expect(sql('SELECT count(*)::int AS n FROM connections')).resolves.toEqual(before);
    });

    it('a duplicate stored name is 409', async () => {
      const res = await create({ name: dmsB, provider: 'dms', settings: { mock: true } }).expect(
        409,
      );
      expect(res.body.errors[0].path).toBe('name');
    });

    it('an unknown connection, or one of another provider, is 422 unknown_connection', async () => {
      const before = await sql('SELECT count(*)::int AS n FROM operations');
      for (const connection of [unique('nope'), 'gep-smart']) {
        const res = await request(t.url)
          .post('/v1/invoices')
          .set(auth)
          .send({ ...dmsInvoice(), connection })
          .expect(422);
        expect(res.body.code).toBe('unknown_connection');
        expect(res.body.errors[0].path).toBe('connection');
      }
      await expect(sql('SELECT count(*)::int AS n FROM operations')).resolves.toEqual(before);
    });
  });

  it('disables a connection: its calls are then 422 unknown_connection', async () => {
    const name = unique('dms-off');
    await create({ name, provider: 'dms', settings: { mock: true } }).expect(201);
    created.push(name);
    await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), connection: name })
      .expect(201);
    const off = await request(t.url).delete(`/v1/connections/${name}`).set(auth).expect(200);
    expect(off.body).toMatchObject({ enabled: false, mode: 'unavailable' });
    const res = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send({ ...dmsInvoice(), connection: name })
      .expect(422);
    expect(res.body.code).toBe('unknown_connection');
  });
});
