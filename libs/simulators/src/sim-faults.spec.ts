import { createDeliverySolutionsSimulator } from './delivery-solutions.simulator';
import { createDmsSimulator } from './dms.simulator';
import { createGepQuantumSimulator } from './gep-quantum.simulator';
import { createGepSmartSimulator } from './gep-smart.simulator';
import { FaultQueue, FaultSpecError, parseFaultSpec } from './sim-faults';
import type { RunningSimulator } from './sim-types';

const API_KEY = { 'x-api-key': 'sim-ds-api-key', tenantid: 'sim-tenant' };
const INVOICES = '/returns/v1/invoices';

describe('fault specs', () => {
  it.each([
    [{}, 'at least one of'],
    [{ status: 99 }, 'status'],
    [{ mode: 'explode' }, 'mode'],
    [{ status: 500, mode: 'hang' }, 'exclusive'],
    [{ status: 500, path: 'no-slash' }, 'path'],
    [{ status: 500, path: '/__sim/health' }, '/__sim'],
    [{ status: 500, count: 0 }, 'count'],
    [{ status: 500, colour: 'red' }, 'unknown'],
  ])('rejects %j', (input, fragment) => {
    expect(() => parseFaultSpec(input)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(input)).toThrow(fragment);
  });

  it('applies the first matching fault and consumes its count', () => {
    const queue = new FaultQueue();
    queue.add({ path: '/a', method: 'POST', status: 500, count: 1 });
    queue.add({ status: 503 });
    expect(queue.take('GET', '/a/b')?.status).toBe(503);
    expect(queue.take('post', '/a/b')?.status).toBe(500);
    expect(queue.take('POST', '/a/b')?.status).toBe(503);
    expect(queue.list()).toHaveLength(1);
    expect(queue.clear()).toBe(1);
    expect(queue.take('POST', '/a')).toBeUndefined();
  });
});

describe('faults on demand (inject)', () => {
  const ds = createDeliverySolutionsSimulator();
  const invoice = (orderExternalId: string) => ({
    itemList: [],
    orderExternalId,
    customer: {},
    orderInfo: { orderValue: 1, status: 'NEW' },
    brandExternalId: 'b',
    createdDate: 1707356123000,
    timeZone: 'UTC',
  });
  const create = (id: string) =>
    ds.app.inject({ method: 'POST', url: INVOICES, headers: API_KEY, payload: invoice(id) });
  const addFault = (payload: object) =>
    ds.app.inject({ method: 'POST', url: '/__sim/faults', payload });

  beforeEach(() => ds.reset());
  afterAll(() => ds.app.close());

  it('answers the status with Retry-After and the upstream body, for `count` requests', async () => {
    const added = await addFault({ path: '/returns', status: 429, retryAfterSeconds: 7, count: 2 });
    expect(added.statusCode).toBe(201);
    for (const id of ['A', 'B']) {
      const response = await create(id);
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('7');
      expect(response.json()).toMatchObject({
        type: 'TOO_MANY_REQUESTS',
        message: 'Too many requests received per second.',
      });
    }
    expect((await create('C')).statusCode).toBe(201);
  });

  it('uses an explicit body, matches method and path, and lasts until cleared', async () => {
    await addFault({ method: 'PUT', path: INVOICES, status: 503, body: { down: true } });
    expect((await create('D')).statusCode).toBe(201);
    for (let i = 0; i < 3; i += 1) {
      const put = await ds.app.inject({
        method: 'PUT',
        url: `${INVOICES}/x`,
        headers: API_KEY,
        payload: {},
      });
      expect(put.statusCode).toBe(503);
      expect(put.json()).toEqual({ down: true });
    }
    const listed = await ds.app.inject({ method: 'GET', url: '/__sim/faults' });
    expect(listed.json().faults).toEqual([
      expect.objectContaining({ status: 503, hits: 3, remaining: null }),
    ]);
    const cleared = await ds.app.inject({ method: 'DELETE', url: '/__sim/faults' });
    expect(cleared.json()).toEqual({ cleared: 1 });
    const after = await ds.app.inject({
      method: 'PUT',
      url: `${INVOICES}/x`,
      headers: API_KEY,
      payload: {},
    });
    expect(after.statusCode).toBe(404);
  });

  it('queues several faults at once and never faults /__sim paths', async () => {
    await addFault([
      { status: 500, count: 1 },
      { status: 502, count: 1 },
    ]);
    expect((await ds.app.inject({ method: 'GET', url: '/__sim/health' })).statusCode).toBe(200);
    expect((await create('E')).statusCode).toBe(500);
    expect((await create('E')).statusCode).toBe(502);
    expect((await create('E')).statusCode).toBe(201);
  });

  it('adds latency and then answers normally', async () => {
    await addFault({ latencyMs: 150, count: 1 });
    const started = Date.now();
    const response = await create('F');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.statusCode).toBe(201);
  });

  it('answers 400 for an invalid fault', async () => {
    const response = await addFault({ mode: 'explode' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toContain('mode');
  });

  it('logs requests with secrets masked, and forgets on /__sim/reset', async () => {
    const smart = createGepSmartSimulator();
    const memo = {
      models: [{ header: { sender: { sharedSecret: 'Kellogg123', identity: 'K' } } }],
    };
    await smart.app.inject({
      method: 'POST',
      url: '/SmartInterfaceAPI/api/Invoice/CreditMemoStatusBatch',
      headers: { authorization: 'Bearer secret-token', 'gep-auth-key': 'sim-gep-auth-key' },
      payload: memo,
    });
    const log = await smart.app.inject({ method: 'GET', url: '/__sim/requests' });
    const [entry] = log.json().requests;
    expect(entry).toMatchObject({
      method: 'POST',
      path: '/SmartInterfaceAPI/api/Invoice/CreditMemoStatusBatch',
      status: 401,
      headers: { authorization: '[REDACTED]', 'gep-auth-key': '[REDACTED]' },
      body: { models: [{ header: { sender: { sharedSecret: '[REDACTED]', identity: 'K' } } }] },
    });
    expect(JSON.stringify(log.json())).not.toContain('Kellogg123');
    expect(JSON.stringify(log.json())).not.toContain('secret-token');
    await smart.app.inject({ method: 'POST', url: '/__sim/reset' });
    expect((await smart.app.inject({ method: 'GET', url: '/__sim/requests' })).json()).toEqual({
      requests: [],
    });
    await smart.app.close();
  });

  it('masks the OAuth client secret (Basic header and form body) and the API key', async () => {
    await ds.app.inject({
      method: 'POST',
      url: '/ent-services/security/v1/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('id:topsecret').toString('base64')}`,
      },
      payload: 'grant_type=client_credentials&client_secret=topsecret',
    });
    await create('G');
    const log = (await ds.app.inject({ method: 'GET', url: '/__sim/requests' })).json();
    const text = JSON.stringify(log);
    expect(text).not.toContain('topsecret');
    expect(text).not.toContain('sim-ds-api-key');
    expect(text).not.toContain(Buffer.from('id:topsecret').toString('base64'));
    expect(log.requests[0].body).toEqual({
      grant_type: 'client_credentials',
      client_secret: '[REDACTED]',
    });
  });

  it('keeps the request log bounded', async () => {
    const small = createDmsSimulator({ requestLogSize: 3 });
    for (let i = 0; i < 5; i += 1) await small.app.inject({ method: 'GET', url: `/x/${i}` });
    const { requests } = (await small.app.inject({ method: 'GET', url: '/__sim/requests' })).json();
    expect(requests.map((entry: { path: string }) => entry.path)).toEqual(['/x/2', '/x/3', '/x/4']);
    await small.app.close();
  });
});

describe('faults on demand (real HTTP)', () => {
  let running: RunningSimulator;
  const post = (path: string, body: unknown, timeoutMs = 2000) =>
    fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sim-dms-key' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });

  beforeAll(async () => {
    running = await createDmsSimulator().start(0);
  });
  afterAll(() => running.stop());
  beforeEach(() => running.reset());

  it('serves health on a random port', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${running.url}/__sim/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', simulator: 'dms' });
  });

  it('mode "reset" destroys the connection once, then answers normally', async () => {
    await post('/__sim/faults', { mode: 'reset', path: '/api/invoices', count: 1 });
    await expect(post('/api/invoices/generate', {})).rejects.toThrow('fetch failed');
    const next = await post('/api/invoices/generate', {});
    expect(next.status).toBe(400);
  });

  it('mode "lose-answer" processes the request and drops its answer', async () => {
    await post('/__sim/faults', { mode: 'lose-answer', path: '/api/invoices', count: 1 });
    const invoice = {
      request_number: 'REQ-LOST-1',
      dealer_code: 'DLR001',
      dealer_name: 'ABC Motors',
      amount: 100,
      description: 'lost answer',
    };
    await expect(post('/api/invoices/generate', invoice)).rejects.toThrow('fetch failed');
    // DMS deduplicates by request_number: the same invoice comes back, so it was stored
    const again = await post('/api/invoices/generate', invoice);
    expect(again.status).toBe(200);
    const log = (await (await fetch(`${running.url}/__sim/requests`)).json()) as {
      requests: { status?: number; faultId?: number }[];
    };
    expect(log.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(log.requests[0].faultId).toBeDefined();
  });

  it('mode "hang" never answers (client timeout), 503 with Retry-After answers', async () => {
    await post('/__sim/faults', { mode: 'hang', path: '/api/credit-notes', count: 1 });
    await expect(post('/api/credit-notes/generate', {}, 300)).rejects.toThrow(/timeout|aborted/i);
    await post('/__sim/faults', { status: 503, retryAfterSeconds: 2, count: 1 });
    const busy = await post('/api/invoices/generate', {});
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('2');
    expect(await busy.json()).toEqual({
      success: false,
      error: 'DMS system unavailable',
      error_code: 'DMS_SERVICE_ERROR',
    });
  });

  it('stops promptly while a request hangs', async () => {
    const other = await createGepQuantumSimulator().start(0);
    await fetch(`${other.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'hang' }),
    });
    const hanging = fetch(`${other.url}/SmartAuth2/Token`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await hanging) as { message?: string }).toMatchObject({ message: 'fetch failed' });
    await other.stop(); // idempotent
  });
});
