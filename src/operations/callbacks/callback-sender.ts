import type { LookupFunction } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CallbackConfig } from '../../config/async-config';
import { webhookHeaders } from '../../common/webhooks/standard-webhooks';
import {
  CallbackRefused,
  checkAddresses,
  checkCallbackUrl,
  systemResolver,
  type Resolver,
} from './callback-policy';

/** One signed message: its `webhook-id` (the same on every retry), body and signing secrets. */
export interface SignedMessage {
  id: string;
  body: string;
  /** Every secret that signs it (new first; during a rotation the old one too). */
  secrets: readonly string[];
}

export interface PostAttempt {
  delivered: boolean;
  httpStatus?: number;
  durationMs: number;
  /** Why it was not delivered (status, refusal, network error), without secrets. */
  error?: string;
}

const TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one message signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), for operation callbacks and webhook endpoints alike. The URL is checked
 * again at send time against the callback policy (CALLBACK_ALLOWED_HOSTS, no internal address)
 * and the connection goes to an address checked in the same step (a custom DNS lookup), so a host
 * that was public when it was registered cannot be rebound to an internal address later.
 * Redirects are never followed: a 3xx is "not delivered", like any other non-2xx.
 */
export async function postSigned(
  rawUrl: string,
  message: SignedMessage,
  config: CallbackConfig,
  options: { resolve?: Resolver; now?: () => number } = {},
): Promise<PostAttempt> {
  const started = Date.now();
  const resolve = options.resolve ?? systemResolver;
  let url: URL;
  try {
    url = await checkCallbackUrl(rawUrl, config, resolve);
  } catch (error) {
    return { delivered: false, durationMs: Date.now() - started, error: refusal(error) };
  }
  if (message.secrets.length === 0) {
    return { delivered: false, durationMs: Date.now() - started, error: 'no signing secret' };
  }
  const seconds = Math.floor((options.now?.() ?? Date.now()) / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(message.body)),
    'user-agent': 'invoice-gateway-webhooks/2',
    ...webhookHeaders(message.secrets, message.id, seconds, message.body),
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
  return new Promise<PostAttempt>((done) => {
    let settled = false;
    const finish = (attempt: Omit<PostAttempt, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      done({ ...attempt, durationMs: Date.now() - started });
    };
    const req = send(url, { method: 'POST', headers, lookup, timeout: TIMEOUT_MS }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const status = res.statusCode ?? 0;
      const settle = () =>
        finish(
          status >= 200 && status < 300
            ? { delivered: true, httpStatus: status }
            : { delivered: false, httpStatus: status, error: `HTTP ${status}` },
        );
      res.on('end', settle);
      res.on('close', settle);
      res.on('error', settle);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (error) => finish({ delivered: false, error: refusal(error) }));
    req.end(message.body);
  });
}

/** The body every delivery carries: `{ type, timestamp, data }`. */
export function messageBody(type: string, occurredAt: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data });
}

/**
 * A callback's `webhook-id`: stable for one ending of one operation (every retry of it carries
 * the same), new after a replay ends it again. `msg_` + the end's unix milliseconds (12 hex
 * digits) + the first 20 hex digits of the operation id.
 */
export function callbackMessageId(operationId: string, completedAt: Date): string {
  const ms = completedAt.getTime().toString(16).padStart(12, '0');
  return `msg_${ms}${operationId.replace(/-/g, '').slice(0, 20)}`;
}

function refusal(error: unknown): string {
  if (error instanceof CallbackRefused) return `refused: ${error.reason}`;
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
