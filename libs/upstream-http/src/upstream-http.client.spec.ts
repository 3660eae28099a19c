import {
  CompositeAuthStrategy,
  GepTokenStrategy,
  OAuth2ClientCredentialsStrategy,
  SharedSecretEnvelopeStrategy,
  ApiKeyHeadersStrategy,
} from '@lib/auth-strategies';
import type { ServerResponse } from 'node:http';
import {
  type LocalServer,
  type RecordedRequest,
  sendJson,
  sleep,
  startLocalServer,
} from '../../auth-strategies/test-support/local-server';
import { REDACTED } from '@lib/redaction';
import { failure } from '../test-support/failure';
import { UpstreamError } from './upstream-error';
import { UpstreamHttpClient } from './upstream-http.client';
import type {
  CircuitStateName,
  OutboundAuditEntry,
  UpstreamClientConfig,
  UpstreamLogger,
} from './upstream-http.types';

// Literal secrets: none of them may appear in any audit entry or log line.
const CLIENT_SECRET = 'ds-client-secret-Q1W2E3';
const GEP_AUTH_KEY = 'gep-auth-key-Z9Y8X7';
const SUB_KEY = 'apim-sub-key-K5L6M7';
const SHARED_SECRET = 'gep-shared-secret-P0O9I8';
const API_KEY = 'dms-api-key-U7Y6T5';
const QUERY_SECRET = 'query-token-R4E3W2';
const SECRETS = [CLIENT_SECRET, GEP_AUTH_KEY, SUB_KEY, SHARED_SECRET, API_KEY, QUERY_SECRET];

type Route = (req: RecordedRequest, res: ServerResponse, hit: number) => void | Promise<void>;

const audit: OutboundAuditEntry[] = [];
const logs: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
const logger: UpstreamLogger = {
  debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }),
  warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
};

let server: LocalServer;
let routes: Record<string, Route> = {};
const hits = new Map<string, number>();
const clients: UpstreamHttpClient[] = [];

function count(path: string): number {
  return server.requests.filter((r) => r.url.split('?')[0] === path).length;
}

function client(extra: Partial<UpstreamClientConfig> = {}): UpstreamHttpClient {
  const c = new UpstreamHttpClient({
    provider: 'test-upstream',
    baseUrl: server.url,
    auditSink: { record: (e) => void audit.push(e) },
    logger,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    ...extra,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startLocalServer(async (req, res) => {
    const path = req.url.split('?')[0];
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const route = routes[path];
    if (!route) return sendJson(res, 404, { message: 'no route' });
    await route(req, res, hit);
  });
});

beforeEach(() => {
  routes = {};
  hits.clear();
  server.requests.length = 0;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  // No secret value anywhere in what was audited or logged during this file.
  const written = JSON.stringify({ audit, logs });
  expect(audit.length).toBeGreaterThan(20);
  expect(SECRETS.filter((secret) => written.includes(secret))).toEqual([]);
});

describe('UpstreamHttpClient: answers and errors', () => {
  it('returns a 2xx answer and audits the attempt with a redacted URL', async () => {
    routes['/api/things'] = (req, res) => sendJson(res, 200, { ok: true, echo: req.url });
    const res = await client().request<{ ok: boolean }>({
      method: 'GET',
      path: '/api/things',
      query: { page: 2, api_key: QUERY_SECRET },
      operation: 'listThings',
      context: { requestId: 'req-1', operationId: 'op-1', reference: 'REF-1' },
    });
    expect(res.status).toBe(200);
    expect(res.data.ok).toBe(true);
    expect(res.attempts).toBe(1);
    const entry = audit.at(-1)!;
    expect(entry).toMatchObject({
      requestId: 'req-1',
      operationId: 'op-1',
      reference: 'REF-1',
      provider: 'test-upstream',
      operation: 'listThings',
      method: 'GET',
      status: 200,
      attempt: 1,
      outcome: 'success',
    });
    expect(entry.url).toBe(
      `${server.url}/api/things?page=2&api_key=${encodeURIComponent(REDACTED)}`,
    );
    expect(entry.at).toBeInstanceOf(Date);
  });

  it('does not retry a 400 or a 422 and keeps the upstream code', async () => {
    routes['/bad'] = (_req, res) => sendJson(res, 400, { message: 'bad body' });
    routes['/invalid'] = (_req, res) =>
      sendJson(res, 422, { error_code: 'INVALID_DEALER_CODE', message: 'Dealer code unknown' });
    const c = client();
    const e400 = await failure(
      c.request({ method: 'POST', path: '/bad', body: {}, operation: 'op' }),
    );
    expect(e400).toMatchObject({ kind: 'rejected', transient: false, httpStatus: 400 });
    const e422 = await failure(
      c.request({ method: 'POST', path: '/invalid', body: {}, operation: 'op' }),
    );
    expect(e422).toMatchObject({
      kind: 'rejected',
      transient: false,
      httpStatus: 422,
      code: 'INVALID_DEALER_CODE',
    });
    expect(e422.toProblemUpstream()).toEqual({
      provider: 'test-upstream',
      httpStatus: 422,
      code: 'INVALID_DEALER_CODE',
      message: expect.stringContaining('Dealer code unknown'),
      transient: false,
    });
    expect(count('/bad')).toBe(1);
    expect(count('/invalid')).toBe(1);
    expect(audit.at(-1)?.outcome).toBe('rejected');
  });

  it('lets a provider parse its own error body', async () => {
    routes['/gep'] = (_req, res) =>
      sendJson(res, 400, {
        statusCode: '400',
        errors: [{ errorCode: 'MandatoryField', description: 'x' }],
      });
    const err = await failure(
      client({
        errorParser: (_s, body) => {
          const first = (body as { errors: Array<{ errorCode: string; description: string }> })
            .errors[0];
          return { code: first.errorCode, message: first.description };
        },
      }).request({ method: 'POST', path: '/gep', body: {}, operation: 'op' }),
    );
    expect(err.code).toBe('MandatoryField');
  });

  it('treats a 2xx answer refused by validateResponse as an error', async () => {
    routes['/soft'] = (_req, res) =>
      sendJson(res, 200, { success: false, code: 'E42', message: 'nope' });
    const err = await failure(
      client().request<{ success: boolean; code: string }>({
        method: 'POST',
        path: '/soft',
        body: {},
        operation: 'op',
        validateResponse: (r) =>
          r.data.success
            ? undefined
            : new UpstreamError({
                provider: 'test-upstream',
                kind: 'rejected',
                transient: false,
                httpStatus: r.status,
                code: r.data.code,
                message: 'upstream said success: false',
              }),
      }),
    );
    expect(err).toMatchObject({ kind: 'rejected', code: 'E42' });
    expect(count('/soft')).toBe(1);
    expect(audit.at(-1)).toMatchObject({ outcome: 'rejected', errorCode: 'E42', status: 200 });
  });

  it('does not retry a 500 by default', async () => {
    routes['/boom'] = (_req, res) => sendJson(res, 500, { message: 'boom' });
    const err = await failure(client().request({ method: 'GET', path: '/boom', operation: 'op' }));
    expect(err).toMatchObject({ kind: 'unavailable', transient: false, httpStatus: 500 });
    expect(count('/boom')).toBe(1);
  });
});

describe('UpstreamHttpClient: retries, timeouts, deadline', () => {
  it('retries a 503 and succeeds on the third attempt, one audit entry per attempt', async () => {
    routes['/flaky'] = (_req, res, hit) =>
      hit < 3 ? sendJson(res, 503, { message: 'busy' }) : sendJson(res, 200, { ok: hit });
    const before = audit.length;
    const res = await client().request({
      method: 'POST',
      path: '/flaky',
      body: { a: 1 },
      operation: 'op',
    });
    expect(res.attempts).toBe(3);
    expect(count('/flaky')).toBe(3);
    expect(audit.slice(before).map((e) => [e.attempt, e.status, e.outcome])).toEqual([
      [1, 503, 'transient_error'],
      [2, 503, 'transient_error'],
      [3, 200, 'success'],
    ]);
  });

  it('gives up after maxAttempts (3) transient failures', async () => {
    routes['/down'] = (_req, res) => sendJson(res, 502, { message: 'bad gateway' });
    const err = await failure(client().request({ method: 'GET', path: '/down', operation: 'op' }));
    expect(err).toMatchObject({ kind: 'unavailable', transient: true, httpStatus: 502 });
    expect(count('/down')).toBe(3);
  });

  it('retries a 429 after the Retry-After delay (2 s)', async () => {
    routes['/limited'] = (_req, res, hit) =>
      hit === 1
        ? sendJson(res, 429, { message: 'Rate limit is exceeded' }, { 'retry-after': '2' })
        : sendJson(res, 200, { ok: true });
    const started = Date.now();
    const res = await client().request({ method: 'GET', path: '/limited', operation: 'op' });
    const elapsed = Date.now() - started;
    expect(res.attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(1_800);
    expect(elapsed).toBeLessThan(4_000);
  });

  it('does not wait for a Retry-After longer than the cap', async () => {
    routes['/later'] = (_req, res) =>
      sendJson(res, 503, { message: 'later' }, { 'retry-after': '120' });
    const started = Date.now();
    const err = await failure(client().request({ method: 'GET', path: '/later', operation: 'op' }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 120, transient: true });
    expect(count('/later')).toBe(1);
  });

  it('retries refused connections', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    const err = await failure(
      client({ baseUrl: closed.url }).request({ method: 'GET', path: '/x', operation: 'op' }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', transient: true, code: 'ECONNREFUSED' });
    expect(audit.slice(-3).map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it('a hanging upstream hits the attempt timeout', async () => {
    routes['/hang'] = () => sleep(10_000);
    const started = Date.now();
    const err = await failure(
      client({ timeoutMs: 300 }).request({
        method: 'GET',
        path: '/hang',
        operation: 'op',
        retry: false,
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ kind: 'timeout', transient: true, code: 'TIMEOUT' });
    expect(audit.at(-1)?.outcome).toBe('timeout');
  });

  it('the deadline stops retries', async () => {
    routes['/slow-503'] = (_req, res) =>
      sendJson(res, 503, { message: 'busy' }, { 'retry-after': '1' });
    const started = Date.now();
    const err = await failure(
      client({ deadlineMs: 1_500, retry: { maxAttempts: 10 } }).request({
        method: 'GET',
        path: '/slow-503',
        operation: 'op',
      }),
    );
    const elapsed = Date.now() - started;
    // attempt 1, wait 1 s, attempt 2; a third would start after the 1.5 s deadline.
    expect(count('/slow-503')).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1_500);
    expect(err.httpStatus).toBe(503);
  });

  it('the deadline aborts an attempt in flight', async () => {
    routes['/hang2'] = () => sleep(10_000);
    const started = Date.now();
    const err = await failure(
      client({ deadlineMs: 400, timeoutMs: 5_000 }).request({
        method: 'GET',
        path: '/hang2',
        operation: 'op',
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ kind: 'timeout', code: 'DEADLINE_EXCEEDED' });
    expect(count('/hang2')).toBe(1);
  });
});

describe('UpstreamHttpClient: circuit breaker', () => {
  const breaker = {
    samplingDurationMs: 1_000,
    minimumCalls: 4,
    halfOpenAfterMs: 200,
    failureRatio: 0.5,
  };

  it('opens after a burst of failures, fails fast, and closes after a good half-open call', async () => {
    let healthy = false;
    routes['/cb'] = (_req, res) =>
      healthy ? sendJson(res, 200, { ok: true }) : sendJson(res, 503, { message: 'down' });
    const c = client({ breaker, retry: { maxAttempts: 1 } });
    const states: CircuitStateName[] = [];
    c.onCircuitStateChange((s) => states.push(s));
    for (let i = 0; i < 4; i++) {
      await failure(c.request({ method: 'GET', path: '/cb', operation: 'op' }));
    }
    expect(c.circuitState()).toBe('open');
    expect(count('/cb')).toBe(4);

    const open = await failure(c.request({ method: 'GET', path: '/cb', operation: 'op' }));
    expect(open).toMatchObject({ kind: 'circuit_open', transient: true, code: 'CIRCUIT_OPEN' });
    expect(open.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(count('/cb')).toBe(4); // failed fast, nothing sent
    expect(audit.at(-1)?.outcome).toBe('circuit_open');

    await sleep(250);
    healthy = true;
    const res = await c.request({ method: 'GET', path: '/cb', operation: 'op' });
    expect(res.status).toBe(200);
    expect(c.circuitState()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('keeps 429s out of the failure ratio: many never open it, and they do not dilute 5xx', async () => {
    routes['/paced'] = (_req, res) =>
      sendJson(res, 429, { message: 'Rate limit is exceeded' }, { 'retry-after': '0' });
    const c = client({ breaker, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 12; i++) {
      const err = await failure(c.request({ method: 'GET', path: '/paced', operation: 'op' }));
      expect(err).toMatchObject({ kind: 'unavailable', httpStatus: 429, transient: true });
    }
    expect(c.circuitState()).toBe('closed');
    expect(count('/paced')).toBe(12);

    // 4 failures among 4 + 8 calls would be under the ratio if the 429s counted as calls
    routes['/down'] = (_req, res) => sendJson(res, 503, { message: 'down' });
    for (let i = 0; i < 4; i++) {
      await failure(c.request({ method: 'GET', path: '/paced', operation: 'op' }));
      await failure(c.request({ method: 'GET', path: '/down', operation: 'op' }));
      await failure(c.request({ method: 'GET', path: '/paced', operation: 'op' }));
    }
    expect(c.circuitState()).toBe('open');
  });

  it('retries a 429 after its Retry-After and the success keeps the circuit closed', async () => {
    routes['/paced-once'] = (_req, res, hit) =>
      hit % 2 === 1
        ? sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '1' })
        : sendJson(res, 200, { ok: true });
    const c = client({ breaker, retry: { maxAttempts: 2 } });
    const started = Date.now();
    for (let i = 0; i < 2; i++) {
      const res = await c.request({ method: 'GET', path: '/paced-once', operation: 'op' });
      expect(res.attempts).toBe(2);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_800);
    expect(c.circuitState()).toBe('closed');
  });

  it('does not count upstream rejections (4xx) as failures', async () => {
    routes['/reject'] = (_req, res) => sendJson(res, 422, { code: 'INVALID' });
    const c = client({ breaker });
    for (let i = 0; i < 8; i++) {
      await failure(c.request({ method: 'POST', path: '/reject', body: {}, operation: 'op' }));
    }
    expect(c.circuitState()).toBe('closed');
  });
});

describe('UpstreamHttpClient: auth, audit and secrets', () => {
  function oauth(): OAuth2ClientCredentialsStrategy {
    return new OAuth2ClientCredentialsStrategy({
      provider: 'delivery-solutions',
      tokenUrl: `${server.url}/oauth/token`,
      clientId: 'client-1',
      clientSecret: CLIENT_SECRET,
    });
  }

  beforeEach(() => {
    routes['/oauth/token'] = (_req, res, hit) =>
      sendJson(res, 200, { access_token: `tok-${hit}`, expires_in: '3600', token_type: 'Bearer' });
  });

  it('on a 401 drops the token, fetches one new token and retries exactly once', async () => {
    routes['/invoices'] = (req, res) =>
      req.headers.authorization === 'Bearer tok-1'
        ? sendJson(res, 401, { type: 'UNAUTHORIZED', message: 'expired token' })
        : sendJson(res, 201, { id: 'inv-1' });
    const c = client({ auth: oauth() });
    const res = await c.request({
      method: 'POST',
      path: '/invoices',
      body: { a: 1 },
      operation: 'createInvoice',
    });
    expect(res.status).toBe(201);
    expect(res.attempts).toBe(2);
    expect(count('/invoices')).toBe(2);
    expect(count('/oauth/token')).toBe(2);
  });

  it('a second 401 is a rejection (no loop)', async () => {
    routes['/invoices'] = (_req, res) =>
      sendJson(res, 401, { type: 'UNAUTHORIZED', message: 'no' });
    const err = await failure(
      client({ auth: oauth() }).request({
        method: 'POST',
        path: '/invoices',
        body: {},
        operation: 'op',
      }),
    );
    expect(err).toMatchObject({ kind: 'rejected', httpStatus: 401, code: 'UNAUTHORIZED' });
    expect(count('/invoices')).toBe(2);
    expect(count('/oauth/token')).toBe(2);
  });

  it('20 concurrent calls share one token request (GEP token + subscription key + envelope)', async () => {
    routes['/SmartAuth2/Token'] = async (_req, res, hit) => {
      await sleep(50);
      sendJson(res, 200, { expires: 120, token: `gep-${hit}`, statusCode: 200, errorMessage: '' });
    };
    routes['/api/Invoice/CreditMemoStatusBatch'] = (req, res) =>
      sendJson(res, 200, { statusCode: '200', received: JSON.parse(req.body) as unknown });
    const auth = new CompositeAuthStrategy([
      new GepTokenStrategy({
        provider: 'gep-smart',
        tokenUrl: `${server.url}/SmartAuth2/Token`,
        authKey: GEP_AUTH_KEY,
        subscriptionKey: SUB_KEY,
      }),
      new ApiKeyHeadersStrategy({ headers: { 'Ocp-Apim-Subscription-Key': SUB_KEY } }),
      new SharedSecretEnvelopeStrategy({
        from: { domain: 'NetworkID', identity: 'CLIENT' },
        to: { domain: 'NetworkID', identity: 'GEP' },
        sender: {
          domain: 'NetworkID',
          identity: 'CLIENT',
          sharedSecret: SHARED_SECRET,
          userAgent: 'gw',
        },
      }),
    ]);
    const c = client({ auth });
    const body = { models: [{ documentNumber: 'CM-1' }] };
    const before = audit.length;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        c.request({
          method: 'POST',
          path: '/api/Invoice/CreditMemoStatusBatch',
          body,
          operation: 'cm',
        }),
      ),
    );
    expect(count('/SmartAuth2/Token')).toBe(1);
    const sent = server.requests.filter((r) => r.url === '/api/Invoice/CreditMemoStatusBatch');
    expect(sent).toHaveLength(20);
    expect(sent[0].headers.authorization).toBe('Bearer gep-1');
    expect(sent[0].headers['ocp-apim-subscription-key']).toBe(SUB_KEY);
    expect(JSON.parse(sent[0].body)).toMatchObject({
      models: [{ documentNumber: 'CM-1', header: { sender: { sharedSecret: SHARED_SECRET } } }],
    });
    expect(body).toEqual({ models: [{ documentNumber: 'CM-1' }] });

    // the audited body is the one really sent (with the header block), redacted
    const entry = audit[before];
    expect(entry.requestBody).toMatchObject({
      models: [
        { documentNumber: 'CM-1', header: { sender: { sharedSecret: REDACTED, userAgent: 'gw' } } },
      ],
    });
    expect(entry.requestHeaders.authorization).toBe(REDACTED);
    expect(entry.requestHeaders['ocp-apim-subscription-key']).toBe(REDACTED);
    // the upstream echoed the secret under a key not named as a secret: masked too
    expect(JSON.stringify(entry.responseBody)).toContain(REDACTED);
  });

  it('a failing token endpoint gives an error naming the provider, without hanging', async () => {
    routes['/oauth/token'] = (_req, res) => sendJson(res, 401, { error: 'invalid_client' });
    routes['/invoices'] = (_req, res) => sendJson(res, 201, {});
    const err = await failure(
      client({ auth: oauth() }).request({
        method: 'POST',
        path: '/invoices',
        body: {},
        operation: 'op',
      }),
    );
    expect(err).toMatchObject({
      kind: 'unavailable',
      transient: false,
      code: 'TOKEN_ACQUISITION_FAILED',
    });
    expect(err.message).toContain('"delivery-solutions"');
    expect(count('/invoices')).toBe(0);

    routes['/oauth/token'] = () => sleep(10_000);
    const slow = new OAuth2ClientCredentialsStrategy({
      provider: 'delivery-solutions',
      tokenUrl: `${server.url}/oauth/token`,
      clientId: 'c',
      clientSecret: CLIENT_SECRET,
      timeoutMs: 200,
    });
    const started = Date.now();
    const err2 = await failure(
      client({ auth: slow, retry: { maxAttempts: 1 } }).request({
        method: 'POST',
        path: '/invoices',
        body: {},
        operation: 'op',
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err2).toMatchObject({
      kind: 'timeout',
      transient: true,
      code: 'TOKEN_ACQUISITION_FAILED',
    });
  });

  it('a failing audit sink never fails the call', async () => {
    routes['/ok'] = (_req, res) => sendJson(res, 200, { ok: true });
    const throwing = client({
      auditSink: {
        record: () => {
          throw new Error('sink down');
        },
      },
    });
    const rejecting = client({ auditSink: { record: () => Promise.reject(new Error('db down')) } });
    expect((await throwing.request({ method: 'GET', path: '/ok', operation: 'op' })).status).toBe(
      200,
    );
    expect((await rejecting.request({ method: 'GET', path: '/ok', operation: 'op' })).status).toBe(
      200,
    );
    await sleep(10);
    expect(
      logs.filter((l) => l.msg === 'outbound audit sink failed').map((l) => l.obj.err),
    ).toEqual(['sink down', 'db down']);
  });

  it('truncates a large response body in the audit entry', async () => {
    routes['/big'] = (_req, res) => sendJson(res, 200, { blob: 'x'.repeat(100_000) });
    await client({ auth: undefined }).request({ method: 'GET', path: '/big', operation: 'op' });
    const body = audit.at(-1)?.responseBody as {
      truncated: boolean;
      bytes: number;
      preview: string;
    };
    expect(body.truncated).toBe(true);
    expect(body.bytes).toBeGreaterThan(100_000);
    expect(Buffer.byteLength(body.preview)).toBeLessThanOrEqual(64 * 1024);
  });

  it('static API key strategies: secrets are redacted in audit headers', async () => {
    routes['/dms'] = (req, res) => sendJson(res, 200, { seen: req.headers['x-api-key'] });
    await client({
      auth: new ApiKeyHeadersStrategy({ headers: { 'x-api-key': API_KEY, tenantid: 't1' } }),
    }).request({
      method: 'GET',
      path: '/dms',
      operation: 'op',
    });
    const entry = audit.at(-1)!;
    expect(entry.requestHeaders['x-api-key']).toBe(REDACTED);
    expect(entry.responseBody).toEqual({ seen: REDACTED });
  });
});
