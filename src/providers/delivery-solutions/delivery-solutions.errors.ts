import { type ErrorParser, UpstreamError } from '@lib/upstream-http';

/**
 * How Delivery Solutions failures become UpstreamErrors (pure). Error bodies are
 * `{type, message, code?, errors?: [{type, message}]}`: `code` is the `type` (VALIDATION_ERROR,
 * INVALID_DATA, NOT_FOUND, DUPLICATE_ID, ...), the message joins `message` and the distinct
 * messages of `errors[]`. Severities follow the spec's error tables:
 * - hard: UNAUTHORIZED 401, NOT_FOUND 404, INVALID_DATA 400/422 (incl. "Invoice already
 *   Exists"), GEOCODING_FAILED 422 -> rejected;
 * - transient: INTERNAL_SERVER_ERROR 500, TOO_MANY_REQUESTS 429 (the client retries them where
 *   that is safe) and UNMAPPED_ERROR 422 -> unavailable, transient (`reclassifyDsError`).
 */

export const DS_PROVIDER = 'delivery-solutions';

/** Statuses the library may retry: its defaults plus 500 (INTERNAL_SERVER_ERROR is transient). */
export const DS_RETRYABLE_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

const MAX_MESSAGE = 500;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Reads `type` and `message` (plus `errors[].message`) from a Delivery Solutions error body. */
export const parseDsError: ErrorParser = (_status, body) => {
  const answer = record(body);
  if (!answer) return undefined;
  const details = Array.isArray(answer.errors) ? answer.errors.map(record) : [];
  const code = text(answer.type) ?? details.map((d) => text(d?.type)).find(Boolean);
  const messages: string[] = [];
  for (const candidate of [answer.message, ...details.map((d) => d?.message)]) {
    const message = text(candidate);
    if (message !== undefined && !messages.includes(message)) messages.push(message);
  }
  const message = messages.length > 0 ? messages.join('; ').slice(0, MAX_MESSAGE) : undefined;
  return code === undefined && message === undefined ? undefined : { code, message };
};

/** UNMAPPED_ERROR arrives as a 422 but the spec rates it transient: not a hard rejection. */
export function reclassifyDsError(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || error.code !== 'UNMAPPED_ERROR' || error.transient) {
    return error;
  }
  return new UpstreamError({
    provider: error.provider,
    kind: 'unavailable',
    transient: true,
    httpStatus: error.httpStatus,
    code: error.code,
    retryAfterSeconds: error.retryAfterSeconds,
    message: error.message.replace(' rejected ', ' failed '),
    details: error.details,
    cause: error,
  });
}

/**
 * True when the create certainly did not reach Delivery Solutions' invoice store: a 429 answer
 * (refused before processing), a refused or timed-out TCP connect, or no token. Only then is a
 * non-idempotent create sent again.
 */
export function createWasNotProcessed(error: unknown): error is UpstreamError {
  if (!(error instanceof UpstreamError)) return false;
  if (error.httpStatus === 429) return true;
  if (error.code === 'ECONNREFUSED' || error.code === 'CONNECT_TIMEOUT') return true;
  return error.code === 'TOKEN_ACQUISITION_FAILED' && error.transient;
}

/** The 422 "Invoice already Exists" answer to a create (one invoice per orderExternalId). */
export function isDsDuplicateInvoice(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    error.provider === DS_PROVIDER &&
    error.httpStatus === 422 &&
    /already exists/i.test(error.message)
  );
}

/** A 2xx answer without an invoice id is a broken answer. */
export function dsAnswerError(operation: string, status: number, body: unknown) {
  if (text(record(body)?.id) !== undefined) return undefined;
  return new UpstreamError({
    provider: DS_PROVIDER,
    kind: 'unavailable',
    transient: false,
    httpStatus: status,
    code: 'INVALID_RESPONSE',
    message: `Upstream "delivery-solutions" answered ${operation} (HTTP ${status}) without an invoice id`,
    details: body,
  });
}
