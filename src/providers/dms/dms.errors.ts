import { type ErrorParser, UpstreamError } from '@lib/upstream-http';
import { DMS_SERVICE_ERROR } from './dms.types';

/**
 * How DMS failures become UpstreamErrors (pure). DMS answers `{success:false, error,
 * error_code}` with 400 or 500, and may answer 200 with `success: false`:
 * - `code` is DMS's `error_code`, the message its `error`;
 * - 4xx codes (INVALID_DEALER_CODE, IO_NOT_FOUND, INVOICE_NOT_FOUND, ...) are hard: rejected;
 * - DMS_SERVICE_ERROR ("DMS system unavailable or processing error") and every 5xx are
 *   transient: unavailable, retried (both DMS calls are idempotent per the spec).
 */

export const DMS_PROVIDER = 'dms';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** Reads `error_code` and `error` from a DMS error body. */
export const parseDmsError: ErrorParser = (_status, body) => {
  const answer = record(body);
  if (!answer) return undefined;
  const code = text(answer.error_code);
  const message = text(answer.error) ?? text(answer.message);
  return code === undefined && message === undefined ? undefined : { code, message };
};

/**
 * Checks a 2xx DMS answer: `success: false` becomes an UpstreamError (transient only for
 * DMS_SERVICE_ERROR); an answer without the document number we need is a broken answer
 * (unavailable, not transient). Returns undefined for a good answer.
 */
export function dmsAnswerError(
  operation: string,
  status: number,
  body: unknown,
  requiredField: string,
): UpstreamError | undefined {
  const answer = record(body);
  if (answer?.success === false) {
    const parsed = parseDmsError(status, body);
    const transient = parsed?.code === DMS_SERVICE_ERROR;
    return new UpstreamError({
      provider: DMS_PROVIDER,
      kind: transient ? 'unavailable' : 'rejected',
      transient,
      httpStatus: status,
      code: parsed?.code,
      message: `Upstream "dms" ${transient ? 'failed' : 'rejected'} ${operation} (HTTP ${status}): ${
        parsed?.message ?? 'success is false'
      }`,
      details: body,
    });
  }
  if (!answer || text(answer[requiredField]) === undefined) {
    return new UpstreamError({
      provider: DMS_PROVIDER,
      kind: 'unavailable',
      transient: false,
      httpStatus: status,
      code: 'INVALID_RESPONSE',
      message: `Upstream "dms" answered ${operation} (HTTP ${status}) without ${requiredField}`,
      details: body,
    });
  }
  return undefined;
}

/** Statuses retried inline: the library's defaults plus 500 (DMS_SERVICE_ERROR). */
export const DMS_RETRYABLE_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];
