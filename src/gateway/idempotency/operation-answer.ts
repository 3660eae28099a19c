import type { RunOutcome, OperationFacts } from '../../operations/run-outcome';
import { operationView } from '../../operations/operation-view';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../../problem/problem';

/** The answer to a mutating call: status, headers and body, as the HTTP layer sends them. */
export interface OperationAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** True when a stored answer is replayed for a repeated Idempotency-Key. */
  replayed: boolean;
  /** The problem code when the answer is a problem. */
  errorCode?: string;
  facts: OperationFacts;
}

/**
 * Where an engine outcome becomes an HTTP answer (status codes and headers are decided here,
 * nowhere below): a completed run answers its stored status and result (a stored problem as
 * problem+json), an accepted one 202 with Location and Preference-Applied, a refused one its
 * problem.
 */
export function toOperationAnswer(outcome: RunOutcome, requestId: string): OperationAnswer {
  const facts = outcome.facts;
  switch (outcome.type) {
    case 'completed': {
      const failed = outcome.responseStatus >= 400;
      return {
        status: outcome.responseStatus,
        body: outcome.result,
        headers: failed ? { 'content-type': PROBLEM_CONTENT_TYPE } : {},
        replayed: outcome.replayed,
        ...(failed ? { errorCode: (outcome.result as { code?: string } | null)?.code } : {}),
        facts,
      };
    }
    case 'accepted':
      return {
        status: 202,
        body: operationView(outcome.operation),
        headers: {
          location: `/v1/operations/${outcome.operation.id}`,
          'preference-applied': 'respond-async',
        },
        replayed: outcome.replayed,
        facts,
      };
    case 'refused':
      return {
        status: outcome.problem.status,
        body: problemBody(outcome.problem, requestId),
        headers: {
          ...(outcome.problem.init.headers ?? {}),
          'content-type': PROBLEM_CONTENT_TYPE,
        },
        replayed: false,
        errorCode: outcome.problem.code,
        facts,
      };
  }
}
