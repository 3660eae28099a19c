import { type AuthStrategy, ClientCertificateStrategy } from '@lib/auth-strategies';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type AddressInfo,
  type Server as NetServer,
  type Socket,
  createServer as createTcpServer,
} from 'node:net';
import { join } from 'node:path';
import { sleep } from '../../auth-strategies/test-support/local-server';
import { failure } from '../test-support/failure';
import { UpstreamHttpClient } from './upstream-http.client';
import type { OutboundAuditEntry, UpstreamClientConfig } from './upstream-http.types';

/** The transport under the client (undici): what the wire and the caller see. */

const FIXTURES = join(__dirname, '../../auth-strategies/test-fixtures');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Route = (res: ServerResponse, seen: Seen) => void | Promise<void>;

/** A plain or TLS server that counts its connections and keeps every socket until closed. */
interface TestServer {
  url: string;
  seen: Seen[];
  sockets: Set<Socket>;
  connections(): number;
  close(): Promise<void>;
}

async function listen(server: Server | NetServer, scheme: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startServer(route: Route, tls?: 'mutual'): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      void Promise.resolve(route(res, entry)).catch(() => res.destroy());
    });
  };
  const server = tls
    ? createHttpsServer(
        {
          cert: readFileSync(join(FIXTURES, 'server.pem')),
          key: readFileSync(join(FIXTURES, 'server.key')),
          ca: readFileSync(join(FIXTURES, 'ca.pem')),
          requestCert: true,
          rejectUnauthorized: true,
        },
        handler,
      )
    : createServer(handler);
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const url = await listen(server, tls ? 'https' : 'http');
  return {
    url,
    seen,
    sockets,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

const audit: OutboundAuditEntry[] = [];
const clients: UpstreamHttpClient[] = [];

function client(baseUrl: string, extra: Partial<UpstreamClientConfig> = {}): UpstreamHttpClient {
  const c = new UpstreamHttpClient({
    provider: 'test-upstream',
    baseUrl,
    auditSink: { record: (e) => void audit.push(e) },
    retry: { baseDelayMs: 10, maxDelayMs: 20 },
    ...extra,
  });
  clients.push(c);
  return c;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe('UpstreamHttpClient transport: answers', () => {
  let server: TestServer;
  let route: Route;
  beforeAll(async () => {
    server = await startServer((res, seen) => route(res, seen));
  });
  afterAll(() => server.close());

  it('keeps an invalid JSON body as its text, in the answer, the error and the audit', async () => {
    route = (res) => send(res, 200, 'application/json', '{"broken": ');
    const ok = await client(server.url).request({ method: 'GET', path: '/j', operation: 'op' });
    expect(ok.data).toBe('{"broken": ');
    expect(audit.at(-1)?.responseBody).toBe('{"broken": ');

    route = (res) => send(res, 422, 'application/json', 'not json at all');
    const err = await failure(
      client(server.url).request({ method: 'POST', path: '/j', body: {}, operation: 'op' }),
    );
    expect(err).toMatchObject({ kind: 'rejected', httpStatus: 422, details: 'not json at all' });
    expect(err.message).toContain('not json at all');
  });

  it('reads a non-JSON body as text; a JSON body whatever its type (BOM dropped); empty as ""', async () => {
    route = (res) => send(res, 200, 'text/html; charset=utf-8', '<p>hello</p>');
    const html = await client(server.url).request({ method: 'GET', path: '/h', operation: 'op' });
    expect(html.data).toBe('<p>hello</p>');
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');

    route = (res) => send(res, 200, 'text/plain', '\uFEFF{"a":[1,2]}');
    const typed = await client(server.url).request({ method: 'GET', path: '/t', operation: 'op' });
    expect(typed.data).toEqual({ a: [1, 2] });

    route = (res) => {
      res.writeHead(204);
      res.end();
    };
    const empty = await client(server.url).request({
      method: 'DELETE',
      path: '/e',
      operation: 'op',
    });
    expect([empty.status, empty.data]).toEqual([204, '']);
  });

  it('sends JSON with its content type and axios-like Accept; keeps what the caller set', async () => {
    route = (res) => send(res, 201, 'application/json', '{"id":1}');
    const c = client(server.url);
    await c.request({ method: 'POST', path: '/a', body: { n: 'é' }, operation: 'op' });
    await c.request({
      method: 'PUT',
      path: '/b',
      body: 'a=1',
      headers: { Accept: 'application/xml' },
      operation: 'op',
    });
    await c.request({ method: 'GET', path: '/c', operation: 'op' });
    const [json, form, get] = server.seen.slice(-3);
    expect(json.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json, text/plain, */*',
      'content-length': String(Buffer.byteLength('{"n":"é"}')),
    });
    expect(json.body).toBe('{"n":"é"}');
    expect(form.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/xml',
    });
    expect(form.body).toBe('a=1');
    expect(get.headers['content-type']).toBeUndefined();
    expect(get.body).toBe('');
  });

  it('serializes the request body once, for the wire and the audit entry', async () => {
    route = (res) => send(res, 200, 'application/json', '{}');
    const body = { invoice: { number: 'INV-1', lines: [{ amount: 12.5 }] } };
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      await client(server.url).request({ method: 'POST', path: '/once', body, operation: 'op' });
      const ofBody = stringify.mock.calls.filter(
        ([value]) => typeof value === 'object' && value !== null && 'invoice' in value,
      );
      expect(ofBody).toHaveLength(1);
    } finally {
      stringify.mockRestore();
    }
    expect(audit.at(-1)?.requestBody).toEqual(body);
    expect(audit.at(-1)?.requestBody).not.toBe(body);
    expect(server.seen.at(-1)?.body).toBe(JSON.stringify(body));
  });

  it('a body that stops half-way hits the attempt timeout', async () => {
    route = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
    };
    const started = Date.now();
    const err = await failure(
      client(server.url, { timeoutMs: 300 }).request({
        method: 'GET',
        path: '/stall',
        operation: 'op',
        retry: false,
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ kind: 'timeout', transient: true, code: 'TIMEOUT' });
    expect(audit.at(-1)).toMatchObject({ outcome: 'timeout', errorCode: 'TIMEOUT' });
  });

  it('the deadline aborts a body in flight, and a caller signal aborts the call', async () => {
    route = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('some');
    };
    const started = Date.now();
    const err = await failure(
      client(server.url, { deadlineMs: 300, timeoutMs: 5_000 }).request({
        method: 'GET',
        path: '/stall2',
        operation: 'op',
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ kind: 'timeout', code: 'DEADLINE_EXCEEDED' });

    route = () => sleep(10_000);
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100).unref();
    const aborted = await failure(
      client(server.url).request({
        method: 'GET',
        path: '/hang',
        operation: 'op',
        signal: caller.signal,
      }),
    );
    expect(aborted).toMatchObject({ kind: 'timeout', code: 'DEADLINE_EXCEEDED' });
  });

  it('a peer closing the connection without answering is ECONNRESET, as before', async () => {
    route = (res) => void res.socket?.end();
    const err = await failure(
      client(server.url).request({
        method: 'POST',
        path: '/lost',
        body: {},
        operation: 'op',
        retry: false,
      }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', transient: true, code: 'ECONNRESET' });
  });

  it('follows no redirect', async () => {
    route = (res) => {
      res.writeHead(302, { location: `${server.url}/elsewhere` });
      res.end();
    };
    const before = server.seen.length;
    const err = await failure(
      client(server.url).request({ method: 'GET', path: '/r', operation: 'op' }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', httpStatus: 302 });
    expect(server.seen.slice(before).map((s) => s.url)).toEqual(['/r']);
  });

  it('reuses one keep-alive connection; close() closes the pool and refuses later calls', async () => {
    route = (res) => send(res, 200, 'application/json', '{"ok":true}');
    const c = client(server.url);
    const before = server.connections();
    const older = new Set(server.sockets);
    for (let i = 0; i < 10; i++) await c.request({ method: 'GET', path: '/k', operation: 'op' });
    // undici may open a second connection when a call follows before the first is released
    expect(server.connections() - before).toBeLessThanOrEqual(2);
    const mine = [...server.sockets].filter((socket) => !older.has(socket));
    expect(mine.length).toBeGreaterThan(0);

    await c.close();
    await sleep(50);
    expect(mine.filter((socket) => server.sockets.has(socket))).toEqual([]);
    const err = await failure(
      c.request({ method: 'GET', path: '/k', operation: 'op', retry: false }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', code: 'UND_ERR_CLOSED' });
    await expect(c.close()).resolves.toBeUndefined();
  });
});

describe('UpstreamHttpClient transport: connect timeout', () => {
  let stall: NetServer;
  let url: string;
  const held: Socket[] = [];
  beforeAll(async () => {
    // accepts TCP and never answers the TLS handshake: the connect phase never completes
    stall = createTcpServer((socket) => void held.push(socket));
    url = await listen(stall, 'https');
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => stall.close(resolve));
  });

  it('fails with CONNECT_TIMEOUT (kind timeout) before the attempt timeout', async () => {
    const started = Date.now();
    const err = await failure(
      client(url, { connectTimeoutMs: 200, timeoutMs: 5_000 }).request({
        method: 'GET',
        path: '/x',
        operation: 'op',
        retry: false,
      }),
    );
    const elapsed = Date.now() - started;
    expect(err).toMatchObject({ kind: 'timeout', transient: true, code: 'CONNECT_TIMEOUT' });
    expect(err.message).toContain('connect timeout');
    // undici's connect timer is coarse (it may fire up to ~1 s late)
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2_000);
    expect(audit.at(-1)).toMatchObject({ outcome: 'timeout', errorCode: 'CONNECT_TIMEOUT' });
  });
});

describe('UpstreamHttpClient transport: mutual TLS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      (res) => send(res, 200, 'application/json', '{"ok":true}'),
      'mutual',
    );
  });
  afterAll(() => server.close());

  const certificate = (extra: { rejectUnauthorized?: boolean } = {}): ClientCertificateStrategy =>
    new ClientCertificateStrategy({
      provider: 'test-upstream',
      certFile: join(FIXTURES, 'client.pem'),
      keyFile: join(FIXTURES, 'client.key'),
      caFile: join(FIXTURES, 'ca.pem'),
      ...extra,
    });

  /** A strategy that picks its certificate per call: one of several TLS configurations. */
  function perCall(choices: ClientCertificateStrategy[]): AuthStrategy {
    let next = 0;
    return {
      name: 'per-call-certificate',
      refreshable: false,
      apply: (req) => {
        req.tls = choices[next++ % choices.length].tls;
        return Promise.resolve();
      },
    };
  }

  it('one pool per distinct TLS configuration, reused call after call', async () => {
    // two strategies reading the same files: equal configurations, one pool
    const same = [certificate(), certificate()];
    // one connection per pool: a second pool for the same configuration would show up as a
    // second connection
    const c = client(server.url, { auth: perCall(same), maxSockets: 1 });
    const before = server.connections();
    for (let i = 0; i < 6; i++) {
      const res = await c.request({ method: 'GET', path: '/m', operation: 'op' });
      expect(res.data).toEqual({ ok: true });
    }
    expect(server.connections() - before).toBe(1);

    // a different configuration gets a pool of its own (one more connection), then is reused
    const mixed = client(server.url, {
      auth: perCall([certificate(), certificate({ rejectUnauthorized: false })]),
      maxSockets: 1,
    });
    const mark = server.connections();
    for (let i = 0; i < 6; i++) await mixed.request({ method: 'GET', path: '/m', operation: 'op' });
    expect(server.connections() - mark).toBe(2);
  });

  it('without the client certificate the server refuses the connection', async () => {
    const ca = readFileSync(join(FIXTURES, 'ca.pem'));
    const serverTrustOnly: AuthStrategy = {
      name: 'ca-only',
      refreshable: false,
      apply: (req) => {
        req.tls = { ca };
        return Promise.resolve();
      },
    };
    const err = await failure(
      client(server.url, { auth: serverTrustOnly }).request({
        method: 'GET',
        path: '/m',
        operation: 'op',
        retry: false,
      }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', transient: true });
    expect(err.code).not.toBe('NETWORK_ERROR');
  });
});
