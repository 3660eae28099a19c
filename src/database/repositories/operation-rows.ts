import type {
  OperationAttempt,
  OperationResolution,
  OperationStatus,
} from '../entities/operation.entity';
import { statement } from '../sql';

/**
 * What the operation repositories (idempotency, queue, callback outbox) share: the values
 * they take and the statement that ends an operation.
 */
export interface NewOperation {
  clientId: string;
  kind: string;
  provider: string | null;
  reference: string | null;
  idempotencyKey: string | null;
  requestHash: string;
  requestId: string | null;
  /** Plain JSON (src/operations/commands.ts). */
  command: object;
  callbackUrl: string | null;
  expiresAt: Date | null;
}

/** How an attempt ended, as stored on the operation row. */
export interface OperationFinal {
  status: Extract<OperationStatus, 'succeeded' | 'failed' | 'dead'>;
  /** The HTTP status a sync call answers (and a replay repeats). */
  responseStatus: number;
  /** The answer body (the resource, the batch answer, or the problem). */
  result: unknown;
  /** The problem body of a failure. */
  lastError: unknown;
  /** Frees the Idempotency-Key, so the caller may retry with it (transient failures). */
  releaseKey: boolean;
  /** The attempt appended to the history; null for an operator's resolution (no attempt). */
  attempt: OperationAttempt | null;
  /** A batch's per-item fate (kept for a replay that re-sends only unsettled items). */
  progress?: unknown;
  resolution?: OperationResolution;
}

/** Another attempt later: the row goes back to `queued`. */
export interface OperationRetry {
  delayMs: number;
  lastError: unknown;
  /** Null when nothing was attempted (an open circuit): the attempt is given back. */
  attempt: OperationAttempt | null;
  progress?: unknown;
}

/** The row a settle or a finish writes to: its id and the attempt that holds it. */
export interface AttemptFence {
  id: string;
  /** The `attempts` value of the claim; a row claimed again since (lease lost) is not written. */
  attempt: number;
}

/** Thrown inside a settle transaction when the attempt lost its claim: the ledger writes roll back. */
export class LostLeaseError extends Error {
  constructor(readonly operationId: string) {
    super(`operation ${operationId} was claimed by another attempt`);
    this.name = 'LostLeaseError';
  }
}

export const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The success of an attempt, as FINISH writes it with `status = 'succeeded'` (the key kept,
 * no progress or resolution), the callback (if any) due now: response status, result and the
 * history entry in parameters `$first` to `$first + 2`.
 */
export function succeededSet(first: number): string {
  return `status = 'succeeded', response_status = $${first}, result = $${first + 1}, last_error = NULL,
  history = history || jsonb_build_array($${first + 2}::jsonb),
  callback_status = CASE WHEN callback_url IS NOT NULL THEN 'pending' END,
  callback_next_attempt_at = CASE WHEN callback_url IS NOT NULL THEN now() END,
  callback_attempts = 0, callback_last_http_status = NULL, callback_last_error = NULL,
  completed_at = now(), updated_at = now(), next_attempt_at = NULL, lease_expires_at = NULL`;
}

export const FINISH = statement(
  'operation_finish',
  `UPDATE operations SET status = $2, response_status = $3, result = $4, last_error = $5,
         idempotency_key = CASE WHEN $6 THEN NULL ELSE idempotency_key END,
         history = CASE WHEN $7::jsonb IS NULL THEN history ELSE history || jsonb_build_array($7::jsonb) END,
         progress = COALESCE($8::jsonb, progress), resolution = COALESCE($9::jsonb, resolution),
         callback_status = CASE WHEN callback_url IS NOT NULL THEN 'pending' END,
         callback_next_attempt_at = CASE WHEN callback_url IS NOT NULL THEN now() END,
         callback_attempts = 0, callback_last_http_status = NULL, callback_last_error = NULL,
         completed_at = now(), updated_at = now(), next_attempt_at = NULL, lease_expires_at = NULL
       WHERE id = $1 AND ($10::int IS NULL OR (status = 'running' AND attempts = $10))
       RETURNING id`,
);

export const OPERATION_BY_ID = statement(
  'operation_by_id',
  'SELECT o.* FROM operations o WHERE o.id = $1',
);
