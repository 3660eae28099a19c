import { validationProblem } from '../../problem/problem';

/** What an operator gives to resolve an operation (POST /v1/operations/{id}/resolve). */
export interface ResolutionInput {
  /** Who resolved it (the API client's name). */
  by: string;
  note: string;
  providerInvoiceId?: string;
  providerDocumentNumber?: string;
  providerCreditNoteId?: string;
  /** ISO-8601 */
  issuedAt?: string;
}

/** A field the resolution of this kind needs: 400 naming it when absent. */
export function requireField(value: string | undefined, path: string): string {
  if (value) return value;
  throw validationProblem([
    { path, code: 'isDefined', message: `${path} is required to resolve this operation` },
  ]);
}

/** What the ledger records of the upstream for a document an operator resolved. */
export function resolvedUpstream(input: ResolutionInput) {
  return {
    status: 'resolved',
    issuedAt: input.issuedAt ? new Date(input.issuedAt) : null,
    documentUrl: null,
    upstreamResponse: null,
  };
}
