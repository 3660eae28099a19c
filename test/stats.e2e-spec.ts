import request from 'supertest';
import { DataSource } from 'typeorm';
import { auth } from './support/api';
import { createClient } from './support/clients';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';
import { bearer, startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;

/** GET /v1/stats/operations over rows written straight into a database of its own. */
describe('operation stats (e2e)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;
  let db: DataSource;
  let reader: { id: string; key: string };

  beforeAll(async () => {
    scratch = await createScratchDatabase('igw_stats');
    // no worker: queued rows stay queued
    t = await startTestApp({ DATABASE_URL: scratch.url, ASYNC_WORKER_ENABLED: 'false' });
    db = t.app.get(DataSource);
    reader = await client('operations:read');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  }, 30_000);

  async function client(scopes: string): Promise<{ id: string; key: string }> {
    const { name, key } = await createClient(scratch.url, scopes, 'stats');
    const [{ id }] = await db.query('SELECT id FROM api_clients WHERE name = $1', [name]);
    return { id, key };
  }

  /** One operation row as the engine leaves it, accepted `hoursAgo` hours ago. */
  async function operation(row: {
    status: string;
    provider?: string | null;
    hoursAgo?: number;
    clientId?: string;
    lastError?: unknown;
    dueSecondsAgo?: number;
  }): Promise<void> {
    const createdAt = new Date(Date.now() - (row.hoursAgo ?? 0) * HOUR);
    await db.query(
      `INSERT INTO operations (client_id, kind, provider, request_hash, status, created_at,
         last_error, next_attempt_at)
       VALUES ($1, 'invoice.create', $2, $3, $4, $5, $6, $7)`,
      [
        row.clientId ?? 'bootstrap',
        row.provider === undefined ? 'dms' : row.provider,
        'a'.repeat(64),
        row.status,
        createdAt,
        row.lastError === undefined ? null : JSON.stringify(row.lastError),
        row.dueSecondsAgo === undefined ? null : new Date(Date.now() - row.dueSecondsAgo * 1000),
      ],
    );
  }

  it('counts operations per hour by status and provider, queue depth, oldest due age, dead and uncertain', async () => {
    await operation({ status: 'succeeded', hoursAgo: 0 });
    await operation({ status: 'succeeded', provider: 'gep-smart', hoursAgo: 0 });
    await operation({ status: 'failed', hoursAgo: 2 });
    await operation({
      status: 'failed',
      provider: 'delivery-solutions',
      hoursAgo: 2,
      lastError: { code: 'outcome_uncertain', status: 409 },
    });
    await operation({ status: 'dead', hoursAgo: 5 });
    await operation({ status: 'dead', hoursAgo: 30 });
    await operation({ status: 'queued', hoursAgo: 0, dueSecondsAgo: 90 });
    await operation({ status: 'queued', provider: 'gep-smart', hoursAgo: 0, dueSecondsAgo: -600 });
    await operation({ status: 'running', provider: null, hoursAgo: 0 });

    const res = await request(t.url).get('/v1/stats/operations').set(auth).expect(200);
    const body = res.body;
    expect(body.bucket).toBe('hour');
    expect(Date.parse(body.until) - Date.parse(body.since)).toBe(24 * HOUR);
    // every hour from since to now, oldest first, zeros included
    expect(body.buckets.length).toBeGreaterThanOrEqual(24);
    expect(body.buckets.length).toBeLessThanOrEqual(26);
    const starts = body.buckets.map((b: { start: string }) => Date.parse(b.start));
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBe(HOUR);
    expect(starts.every((s: number) => s % HOUR === 0)).toBe(true);
    // the 30-hour-old dead one is outside the window
    expect(body.totals).toEqual({
      total: 8,
      byStatus: { queued: 2, running: 1, succeeded: 2, failed: 2, dead: 1 },
      byProvider: { dms: 4, 'gep-smart': 2, 'delivery-solutions': 1, none: 1 },
    });
    const sum = body.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0);
    expect(sum).toBe(8);
    const last = body.buckets[body.buckets.length - 1];
    expect(last.byStatus).toMatchObject({ succeeded: 2, queued: 2, running: 1 });
    expect(body.queue.queued).toBe(2);
    expect(body.queue.running).toBe(1);
    expect(body.queue.byProvider).toEqual(
      expect.arrayContaining([
        { provider: 'dms', queued: 1, running: 0 },
        { provider: 'gep-smart', queued: 1, running: 0 },
        { provider: 'none', queued: 0, running: 1 },
      ]),
    );
    // only the operation already due counts; it waited about 90 s past its due time
    expect(body.queue.oldestDueAgeSeconds).toBeGreaterThanOrEqual(89);
    expect(body.queue.oldestDueAgeSeconds).toBeLessThan(150);
    // any age: the 30-hour-old dead one counts here
    expect(body.attention).toEqual({ dead: 2, outcomeUncertain: 1 });
  }, 30_000);

  it('buckets by day, and lists the uncertain ones with errorCode', async () => {
    const since = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const res = await request(t.url)
      .get(`/v1/stats/operations?bucket=day&since=${encodeURIComponent(since)}`)
      .set(auth)
      .expect(200);
    expect(res.body.bucket).toBe('day');
    expect(res.body.buckets.length).toBe(4);
    expect(res.body.totals.byStatus.dead).toBe(2);
    const list = await request(t.url)
      .get('/v1/operations?status=failed&errorCode=outcome_uncertain')
      .set(auth)
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      provider: 'delivery-solutions',
      lastError: { code: 'outcome_uncertain' },
    });
    const bad = await request(t.url)
      .get('/v1/operations?errorCode=Not%20A%20Code')
      .set(auth)
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['errorCode']);
  }, 30_000);

  it('counts only the calling client’s operations for a key without admin', async () => {
    const own = await request(t.url)
      .get('/v1/stats/operations')
      .set(bearer(reader.key))
      .expect(200);
    expect(own.body.totals.total).toBe(0);
    await operation({ status: 'dead', clientId: reader.id });
    const after = await request(t.url)
      .get('/v1/stats/operations')
      .set(bearer(reader.key))
      .expect(200);
    expect(after.body.totals).toMatchObject({ total: 1, byStatus: { dead: 1 } });
    expect(after.body.attention).toEqual({ dead: 1, outcomeUncertain: 0 });
    expect(after.body.queue).toMatchObject({ queued: 0, running: 0, oldestDueAgeSeconds: null });
  }, 30_000);

  it('answers 400 naming the field for a bad since or bucket, 401 and 403 without the scope', async () => {
    const future = new Date(Date.now() + HOUR).toISOString();
    const cases = [
      [`since=${encodeURIComponent(future)}`, 'since'],
      [
        `since=${encodeURIComponent(new Date(Date.now() - 40 * 86_400_000).toISOString())}`,
        'since',
      ],
      ['since=yesterday', 'since'],
      ['bucket=week', 'bucket'],
    ];
    for (const [query, field] of cases) {
      const res = await request(t.url).get(`/v1/stats/operations?${query}`).set(auth).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
    }
    // 40 days back is fine by day
    await request(t.url)
      .get(
        `/v1/stats/operations?bucket=day&since=${encodeURIComponent(new Date(Date.now() - 40 * 86_400_000).toISOString())}`,
      )
      .set(auth)
      .expect(200);
    await request(t.url).get('/v1/stats/operations').expect(401);
    const writer = await client('invoices:write');
    const refused = await request(t.url)
      .get('/v1/stats/operations')
      .set(bearer(writer.key))
      .expect(403);
    expect(refused.body.detail).toBe('This API key lacks the scope operations:read');
  }, 30_000);
});
