import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackConfig } from '../../config/async-config';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../../common/webhooks/standard-webhooks';
import { callbackMessageId, postSigned, type SignedMessage } from './callback-sender';

const secret = generateWebhookSecret();
const message = (body: string, secrets: string[] = [secret]): SignedMessage => ({
  id: 'msg_0001',
  body,
  secrets,
});

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

  it('POSTs the body with Standard Webhooks headers that the standardwebhooks package verifies', async () => {
    const body = JSON.stringify({ type: 'operation.succeeded', data: { id: 'op-1' } });
    const attempt = await postSigned(`http://127.0.0.1:${port}/hook`, message(body), config());
    expect(attempt).toMatchObject({ delivered: true, httpStatus: 204 });
    expect(received).toHaveLength(1);
    const { req, body: got } = received[0];
    expect(got).toBe(body);
    expect(req.headers['webhook-id']).toBe('msg_0001');
    expect(req.headers['x-gateway-signature']).toBeUndefined();
    const headers = req.headers as Record<string, string>;
    expect(new Webhook(secret).verify(got, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(got, headers)).toThrow();
  });

  it('signs with every secret given (a rotation): each one verifies alone', async () => {
    const older = generateWebhookSecret();
    await postSigned(
      `http://127.0.0.1:${port}/hook`,
      message('{"a":1}', [secret, older]),
      config(),
    );
    const headers = received[0].req.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify('{"a":1}', headers)).toEqual({ a: 1 });
    expect(new Webhook(older).verify('{"a":1}', headers)).toEqual({ a: 1 });
  });

  it('gives one operation ending one stable message id, and a replayed ending another', () => {
    const id = '2b1c5e2a-0d4e-4c1b-9a53-5d1f8f3f3c11';
    const at = new Date('2026-01-05T10:00:00.000Z');
    expect(callbackMessageId(id, at)).toBe(callbackMessageId(id, new Date(at)));
    expect(callbackMessageId(id, at)).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(callbackMessageId(id, new Date(at.getTime() + 1))).not.toBe(callbackMessageId(id, at));
  });

  it('counts a non-2xx and a redirect as not delivered, and never follows the redirect', async () => {
    answer = { status: 500 };
    expect(
      await postSigned(`http://127.0.0.1:${port}/hook`, message('{}'), config()),
    ).toMatchObject({ delivered: false, httpStatus: 500 });
    answer = { status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } };
    expect(
      await postSigned(`http://127.0.0.1:${port}/hook`, message('{}'), config()),
    ).toMatchObject({ delivered: false, httpStatus: 302 });
    expect(received.map((r) => r.req.url)).toEqual(['/hook', '/hook']);
  });

  it('refuses at send time a host that now resolves to an internal address (rebinding)', async () => {
    const attempt = await postSigned(
      `http://hooks.test:${port}/hook`,
      message('{}'),
      config({ allowedHosts: ['*.test'] }),
      { resolve: () => Promise.resolve(['127.0.0.1']) },
    );
    expect(attempt.delivered).toBe(false);
    expect(attempt.error).toMatch(/refused: .*loopback/);
    expect(received).toHaveLength(0);
  });

  it('reports an unreachable receiver without throwing', async () => {
    const attempt = await postSigned('http://127.0.0.1:1/hook', message('{}'), config());
    expect(attempt).toMatchObject({ delivered: false, error: 'ECONNREFUSED' });
  });
});
