import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Standard Webhooks signature scheme (standardwebhooks.com), for what the gateway sends
 * (webhook endpoints, operation callbacks) and what it receives (DMS status webhooks):
 * - headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`;
 * - a signature is `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the
 *   secret's bytes (a `whsec_` secret is base64 after its prefix); several signatures are
 *   separated by spaces (during a secret rotation both the new and the old one sign).
 * Consumers verify with the `standardwebhooks` library of their language; the tests check this
 * module against the npm package.
 */

export const SECRET_PREFIX = 'whsec_';
/** Random bytes in a generated secret (the scheme asks for 24 to 64). */
const SECRET_BYTES = 32;
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new `whsec_` secret, shown once to its owner. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The key bytes of a secret: base64 after `whsec_`; any other string is used as given. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length === 0) throw new Error('a whsec_ secret must carry base64 key bytes');
  return key;
}

/** Whether a string is a well-formed `whsec_` secret (base64 of 24 to 64 bytes). */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const length = Buffer.from(encoded, 'base64').length;
  return length >= 24 && length <= 64;
}

/** One signature (`v1,<base64>`) of `id.timestamp.body`. */
export function signature(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one delivery, signed with every given secret (new first). */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): WebhookHeaders {
  if (secrets.length === 0) throw new Error('a webhook delivery needs at least one secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signature(s, id, timestampSeconds, body)).join(' '),
  };
}

export type VerifyFailure = 'missing_headers' | 'stale_timestamp' | 'bad_signature';

/**
 * Checks a received delivery: the timestamp within `toleranceSeconds` of now, and one of the
 * `v1` signatures made with `secret`. Answers `ok` or why not (never throws on bad input).
 */
export function verifyWebhook(
  secret: string,
  headers: Partial<Record<keyof WebhookHeaders, string | undefined>>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): 'ok' | VerifyFailure {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return 'missing_headers';
  if (!/^\d{1,12}$/.test(timestamp)) return 'stale_timestamp';
  const seconds = Number(timestamp);
  if (Math.abs(nowSeconds - seconds) > toleranceSeconds) return 'stale_timestamp';
  const expected = Buffer.from(signature(secret, id, seconds, body).slice(3), 'base64');
  for (const candidate of signatures.split(' ')) {
    const comma = candidate.indexOf(',');
    if (comma < 0 || candidate.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(candidate.slice(comma + 1), 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return 'ok';
  }
  return 'bad_signature';
}
