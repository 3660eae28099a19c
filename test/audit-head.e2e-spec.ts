import request from 'supertest';
import { auth } from './support/api';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';
import { startTestApp, type TestApp } from './support/test-app';

/** GET /v1/audit-logs/head: the chain heads and the last verification, on a database of its own. */
describe('audit chain head and last verification (e2e)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase('igw_audit_head');
    t = await startTestApp({ DATABASE_URL: scratch.url });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  }, 30_000);

  it('answers no verification until one ran, then the last one; heads follow the log', async () => {
    const before = await request(t.url).get('/v1/audit-logs/head').set(auth).expect(200);
    expect(before.body.lastVerification).toBeNull();
    await t.flushAudit();
    const verified = await request(t.url).get('/v1/audit-logs/verify').set(auth).expect(200);
    expect(verified.body.ok).toBe(true);
    await t.flushAudit();
    const after = await request(t.url).get('/v1/audit-logs/head').set(auth).expect(200);
    expect(after.body.lastVerification).toMatchObject({
      ok: true,
      breaks: 0,
      rows: verified.body.rows,
      chains: verified.body.chains,
      from: null,
      to: null,
    });
    expect(after.body.heads.length).toBeGreaterThan(0);
    for (const head of after.body.heads) {
      expect(head).toEqual({
        chainId: expect.any(String),
        seq: expect.any(Number),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        at: expect.any(String),
      });
    }
    const ranged = await request(t.url)
      .get('/v1/audit-logs/verify')
      .query({ from: '2020-01-01T00:00:00Z' })
      .set(auth)
      .expect(200);
    const last = await request(t.url).get('/v1/audit-logs/head').set(auth).expect(200);
    expect(last.body.lastVerification).toMatchObject({
      from: '2020-01-01T00:00:00.000Z',
      rows: ranged.body.rows,
    });
  });
});
