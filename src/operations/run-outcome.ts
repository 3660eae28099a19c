import type { OperationEntity } from '../database/entities/operation.entity';
import type { ProblemException } from '../problem/problem';

/** Who asks for an operation, as plain values (the HTTP layer reads them off the request). */
export interface Caller {
  clientId: string;
  /** Correlation id of the call (X-Request-Id): in problem bodies, audit rows and upstream calls. */
  requestId: string;
  /** The Idempotency-Key, already checked for form. */
  idempotencyKey?: string;
  /** `Prefer: respond-async`: accept durably and answer 202 with the operation. */
  respondAsync?: boolean;
  /** Where the operation answer is POSTed when the operation ends (checked here). */
  callbackUrl?: string;
  /** The connections the client may use; absent: every connection (403 forbidden on another). */
  connections?: readonly string[];
}

/** What the operation is about (the audit row of the call names it). */
export interface OperationFacts {
  kind: string;
  provider: string;
  /** The connection the operation runs on (null: an operation stored before connections). */
  connection?: string | null;
  reference: string | null;
  operationId?: string;
}

/**
 * How a call on the engine ended, as plain values: the HTTP layer (src/gateway) turns each
 * into its answer (status code, headers, body).
 * - `completed`: the operation ran (or was resolved) and its result is the answer; a replay
 *   (`replayed`) repeats a stored one, a problem body included.
 * - `accepted`: the operation is durably queued (or already was, for a repeated async call).
 * - `refused`: a problem the call is answered with (a failed run, a reused or busy key, a
 *   replay of an operation in the wrong state).
 */
export type RunOutcome = { facts: OperationFacts } & (
  | { type: 'completed'; responseStatus: number; result: unknown; replayed: boolean }
  | { type: 'accepted'; operation: OperationEntity; replayed: boolean }
  | { type: 'refused'; problem: ProblemException }
);
