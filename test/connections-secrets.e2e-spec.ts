import { Client } from 'pg';
import request from 'supertest';
import { createDmsSimulator, defaultDmsOptions, type RunningSimulator } from '@lib/simulators';
import { KeyRing } from '../src/connections/key-ring';
import { auth, dmsInvoice, unique } from './support/api';
import { type StdoutCapture, captureJsonStdout } from './support/log-capture';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

/**
 * The secret-leak check for stored connections (issue 20): a DMS connection stored through the
 * API with a key its upstream refuses, rotated, used and tested.
 * Afterwards no secret it ever held is in a log line (debug level), an answer, an audit row, an
 * operation or event row, or /metrics; the connections table holds ciphertext only.
 */
const KEYS = KeyRing.generateEntry('k1');
const FIRST = `first-${unique('secret')}-0123456789`;
const SECOND = `second-${unique('secret')}-0123456789`;
const WEBHOOK = `webhook-${unique('secret')}-0123456789`;

async function tableText(query: string): Promise<string> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return JSON.stringify((await client.query(query)).rows);
  } finally {
    await client.end();
  }
}

describe('stored connection secrets never leak (e2e)', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  let capture: StdoutCapture;
  const name = unique('dms-leak').toLowerCase();
  const answers: string[] = [];
  const keep = <T extends { text: string }>(res: T): T => {
    answers.push(res.text);
    return res;
  };

  beforeAll(async () => {
    sim = await createDmsSimulator({ ...defaultDmsOptions(), apiKey: SECOND }).start(
      0,
      '127.0.0.1',
    );
    capture = captureJsonStdout();
    t = await startTestApp({
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      CONNECTIONS_ENCRYPTION_KEYS: KEYS,
      CONNECTIONS_REFRESH_MS: '200',
    });
  });
  afterAll(async () => {
    await request(t.url).delete(`/v1/connections/${name}`).set(auth);
    await t?.close();
    capture?.restore();
    await sim?.stop();
  });

  it('keeps every secret out of logs, answers, audit rows, operations, events and metrics', async () => {
    keep(
      await request(t.url)
        .post('/v1/connections')
        .set(auth)
        .send({
          name,
          provider: 'dms',
          settings: { baseUrl: sim.url },
          secrets: { apiKey: FIRST, webhookSecret: WEBHOOK },
        })
        .expect(201),
    );
    // the stored key is one the upstream no longer takes: its 401, as a problem
    const refused = keep(
      await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send({ ...dmsInvoice(), connection: name }),
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    keep(
      await request(t.url)
        .patch(`/v1/connections/${name}`)
        .set(auth)
        .send({ secrets: { apiKey: SECOND } })
        .expect(200),
    );
    keep(
      await request(t.url)
        .post('/v1/invoices')
        .set(auth)
        .send({ ...dmsInvoice(), connection: name })
        .expect(201),
    );
    keep(await request(t.url).post(`/v1/connections/${name}/test`).set(auth).expect(200));
    keep(await request(t.url).get(`/v1/connections/${name}`).set(auth).expect(200));
    keep(await request(t.url).get('/v1/connections').set(auth).expect(200));
    keep(await request(t.url).get('/health/upstreams'));
    keep(await request(t.url).get('/metrics').set(auth));
    await t.flushAudit();

    const secrets = [FIRST, SECOND, WEBHOOK];
    const places: Record<string, string> = {
      'log lines': capture.lines.join(''),
      answers: answers.join('\n'),
      'audit rows': await tableText('SELECT * FROM audit_logs'),
      'operation rows': await tableText('SELECT * FROM operations'),
      'event rows': await tableText('SELECT * FROM events'),
      'connections table': await tableText('SELECT * FROM connections'),
    };
    // the suite did log and audit its calls, and the connection was stored
    expect(places['log lines']).toContain(name);
    expect(places['audit rows']).toContain(`/v1/connections/${name}`);
    expect(places['connections table']).toContain(name);
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) {
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
        const base64 = Buffer.from(secret).toString('base64');
        expect({ where, leaked: text.includes(base64) }).toEqual({ where, leaked: false });
      }
    }
  });
});
