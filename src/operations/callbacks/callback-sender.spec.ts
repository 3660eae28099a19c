import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackConfig } from '../../config/async-config';
import { sendCallback } from './callback-sender';
import { verifyCallbackSignature } from './callback-signature';

const secret = 'sender-secret-0123456789abcdef012345';

describe('callback sender (real HTTP on loopback)', () => {
  let server: Server;
  let port: number;
  let answer: { status: number; headers?: Record<string, string> };
  const received: { req: IncomingMessage; body: string }[] = [];
  const config = (overrides: Partial<CallbackConfig> = {}): CallbackConfig => ({
    allowedHosts: ['127.0.0.1', 'hooks.test'],
    allowHttp: true,
    secret,
    maxAttempts: 10,
    ...overrides,
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ req, body });
        res.writeHead(answer.status, answer.headers).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    received.length = 0;
    answer = { status: 204 };
  });

  it('POSTs the body with event, delivery id and a signature that verifies', async () => {
    const body = JSON.stringify({ id: 'op-1', status: 'succeeded' });
    const attempt = await sendCallback(
      `http://127.0.0.1:${port}/hook`,
      'operation.succeeded',
      body,
      config(),
    );
    expect(attempt).toMatchObject({ delivered: true, httpStatus: 204 });
    expect(received).toHaveLength(1);
    const { req, body: got } = received[0];
    expect(got).toBe(body);
    expect(req.headers['x-gateway-event']).toBe('operation.succeeded');
    expect(req.headers['x-gateway-delivery']).toBe(attempt.deliveryId);
    const signature = req.headers['x-gateway-signature'] as string;
    expect(verifyCallbackSignature(secret, got, signature, Math.floor(Date.now() / 1000))).toBe(
      true,
    );
  });

  it('counts a non-2xx and a redirect as not delivered, and never follows the redirect', async () => {
    answer = { status: 500 };
    expect(
      await sendCallback(`http://127.0.0.1:${port}/hook`, 'operation.failed', '{}', config()),
    ).toMatchObject({ delivered: false, httpStatus: 500 });
    answer = { status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } };
    expect(
      await sendCallback(`http://127.0.0.1:${port}/hook`, 'operation.failed', '{}', config()),
    ).toMatchObject({ delivered: false, httpStatus: 302 });
    expect(received.map((r) => r.req.url)).toEqual(['/hook', '/hook']);
  });

  it('refuses at send time a host that now resolves to an internal address (rebinding)', async () => {
    const attempt = await sendCallback(
      `http://hooks.test:${port}/hook`,
      'operation.dead',
      '{}',
      config({ allowedHosts: ['*.test'] }),
      { resolve: () => Promise.resolve(['127.0.0.1']) },
    );
    expect(attempt.delivered).toBe(false);
    expect(attempt.error).toMatch(/refused: .*loopback/);
    expect(received).toHaveLength(0);
  });

  it('reports an unreachable receiver without throwing', async () => {
    const attempt = await sendCallback('http://127.0.0.1:1/hook', 'operation.dead', '{}', config());
    expect(attempt).toMatchObject({ delivered: false, error: 'ECONNREFUSED' });
  });
});
