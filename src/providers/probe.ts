import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UpstreamError, type UpstreamHttpClient } from '@lib/upstream-http';
import type { ProbeResult } from './provider.contract';

/**
 * Reachability probe: an unauthenticated HEAD to `url`. Any HTTP answer (even 401 or 404) means
 * the upstream is reachable; a refused connection, reset or timeout means it is not. It sends
 * no credentials and does not touch the circuit breaker.
 */
export function probeHttp(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const started = performance.now();
  const done = (reachable: boolean, error?: string): ProbeResult => ({
    reachable,
    latencyMs: Math.round(performance.now() - started),
    ...(error ? { error } : {}),
    checkedAt: new Date().toISOString(),
  });
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(done(false, 'invalid URL'));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'HEAD', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(done(true));
    });
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(done(false, error.code ?? error.message)),
    );
    req.end();
  });
}

/**
 * The cheapest authenticated call (`POST /v1/connections/{name}/test`): an empty body to one of
 * the upstream's own routes, through the provider's client and auth (a token is fetched first
 * where the upstream uses one). The upstream refusing the empty body (a 4xx other than 401 and
 * 403) proves the credentials were accepted, and nothing was created; a refused token or
 * credential, and every other failure, is thrown as the client's UpstreamError.
 */
export async function verifyByEmptyCall(http: UpstreamHttpClient, path: string): Promise<void> {
  try {
    await http.request({
      method: 'POST',
      path,
      body: {},
      operation: 'verifyCredentials',
      retry: false,
    });
  } catch (error) {
    if (
      error instanceof UpstreamError &&
      error.kind === 'rejected' &&
      error.httpStatus !== undefined &&
      error.httpStatus >= 400 &&
      error.httpStatus < 500 &&
      error.httpStatus !== 401 &&
      error.httpStatus !== 403
    ) {
      return;
    }
    throw error;
  }
}
