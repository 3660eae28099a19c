import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import request from 'supertest';
import { verifyExport } from '../src/audit/chain/verify-export';
import { runCli } from '../src/cli/cli';
import { auth, dmsInvoice } from './support/api';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';
import { bearer, startTestApp, type TestApp } from './support/test-app';

const problemType = /^application\/problem\+json/;

/** GET /v1/audit-logs/verify and /export through real HTTP, on a database of their own. */
describe('audit verify and export routes (e2e, real HTTP)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;

  beforeAll(async () => {
    scratch = await createScratchDatabase('igw_audit_routes');
    t = await startTestApp({ DATABASE_URL: scratch.url });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  });

  async function clientKey(scopes: string): Promise<string> {
    const lines: string[] = [];
    const code = await runCli(
      ['clients:create', '--name', `audit-${randomUUID().slice(0, 8)}`, '--scopes', scopes],
      { out: (l) => lines.push(l), err: (l) => lines.push(l), env: { DATABASE_URL: scratch.url } },
    );
    expect(code).toBe(0);
    return lines[lines.length - 1];
  }

  async function exportLines(query = ''): Promise<string[]> {
    const res = await request(t.url).get(`/v1/audit-logs/export${query}`).set(auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    return res.text.split('\n').filter((line) => line.length > 0);
  }

  it('needs a key with audit:read', async () => {
    for (const path of ['/v1/audit-logs/verify', '/v1/audit-logs/export']) {
      const anonymous = await request(t.url).get(path).expect(401);
      expect(anonymous.headers['content-type']).toMatch(problemType);
      expect(anonymous.body.code).toBe('unauthorized');
    }
    const writer = await clientKey('invoices:write');
    for (const path of ['/v1/audit-logs/verify', '/v1/audit-logs/export']) {
      const res = await request(t.url).get(path).set(bearer(writer)).expect(403);
      expect(res.body.code).toBe('forbidden');
    }
    const reader = await clientKey('audit:read');
    await request(t.url).get('/v1/audit-logs/verify').set(bearer(reader)).expect(200);
    await request(t.url).get('/v1/audit-logs/export').set(bearer(reader)).expect(200);
  });

  it('answers a bad from or to with a problem naming the field', async () => {
    for (const path of ['/v1/audit-logs/verify', '/v1/audit-logs/export']) {
      const bad = await request(t.url).get(`${path}?from=yesterday`).set(auth).expect(400);
      expect(bad.headers['content-type']).toMatch(problemType);
      expect(bad.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'from' }] });
      const reversed = await request(t.url)
        .get(`${path}?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`)
        .set(auth)
        .expect(400);
      expect(reversed.headers['content-type']).toMatch(problemType);
      expect(reversed.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'to' }] });
    }
    const unknown = await request(t.url).get('/v1/audit-logs/export?limit=5').set(auth).expect(400);
    expect(unknown.body.errors[0].path).toBe('limit');
  });

  it('chains inbound rows and every upstream attempt; the chain verifies; an export verifies offline', async () => {
    const created = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .send(dmsInvoice())
      .expect(201);
    const requestId = created.headers['x-request-id'];
    await t.flushAudit();

    const [outbound] = (
      await request(t.url)
        .get(`/v1/audit-logs?requestId=${requestId}&direction=outbound`)
        .set(auth)
        .expect(200)
    ).body.items;
    expect(outbound).toMatchObject({
      provider: 'dms',
      chainId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      seq: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const verified = await request(t.url).get('/v1/audit-logs/verify').set(auth).expect(200);
    expect(verified.body).toMatchObject({ ok: true, chains: 1, breaks: 0 });
    expect(verified.body.rows).toBeGreaterThanOrEqual(3);
    expect(verified.body.firstBreak).toBeUndefined();

    await t.flushAudit();
    const [{ n }] = await scratch.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_logs`);
    const lines = await exportLines();
    expect(lines).toHaveLength(n);
    const report = await verifyExport(Readable.from(lines), { complete: true });
    expect(report).toMatchObject({ ok: true, rows: n, chains: 1, links: n - 1 });

    const mine = await exportLines(`?requestId=${requestId}`);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const line of mine) {
      expect(JSON.parse(line)).toMatchObject({
        requestId,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      });
    }
    expect(await verifyExport(Readable.from(mine))).toMatchObject({ ok: true });
  });

  it('keeps the audit row of a request refused for a NUL character, or with a lone surrogate, and it verifies', async () => {
    const nul = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"provider":"dms","reference":"a\\u0000b"}')
      .expect(400);
    // the message names the character without holding it (U+0000), and its row is kept
    expect(nul.body.errors[0].message).toContain('U+0000');
    const lone = await request(t.url)
      .post('/v1/invoices')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"provider":"dms","reference":"x\\ud800","amount":-1}')
      .expect(400);
    await t.flushAudit();
    for (const res of [nul, lone]) {
      const [row] = await scratch.db.dataSource.query(
        `SELECT status, response_body FROM audit_logs WHERE request_id = $1`,
        [res.headers['x-request-id']],
      );
      expect(row.status).toBe(400);
      expect(row.response_body.code).toBe('validation_failed');
    }
    const [stored] = await scratch.db.dataSource.query(
      `SELECT response_body FROM audit_logs WHERE request_id = $1`,
      [nul.headers['x-request-id']],
    );
    const [surrogate] = await scratch.db.dataSource.query(
      `SELECT response_body FROM audit_logs WHERE request_id = $1`,
      [lone.headers['x-request-id']],
    );
    // a lone surrogate is refused by the body parser, naming where it is
    expect(lone.body.errors[0]).toMatchObject({ path: 'reference', code: 'unpairedSurrogate' });
    expect(surrogate.response_body.errors[0].path).toBe('reference');
    // the refusal of a NUL names it as text (U+0000), and that text is stored as it is
    expect(JSON.stringify(stored.response_body)).toContain('U+0000');
    const verified = await request(t.url).get('/v1/audit-logs/verify').set(auth).expect(200);
    expect(verified.body).toMatchObject({ ok: true, breaks: 0 });
  });

  it('reports a row changed in the database as the first break', async () => {
    await request(t.url).get('/v1/audit-logs?limit=1').set(auth).expect(200);
    await t.flushAudit();
    const [row] = await scratch.db.dataSource.query(
      `SELECT chain_id, seq::int AS seq FROM audit_logs a ORDER BY a.id DESC LIMIT 1`,
    );
    await scratch.db.dataSource.query(
      `UPDATE audit_logs SET status = 299 WHERE chain_id = $1 AND seq = $2`,
      [row.chain_id, row.seq],
    );
    const res = await request(t.url).get('/v1/audit-logs/verify').set(auth).expect(200);
    expect(res.body).toMatchObject({
      ok: false,
      breaks: 1,
      firstBreak: {
        chainId: row.chain_id,
        seq: row.seq,
        code: 'hash_mismatch',
        reason: expect.stringContaining('changed after it was written'),
      },
    });
    // a range that ends before the changed row does not see it
    const [first] = await scratch.db.dataSource.query(
      `SELECT at FROM audit_logs a WHERE chain_id = $1 AND seq = $2`,
      [row.chain_id, row.seq],
    );
    const before = await request(t.url)
      .get(`/v1/audit-logs/verify?to=${encodeURIComponent((first.at as Date).toISOString())}`)
      .set(auth)
      .expect(200);
    expect(before.body.ok).toBe(true);
  });
});
