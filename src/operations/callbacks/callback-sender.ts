import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CallbackConfig } from '../../config/async-config';
import {
  CallbackRefused,
  checkAddresses,
  checkCallbackUrl,
  systemResolver,
  type Resolver,
} from './callback-policy';
import { signCallback } from './callback-signature';

export type CallbackEvent = 'operation.succeeded' | 'operation.failed' | 'operation.dead';

export interface CallbackAttempt {
  delivered: boolean;
  deliveryId: string;
  httpStatus?: number;
  /** Why it was not delivered (status, refusal, network error), without secrets. */
  error?: string;
}

const TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one callback. The URL is checked again at send time and the connection goes to an
 * address checked in the same step (a custom DNS lookup), so a host that was public when the call
 * arrived cannot be rebound to an internal address later. Redirects are never followed: a 3xx
 * is "not delivered", like any other non-2xx.
 */
export async function sendCallback(
  rawUrl: string,
  event: CallbackEvent,
  body: string,
  config: CallbackConfig,
  options: { resolve?: Resolver; now?: () => number } = {},
): Promise<CallbackAttempt> {
  const deliveryId = randomUUID();
  const resolve = options.resolve ?? systemResolver;
  let url: URL;
  try {
    url = await checkCallbackUrl(rawUrl, config, resolve);
  } catch (error) {
    return { delivered: false, deliveryId, error: refusal(error) };
  }
  if (!config.secret) {
    return { delivered: false, deliveryId, error: 'CALLBACK_SECRET is not set' };
  }
  const seconds = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'invoice-gateway-callbacks/1',
    'x-gateway-event': event,
    'x-gateway-delivery': deliveryId,
    'x-gateway-signature': signCallback(config.secret, body, seconds),
  };
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    checkAddresses(hostname.toLowerCase(), config, resolve).then(
      (addresses) => {
        const address = addresses[0];
        const family = address.includes(':') ? 6 : 4;
        if ((lookupOptions as { all?: boolean }).all) {
          callback(null, [{ address, family }] as never);
        } else {
          callback(null, address, family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<CallbackAttempt>((done) => {
    const req = send(url, { method: 'POST', headers, lookup, timeout: TIMEOUT_MS }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const status = res.statusCode ?? 0;
      const settle = () =>
        done(
          status >= 200 && status < 300
            ? { delivered: true, deliveryId, httpStatus: status }
            : { delivered: false, deliveryId, httpStatus: status, error: `HTTP ${status}` },
        );
      res.on('end', settle);
      res.on('close', settle);
      res.on('error', settle);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (error) => done({ delivered: false, deliveryId, error: refusal(error) }));
    req.end(body);
  });
}

function refusal(error: unknown): string {
  if (error instanceof CallbackRefused) return `refused: ${error.reason}`;
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
