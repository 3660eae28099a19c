import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamHttpClient } from '@lib/upstream-http';
import { EnvReader } from '../config/env-reader';
import { httpSettings, readHttpOverrides } from './provider-definition';

describe('per-provider outbound overrides', () => {
  it('reads the breaker settings, validated, and leaves the defaults alone when unset', () => {
    const r = new EnvReader({
      DMS_BREAKER_FAILURE_RATIO: '0.25',
      DMS_BREAKER_MIN_CALLS: '3',
      DMS_BREAKER_HALF_OPEN_MS: '1500',
    });
    const http = readHttpOverrides(r, 'DMS');
    expect(r.problems).toEqual([]);
    expect(httpSettings(http, [503]).breaker).toEqual({
      failureRatio: 0.25,
      minimumCalls: 3,
      halfOpenAfterMs: 1500,
    });
    expect(httpSettings(http, [503]).retry).toEqual({ retryableStatuses: [503] });
    const none = new EnvReader({});
    expect(httpSettings(readHttpOverrides(none, 'DMS'))).toEqual({
      connectTimeoutMs: undefined,
      timeoutMs: undefined,
      deadlineMs: undefined,
      retry: undefined,
      breaker: undefined,
    });
  });

  it.each([
    ['DMS_BREAKER_FAILURE_RATIO', '0', /expected a decimal number above 0 and at most 1/],
    ['DMS_BREAKER_FAILURE_RATIO', '1.5', /expected a decimal number above 0 and at most 1/],
    ['DMS_BREAKER_FAILURE_RATIO', 'half', /expected a decimal number/],
    ['DMS_BREAKER_MIN_CALLS', '0', /expected an integer from 1 to 10000/],
    ['DMS_BREAKER_HALF_OPEN_MS', '50', /expected an integer from 100 to 3600000/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    const r = new EnvReader({ [name]: value });
    readHttpOverrides(r, 'DMS');
    expect(r.problems).toEqual([
      expect.stringMatching(new RegExp(`^${name}="${value}" is invalid`)),
    ]);
    expect(r.problems[0]).toMatch(message);
  });

  describe('against a real upstream', () => {
    let server: Server;
    let failing = true;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: !failing }));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((done) => server.close(() => done()));
    });

    it('opens the circuit after the configured calls and half-opens after the configured time', async () => {
      const r = new EnvReader({
        DMS_RETRY_MAX_ATTEMPTS: '1',
        DMS_BREAKER_MIN_CALLS: '2',
        DMS_BREAKER_HALF_OPEN_MS: '300',
      });
      const client = new UpstreamHttpClient({
        provider: 'breaker-test',
        baseUrl: url,
        ...httpSettings(readHttpOverrides(r, 'DMS'), [503]),
      });
      try {
        const call = () =>
          client.request({ method: 'GET', path: '/x', operation: 'probe' }).then(
            () => 'ok',
            (error: { code?: string; httpStatus?: number }) => error.httpStatus ?? error.code,
          );
        expect(await call()).toBe(503);
        expect(client.circuitState()).toBe('closed'); // one call: below the minimum of 2
        expect(await call()).toBe(503);
        expect(client.circuitState()).toBe('open');
        failing = false;
        // still open: refused without a call, until the half-open time has passed
        expect(await call()).not.toBe('ok');
        await new Promise((done) => setTimeout(done, 400));
        expect(await call()).toBe('ok');
        expect(client.circuitState()).toBe('closed');
      } finally {
        await client.close();
      }
    });
  });
});
