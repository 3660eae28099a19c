import { type LocalServer, sendJson, sleep, startLocalServer } from '../test-support/local-server';
import type { OutgoingRequest } from './auth-strategy';
import { GepTokenStrategy } from './gep-token.strategy';
import { OAuth2ClientCredentialsStrategy } from './oauth2-client-credentials.strategy';
import { TokenAcquisitionError } from './token-acquisition.error';

const CLIENT_SECRET = 'oauth-client-secret-XYZ';
const GEP_AUTH_KEY = 'gep-auth-key-SECRET-123';
const SUB_KEY = 'apim-subscription-SECRET-456';

function outgoing(): OutgoingRequest {
  return { method: 'POST', url: 'http://upstream.invalid/x', headers: {}, body: { a: 1 } };
}

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const ctx = { provider: 'test-provider' };

describe('OAuth2ClientCredentialsStrategy', () => {
  let server: LocalServer;
  let issued = 0;
  let answer: (() => { status: number; body: unknown; delayMs?: number }) | undefined;

  beforeAll(async () => {
    server = await startLocalServer(async (req, res) => {
      const a = answer?.() ?? { status: 200, body: undefined };
      if (a.delayMs) await sleep(a.delayMs);
      issued += 1;
      // Delivery Solutions style: every field a string
      sendJson(
        res,
        a.status,
        a.body ?? {
          token_type: 'BearerToken',
          access_token: `tok-${issued}`,
          expires_in: '3600',
          status: 'approved',
        },
      );
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    issued = 0;
    answer = undefined;
  });

  function strategy(
    extra: Partial<ConstructorParameters<typeof OAuth2ClientCredentialsStrategy>[0]> = {},
  ) {
    return new OAuth2ClientCredentialsStrategy({
      provider: 'delivery-solutions',
      tokenUrl: `${server.url}/oauth/token`,
      clientId: 'client-1',
      clientSecret: CLIENT_SECRET,
      scope: 'invoices',
      ...extra,
    });
  }

  it('sends HTTP Basic id:secret and the client-credentials form, once for 20 concurrent calls', async () => {
    answer = () => ({ status: 200, body: undefined, delayMs: 50 });
    const clock = fakeClock();
    const auth = strategy({ now: clock.now });
    const requests = Array.from({ length: 20 }, outgoing);
    await Promise.all(requests.map((r) => auth.apply(r, ctx)));

    expect(server.requests).toHaveLength(1);
    const tokenReq = server.requests[0];
    expect(tokenReq.method).toBe('POST');
    expect(tokenReq.url).toBe('/oauth/token');
    expect(tokenReq.headers.authorization).toBe(
      `Basic ${Buffer.from(`client-1:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(tokenReq.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenReq.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'invoices',
    });
    for (const r of requests) expect(r.headers.Authorization).toBe('Bearer tok-1');
    // expires_in "3600" (a string) -> one hour
    expect(auth.currentToken()?.expiresAt).toBe(clock.now() + 3_600_000);
    expect(auth.currentToken()?.renewAt).toBe(clock.now() + 3_600_000 - 360_000);
  });

  it('can send the client credentials in the form instead', async () => {
    const auth = strategy({ credentialsIn: 'form', scope: undefined });
    await auth.apply(outgoing(), ctx);
    const tokenReq = server.requests[0];
    expect(tokenReq.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(tokenReq.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: CLIENT_SECRET,
    });
  });

  it('renews before expiry (margin = max(60 s, 10 %))', async () => {
    answer = () => ({
      status: 200,
      body: { access_token: `tok-${issued + 1}`, expires_in: '600' },
    });
    const clock = fakeClock();
    const auth = strategy({ now: clock.now });
    const first = outgoing();
    await auth.apply(first, ctx);
    clock.advance(539_000);
    const second = outgoing();
    await auth.apply(second, ctx);
    expect(server.requests).toHaveLength(1);
    expect(second.headers.Authorization).toBe('Bearer tok-1');
    clock.advance(2_000); // 541 s: inside the 60 s margin of a 600 s token
    const third = outgoing();
    await auth.apply(third, ctx);
    expect(server.requests).toHaveLength(2);
    expect(third.headers.Authorization).toBe('Bearer tok-2');
  });

  it('drops the token on invalidate, but keeps a token already renewed by another caller', async () => {
    const auth = strategy();
    const a = outgoing();
    await auth.apply(a, ctx);
    auth.invalidate(a);
    const b = outgoing();
    await auth.apply(b, ctx);
    expect(b.headers.Authorization).toBe('Bearer tok-2');
    auth.invalidate(a); // stale: tok-1 is no longer cached
    const c = outgoing();
    await auth.apply(c, ctx);
    expect(c.headers.Authorization).toBe('Bearer tok-2');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a failing token endpoint naming the provider, without the secret', async () => {
    answer = () => ({ status: 401, body: { error: 'invalid_client', echoed: CLIENT_SECRET } });
    const auth = strategy();
    const err = await auth.apply(outgoing(), ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TokenAcquisitionError);
    const tae = err as TokenAcquisitionError;
    expect(tae.provider).toBe('delivery-solutions');
    expect(tae.httpStatus).toBe(401);
    expect(tae.transient).toBe(false);
    expect(tae.message).toContain('"delivery-solutions"');
    expect(tae.message).toContain('invalid_client');
    expect(tae.message).not.toContain(CLIENT_SECRET);

    answer = () => ({ status: 503, body: { message: 'down' } });
    const err2 = (await auth
      .apply(outgoing(), ctx)
      .catch((e: unknown) => e)) as TokenAcquisitionError;
    expect(err2.transient).toBe(true);
    expect(err2.httpStatus).toBe(503);

    answer = () => ({ status: 200, body: { token_type: 'bearer' } });
    const err3 = (await auth
      .apply(outgoing(), ctx)
      .catch((e: unknown) => e)) as TokenAcquisitionError;
    expect(err3.reason).toBe('invalid_body');

    // the failure is not cached
    answer = undefined;
    const ok = outgoing();
    await auth.apply(ok, ctx);
    expect(ok.headers.Authorization).toMatch(/^Bearer tok-/);
  });

  it('does not hang on a token endpoint that never answers', async () => {
    answer = () => ({ status: 200, body: undefined, delayMs: 5_000 });
    const auth = strategy({ timeoutMs: 300 });
    const started = Date.now();
    const err = (await auth
      .apply(outgoing(), ctx)
      .catch((e: unknown) => e)) as TokenAcquisitionError;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(TokenAcquisitionError);
    expect(err.reason).toBe('timeout');
    expect(err.transient).toBe(true);
    expect(err.message).toContain('"delivery-solutions"');
  });

  it('reports a refused connection as a transient network error', async () => {
    const closed = await startLocalServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const auth = strategy({ tokenUrl: `${url}/oauth/token` });
    const err = (await auth
      .apply(outgoing(), ctx)
      .catch((e: unknown) => e)) as TokenAcquisitionError;
    expect(err).toBeInstanceOf(TokenAcquisitionError);
    expect(err.reason).toBe('network');
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(/delivery-solutions.*ECONNREFUSED/);
  });
});

describe('GepTokenStrategy', () => {
  let server: LocalServer;
  let issued = 0;
  let body: (n: number) => unknown = (n) => ({
    Expires: 120,
    Token: `gep-${n}`,
    StatusCode: 200,
    ErrorMessage: '',
  });
  let status = 200;

  beforeAll(async () => {
    server = await startLocalServer(async (_req, res) => {
      await sleep(30);
      issued += 1;
      sendJson(res, status, body(issued));
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    issued = 0;
    status = 200;
  });

  it('GETs the token with its headers, once for 20 concurrent calls; Expires is in minutes', async () => {
    const clock = fakeClock();
    const auth = new GepTokenStrategy({
      provider: 'gep-quantum',
      tokenUrl: `${server.url}/SmartAuth2/Token`,
      authKey: GEP_AUTH_KEY,
      subscriptionKey: SUB_KEY,
      now: clock.now,
    });
    const requests = Array.from({ length: 20 }, outgoing);
    await Promise.all(requests.map((r) => auth.apply(r, ctx)));
    expect(server.requests).toHaveLength(1);
    const tokenReq = server.requests[0];
    expect(tokenReq.method).toBe('GET');
    expect(tokenReq.url).toBe('/SmartAuth2/Token');
    expect(tokenReq.headers['gep-auth-key']).toBe(GEP_AUTH_KEY);
    expect(tokenReq.headers['ocp-apim-subscription-key']).toBe(SUB_KEY);
    expect(tokenReq.body).toBe('');
    for (const r of requests) expect(r.headers.Authorization).toBe('Bearer gep-1');
    expect(auth.currentToken()?.expiresAt).toBe(clock.now() + 120 * 60_000);
  });

  it('reads the camelCase answer and an expiry in seconds', async () => {
    body = (n) => ({ expires: '90', token: `gep-${n}`, statusCode: 200, errorMessage: '' });
    const clock = fakeClock();
    const auth = new GepTokenStrategy({
      provider: 'gep-smart',
      tokenUrl: `${server.url}/token/gep`,
      authKey: GEP_AUTH_KEY,
      expiresUnit: 'seconds',
      now: clock.now,
    });
    const r = outgoing();
    await auth.apply(r, ctx);
    expect(r.headers.Authorization).toBe('Bearer gep-1');
    expect(server.requests[0].headers['ocp-apim-subscription-key']).toBeUndefined();
    expect(auth.currentToken()?.expiresAt).toBe(clock.now() + 90_000);
    // a 90 s token: margin is capped at half the lifetime
    clock.advance(44_000);
    await auth.apply(outgoing(), ctx);
    expect(server.requests).toHaveLength(1);
    clock.advance(2_000);
    await auth.apply(outgoing(), ctx);
    expect(server.requests).toHaveLength(2);
  });

  it('names the provider when the token endpoint refuses', async () => {
    status = 403;
    body = () => ({ StatusCode: 403, ErrorMessage: `bad key ${GEP_AUTH_KEY}` });
    const auth = new GepTokenStrategy({
      provider: 'gep-smart',
      tokenUrl: `${server.url}/token/gep`,
      authKey: GEP_AUTH_KEY,
    });
    const err = (await auth
      .apply(outgoing(), ctx)
      .catch((e: unknown) => e)) as TokenAcquisitionError;
    expect(err).toBeInstanceOf(TokenAcquisitionError);
    expect(err.message).toContain('"gep-smart"');
    expect(err.message).toContain('HTTP 403');
    expect(err.message).not.toContain(GEP_AUTH_KEY);
    expect(err.transient).toBe(false);
  });
});
