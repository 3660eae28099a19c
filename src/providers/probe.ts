import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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
