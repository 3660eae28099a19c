import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runCli } from '../src/cli/cli';
import { auth, dmsInvoice, unique } from './support/api';
import { createClient } from './support/clients';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';
import { startTestApp, TEST_BOOTSTRAP_KEY, type TestApp } from './support/test-app';

const problemType = /^application\/problem\+json/;
const CSRF = { 'x-console-csrf': '1' };

/** The session cookie of a Set-Cookie header, as a Cookie header. */
function cookieOf(res: request.Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const value = header?.find((c) => c.startsWith('igw_console='));
  if (!value) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return value.split(';')[0];
}

/** The console's session routes and the session cookie on /v1 routes (e2e, real HTTP). */
describe('console sessions (e2e)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabase('igw_console');
    t = await startTestApp({ DATABASE_URL: scratch.url, CONSOLE_SIGN_IN_PER_MINUTE: '1000' });
    db = t.app.get(DataSource);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  }, 30_000);

  const clientKey = (scopes: string) => createClient(scratch.url, scopes, 'console');

  async function signIn(apiKey: string): Promise<string> {
    const res = await request(t.url).post('/console/session').send({ apiKey }).expect(201);
    return cookieOf(res);
  }

  it('exchanges a key for an HttpOnly SameSite=Strict cookie and answers who is signed in', async () => {
    const { key, name } = await clientKey('operations:read');
    const res = await request(t.url).post('/console/session').send({ apiKey: key }).expect(201);
    const setCookie = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(setCookie).toMatch(
      /^igw_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/,
    );
    expect(res.body).toMatchObject({ clientName: name, scopes: ['operations:read'] });
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(479 * 60_000);
    expect(ttl).toBeLessThanOrEqual(480 * 60_000);
    expect(JSON.stringify(res.body)).not.toContain(key);
    const who = await request(t.url)
      .get('/console/session')
      .set('cookie', cookieOf(res))
      .expect(200);
    expect(who.body).toEqual(res.body);
    // only hashes are stored
    const rows: { token_hash: string; key_hash: string }[] = await db.query(
      'SELECT token_hash, key_hash FROM console_sessions',
    );
    const token = cookieOf(res).split('=')[1];
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(token);
      expect(row.key_hash).not.toContain(key);
    }
  }, 30_000);

  it('refuses a bad key with 401 and a missing one with 400 naming apiKey', async () => {
    const bad = await request(t.url)
      .post('/console/session')
      .send({ apiKey: 'igw_nope' })
      .expect(401);
    expect(bad.headers['content-type']).toMatch(problemType);
    expect(bad.headers['set-cookie']).toBeUndefined();
    expect(bad.body).toMatchObject({ code: 'unauthorized' });
    const missing = await request(t.url).post('/console/session').send({}).expect(400);
    expect(new Set(missing.body.errors.map((e: { path: string }) => e.path))).toEqual(
      new Set(['apiKey']),
    );
    const anonymous = await request(t.url).get('/console/session').expect(401);
    expect(anonymous.body.code).toBe('unauthorized');
    // a Bearer key is not a console session
    const keyOnly = await request(t.url).get('/console/session').set(auth).expect(401);
    expect(keyOnly.body.detail).toMatch(/No console session/);
  }, 30_000);

  it('lets the cookie stand in for the key on /v1, with X-Console-Csrf required on mutating calls', async () => {
    const cookie = await signIn(TEST_BOOTSTRAP_KEY);
    await request(t.url).get('/v1/operations').set('cookie', cookie).expect(200);
    const missingId = randomUUID();
    const noHeader = await request(t.url)
      .post(`/v1/operations/${missingId}/replay`)
      .set('cookie', cookie)
      .expect(403);
    expect(noHeader.body.detail).toBe(
      'A console session must send the header X-Console-Csrf: 1 with POST requests',
    );
    const wrongValue = await request(t.url)
      .post(`/v1/operations/${missingId}/replay`)
      .set({ cookie, 'x-console-csrf': 'yes' })
      .expect(403);
    expect(wrongValue.body.code).toBe('forbidden');
    // with the header the guard lets it through: the route answers (no such operation)
    await request(t.url)
      .post(`/v1/operations/${missingId}/replay`)
      .set({ cookie, ...CSRF })
      .expect(404);
    // a Bearer key needs no such header; a bad Authorization header is not rescued by a cookie
    await request(t.url).post(`/v1/operations/${missingId}/replay`).set(auth).expect(404);
    await request(t.url)
      .get('/v1/operations')
      .set({ cookie, authorization: 'Bearer igw_wrong' })
      .expect(401);
  }, 30_000);

  it('keeps the scopes of the key: a session without operations:replay gets 403', async () => {
    const { key } = await clientKey('operations:read');
    const cookie = await signIn(key);
    const res = await request(t.url)
      .post(`/v1/operations/${randomUUID()}/replay`)
      .set({ cookie, ...CSRF })
      .expect(403);
    expect(res.body.detail).toBe('This API key lacks the scope operations:replay');
    await request(t.url).get('/v1/audit-logs').set('cookie', cookie).expect(403);
  }, 30_000);

  it('ends the session server-side on sign-out (which needs the CSRF header)', async () => {
    const cookie = await signIn(TEST_BOOTSTRAP_KEY);
    await request(t.url).delete('/console/session').set('cookie', cookie).expect(403);
    const out = await request(t.url)
      .delete('/console/session')
      .set({ cookie, ...CSRF })
      .expect(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(
      /^igw_console=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/,
    );
    await request(t.url).get('/console/session').set('cookie', cookie).expect(401);
    await request(t.url).get('/v1/operations').set('cookie', cookie).expect(401);
  }, 30_000);

  it('refuses an expired session and the session of a revoked client', async () => {
    const expired = await signIn(TEST_BOOTSTRAP_KEY);
    const token = expired.split('=')[1];
    await db.query(
      `UPDATE console_sessions SET expires_at = now() - interval '1 second'
       WHERE token_hash = encode(sha256($1::bytea), 'hex')`,
      [token],
    );
    await request(t.url).get('/console/session').set('cookie', expired).expect(401);
    const { key, name } = await clientKey('operations:read');
    const cookie = await signIn(key);
    await request(t.url).get('/v1/operations').set('cookie', cookie).expect(200);
    const code = await runCli(['clients:revoke', name], {
      out: () => undefined,
      err: () => undefined,
      env: { DATABASE_URL: scratch.url },
    });
    expect(code).toBe(0);
    await request(t.url).get('/v1/operations').set('cookie', cookie).expect(401);
  }, 30_000);

  it('audits sign-in attempts and console actions under the client, never the key', async () => {
    const { key, name } = await clientKey('operations:read,invoices:write');
    const wrong = `igw_${randomUUID()}`;
    await request(t.url).post('/console/session').send({ apiKey: wrong }).expect(401);
    const cookie = await signIn(key);
    const reference = unique('REQ-CONSOLE');
    await request(t.url)
      .post('/v1/invoices')
      .set({ cookie, ...CSRF })
      .send(dmsInvoice({ reference }))
      .expect(201);
    await t.flushAudit();
    const rows: {
      operation: string;
      status: number;
      client_name: string | null;
      request_body: unknown;
      response_body: unknown;
      reference: string | null;
    }[] = await db.query(
      `SELECT operation, status, client_name, request_body, response_body, reference
       FROM audit_logs WHERE direction = 'inbound' AND path = '/console/session'
          OR reference = $1 ORDER BY id`,
      [reference],
    );
    const text = JSON.stringify(rows);
    expect(text).not.toContain(key);
    expect(text).not.toContain(wrong);
    const signIns = rows.filter((r) => r.operation === 'console.sign-in');
    expect(signIns.some((r) => r.status === 401 && r.client_name === null)).toBe(true);
    expect(signIns.some((r) => r.status === 201 && r.client_name === name)).toBe(true);
    expect(rows.some((r) => r.reference === reference && r.client_name === name)).toBe(true);
  }, 30_000);

  it('serves the console under a strict Content-Security-Policy, its files not audited', async () => {
    const page = await fetch(`${t.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    // no inline script or style: every script and stylesheet is a bundled file
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await fetch(`${t.url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
    }
    const missing = await fetch(`${t.url}/console/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(problemType);
  }, 30_000);

  it('marks the cookie Secure when CONSOLE_SECURE_COOKIE=true', async () => {
    const secure = await startTestApp({
      DATABASE_URL: scratch.url,
      CONSOLE_SECURE_COOKIE: 'true',
    });
    try {
      const res = await request(secure.url)
        .post('/console/session')
        .send({ apiKey: TEST_BOOTSTRAP_KEY })
        .expect(201);
      expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; Secure$/);
    } finally {
      await secure.close();
    }
  }, 30_000);

  it('rate-limits sign-in attempts per IP address with 429 and Retry-After', async () => {
    const limited = await startTestApp({
      DATABASE_URL: scratch.url,
      CONSOLE_SIGN_IN_PER_MINUTE: '2',
    });
    try {
      await request(limited.url).post('/console/session').send({ apiKey: 'igw_a' }).expect(401);
      await request(limited.url)
        .post('/console/session')
        .send({ apiKey: TEST_BOOTSTRAP_KEY })
        .expect(201);
      const res = await request(limited.url)
        .post('/console/session')
        .send({ apiKey: TEST_BOOTSTRAP_KEY })
        .expect(429);
      expect(res.body.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  }, 30_000);

  it('documents the console routes and the cookie security scheme', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes['console-session']).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'igw_console',
    });
    expect(Object.keys(doc.paths['/console/session']).sort()).toEqual(['delete', 'get', 'post']);
    expect(doc.paths['/console/session'].post.security).toEqual([]);
    expect(doc.paths['/console/session'].get.security).toEqual([{ 'console-session': [] }]);
    expect(doc.paths['/console']).toBeUndefined();
  }, 30_000);
});
