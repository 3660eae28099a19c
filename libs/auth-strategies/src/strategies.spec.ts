import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalServer, sendJson, startLocalServer } from '../test-support/local-server';
import { ApiKeyHeadersStrategy } from './api-key-headers.strategy';
import type { AuthStrategy, OutgoingRequest } from './auth-strategy';
import { BasicAuthStrategy } from './basic.strategy';
import { ClientCertificateStrategy } from './client-certificate.strategy';
import { CompositeAuthStrategy, composeAuth } from './composite.strategy';
import { TlsDispatchers, sendHttp } from './http-transport';
import { SharedSecretEnvelopeStrategy } from './shared-secret-envelope.strategy';
import { StaticBearerStrategy } from './static-bearer.strategy';

const ctx = { provider: 'p' };
const FIXTURES = join(__dirname, '..', 'test-fixtures');

function outgoing(body: unknown = undefined): OutgoingRequest {
  return {
    method: 'POST',
    url: 'https://upstream.invalid/x',
    headers: { Accept: 'application/json' },
    body,
  };
}

describe('static strategies', () => {
  it('static bearer sets Authorization and replaces one in another case', async () => {
    const req = outgoing();
    req.headers.authorization = 'old';
    await new StaticBearerStrategy({ token: 'dms-api-key' }).apply(req);
    expect(req.headers).toEqual({
      Accept: 'application/json',
      Authorization: 'Bearer dms-api-key',
    });
  });

  it('basic encodes username:password', async () => {
    const req = outgoing();
    const auth = new BasicAuthStrategy({ username: 'dealer', password: 'pa:ss' });
    await auth.apply(req);
    expect(req.headers.Authorization).toBe(
      `Basic ${Buffer.from('dealer:pa:ss').toString('base64')}`,
    );
    expect(auth.refreshable).toBe(false);
    expect(auth.secretValues()).toContain('pa:ss');
  });

  it('API-key headers set any header names; public ones are not treated as secrets', async () => {
    const req = outgoing();
    const auth = new ApiKeyHeadersStrategy({
      headers: { 'x-api-key': 'ds-key-123', tenantid: 'tenant-1' },
      publicHeaders: ['tenantid'],
    });
    await auth.apply(req);
    expect(req.headers['x-api-key']).toBe('ds-key-123');
    expect(req.headers.tenantid).toBe('tenant-1');
    expect(auth.secretValues()).toEqual(['ds-key-123']);
  });
});

describe('SharedSecretEnvelopeStrategy', () => {
  const options = {
    from: { domain: 'NetworkID', identity: 'CLIENT' },
    to: { domain: 'NetworkID', identity: 'GEP' },
    sender: {
      domain: 'NetworkID',
      identity: 'CLIENT',
      sharedSecret: 'shh-secret-1',
      userAgent: 'invoice-gateway',
    },
  };
  const header = {
    from: options.from,
    to: options.to,
    sender: options.sender,
  };

  it('adds the header block to each model without changing the caller object', async () => {
    const input = { models: [{ documentNumber: 'CM-1' }, { documentNumber: 'CM-2' }], other: 1 };
    const snapshot = structuredClone(input);
    const req = outgoing(input);
    await new SharedSecretEnvelopeStrategy(options).apply(req, ctx);
    expect(req.body).toEqual({
      models: [
        { documentNumber: 'CM-1', header },
        { documentNumber: 'CM-2', header },
      ],
      other: 1,
    });
    expect(input).toEqual(snapshot);
    expect(req.body).not.toBe(input);
  });

  it('can target a top-level array or the body itself', async () => {
    const list = [{ a: 1 }];
    const r1 = outgoing(list);
    await new SharedSecretEnvelopeStrategy({ ...options, target: 'array' }).apply(r1, ctx);
    expect(r1.body).toEqual([{ a: 1, header }]);
    expect(list).toEqual([{ a: 1 }]);

    const single = { a: 2 };
    const r2 = outgoing(single);
    await new SharedSecretEnvelopeStrategy({
      ...options,
      target: 'body',
      property: 'Header',
    }).apply(r2, ctx);
    expect(r2.body).toEqual({ a: 2, Header: header });
    expect(single).toEqual({ a: 2 });
  });

  it('refuses a body of the wrong shape with a clear message', async () => {
    await expect(
      new SharedSecretEnvelopeStrategy(options).apply(outgoing({}), ctx),
    ).rejects.toThrow('body has no models array');
  });
});

describe('CompositeAuthStrategy', () => {
  it('applies strategies in order and is refreshable if any part is', async () => {
    const order: string[] = [];
    const fake = (name: string, refreshable: boolean): AuthStrategy => ({
      name,
      refreshable,
      apply: async (req) => {
        order.push(name);
        req.headers[name] = 'x';
      },
      invalidate: () => order.push(`invalidate:${name}`),
      secretValues: () => [`secret-${name}`],
    });
    const auth = composeAuth(
      fake('a', true),
      fake('b', false),
      new StaticBearerStrategy({ token: 'tok-c' }),
    );
    expect(auth).toBeInstanceOf(CompositeAuthStrategy);
    expect(auth.refreshable).toBe(true);
    expect(auth.name).toBe('a+b+static-bearer');
    const req = outgoing();
    await auth.apply(req, ctx);
    auth.invalidate?.(req);
    expect(order).toEqual(['a', 'b', 'invalidate:a', 'invalidate:b']);
    expect(req.headers.Authorization).toBe('Bearer tok-c');
    expect(auth.secretValues?.()).toEqual(['secret-a', 'secret-b', 'tok-c']);
  });
});

describe('ClientCertificateStrategy', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer((req, res) => sendJson(res, 200, { cn: req.clientCertCn }), {
      cert: readFileSync(join(FIXTURES, 'server.pem')),
      key: readFileSync(join(FIXTURES, 'server.key')),
      ca: readFileSync(join(FIXTURES, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    });
  });
  afterAll(() => server.close());

  const pools = (): TlsDispatchers =>
    new TlsDispatchers({ connections: 2, connectTimeoutMs: 2_000, keepAliveTimeoutMs: 1_000 });

  it('reads the files into one TLS configuration and completes a mutual TLS handshake', async () => {
    const auth = new ClientCertificateStrategy({
      provider: 'gep-smart',
      certFile: join(FIXTURES, 'client.pem'),
      keyFile: join(FIXTURES, 'client.key'),
      caFile: join(FIXTURES, 'ca.pem'),
    });
    const dispatchers = pools();
    try {
      const req = outgoing();
      await auth.apply(req);
      expect(req.tls).toBe(auth.tls);
      expect(Object.isFrozen(auth.tls)).toBe(true);
      expect(auth.tls).toMatchObject({ rejectUnauthorized: true });
      const res = await sendHttp(dispatchers.get(req.tls), {
        method: 'GET',
        url: `${server.url}/ping`,
        headers: {},
      });
      expect(res.data).toEqual({ cn: 'test-client' });
    } finally {
      await dispatchers.close();
    }
  });

  it('is refused by the server without the client certificate', async () => {
    const dispatchers = pools();
    try {
      await expect(
        sendHttp(dispatchers.get({ ca: readFileSync(join(FIXTURES, 'ca.pem')) }), {
          method: 'GET',
          url: `${server.url}/ping`,
          headers: {},
        }),
      ).rejects.toThrow();
    } finally {
      await dispatchers.close();
    }
  });

  it('names the provider and the file when a file is missing', () => {
    expect(
      () =>
        new ClientCertificateStrategy({
          provider: 'gep-smart',
          certFile: join(FIXTURES, 'missing.pem'),
          keyFile: join(FIXTURES, 'client.key'),
        }),
    ).toThrow(/provider "gep-smart".*certificate file .*missing\.pem \(ENOENT\)/);
  });
});
