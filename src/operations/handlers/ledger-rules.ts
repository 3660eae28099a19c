import type { CreditNoteEntity } from '../../database/entities/credit-note.entity';
import type { InvoiceEntity } from '../../database/entities/invoice.entity';
import type { NewInvoice } from '../../database/repositories/invoices.repository';
import { type FieldError, ProblemException } from '../../problem/problem';
import type {
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  FinanceProvider,
  InvoiceResult,
  PreparedUpdate,
} from '../../providers/provider.contract';
import { toCreditNoteAnswer, toInvoiceAnswer } from '../answers';
import type { CreditNoteCreateCommand } from '../commands';
import { rejectInvalidDocument } from '../provider-resolver';
import type { Settled } from './handler';

/**
 * The gateway's ledger rules, shared by the handlers: what a stored document means for a new
 * one (same content: answered from the ledger; other content: 409), a credit note against its
 * invoice, an update's merge, and the ledger rows written from an upstream answer.
 */

/**
 * The connection a command's ledger rows are keyed by: the operation's connection (the same rule
 * as the `operations.connection` trigger: the command's `connection`, else the provider's env
 * connection, named after it). A reference is unique per connection (DESIGN.md section 11).
 */
export function ledgerConnection(
  command: { connection?: string },
  provider: Pick<FinanceProvider, 'id'>,
): string {
  return command.connection ?? provider.id;
}

/**
 * An invoice is updated (or credited) on the connection it was created on: another connection
 * is 422 unknown_connection naming the field `connection`.
 */
export function requireSameConnection(invoice: InvoiceEntity, connection: string): void {
  if (invoice.connection === connection) return;
  const why = `invoice ${invoice.id} belongs to connection ${invoice.connection}, not ${connection}`;
  throw new ProblemException('unknown_connection', {
    detail: why,
    errors: [{ path: 'connection', code: 'unknown_connection', message: why }],
  });
}

/** The ledger row of a created invoice, with what the upstream (or an operator) said about it. */
export function invoiceRow(
  provider: FinanceProvider,
  connection: string,
  invoice: CanonicalInvoice,
  hash: string,
  operationId: string,
  upstream: ReturnType<typeof fromInvoiceResult>,
): NewInvoice {
  return {
    provider: provider.id,
    connection,
    reference: invoice.reference,
    contentHash: hash,
    request: invoice,
    mock: provider.mode === 'mock',
    operationId,
    amount: invoice.amount,
    currency: invoice.currency ?? provider.defaultCurrency ?? null,
    party: (invoice.party as Record<string, unknown> | undefined) ?? null,
    ...upstream,
  };
}

export function fromInvoiceResult(provider: string, result: InvoiceResult) {
  return {
    status: result.status,
    providerInvoiceId: upstreamId(provider, 'invoice id', result.providerInvoiceId),
    providerDocumentNumber: upstreamId(provider, 'document number', result.providerDocumentNumber),
    issuedAt: parseDate(result.issuedAt),
    documentUrl: result.documentUrl ?? null,
    upstreamResponse: result.raw,
  };
}

/** A date from an upstream answer, or null when absent or unparseable. */
export function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/** Ledger columns for upstream identifiers hold this many characters. */
const MAX_UPSTREAM_ID = 100;

/** An upstream identifier the ledger can store; an unusable one is the upstream's fault (502). */
export function upstreamId(provider: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > MAX_UPSTREAM_ID) {
    throw new ProblemException('upstream_unavailable', {
      status: 502,
      detail: `${provider} answered with an unusable ${field}`,
      upstream: {
        provider,
        code: 'INVALID_RESPONSE',
        message: `${field} must be a string of at most ${MAX_UPSTREAM_ID} characters`,
        transient: false,
      },
    });
  }
  return value;
}

/** The same invoice again is answered from the ledger (200); other content is 409. */
export function sameInvoiceOrConflict(existing: InvoiceEntity, hash: string): Settled {
  if (existing.contentHash === hash) {
    return { responseStatus: 200, result: toInvoiceAnswer(existing) };
  }
  throw new ProblemException('conflict', {
    detail: `An invoice with connection ${existing.connection} and reference ${existing.reference} exists with other content`,
    errors: [
      {
        path: 'reference',
        code: 'conflict',
        message: `invoice ${existing.id} already uses this reference`,
      },
    ],
  });
}

/** The same credit note again is answered from the ledger (200); another one is 409. */
export function sameCreditNoteOrConflict(existing: CreditNoteEntity, hash: string): Settled {
  if (existing.contentHash === hash) {
    return { responseStatus: 200, result: toCreditNoteAnswer(existing) };
  }
  throw new ProblemException('conflict', {
    detail: `Invoice ${existing.providerInvoiceId} has a credit note already (${existing.providerCreditNoteId ?? existing.id})`,
    errors: [
      {
        path: 'providerInvoiceId',
        code: 'CREDIT_NOTE_EXISTS',
        message: 'one credit note per invoice',
      },
    ],
  });
}

/** The gateway's ledger rules for a credit note against its invoice. */
export function checkAgainstInvoice(
  invoice: InvoiceEntity,
  command: CreditNoteCreateCommand,
): void {
  const { party, amount } = command.creditNote;
  const errors: FieldError[] = [];
  const dealer = invoice.party as { code?: string; name?: string } | null;
  if (dealer?.code !== undefined && dealer.code !== party.code) {
    errors.push({
      path: 'party.code',
      code: 'DEALER_MISMATCH',
      message: `the invoice belongs to dealer ${dealer.code}`,
    });
  } else if (dealer?.name !== undefined && dealerName(dealer.name) !== dealerName(party.name)) {
    errors.push({
      path: 'party.name',
      code: 'DEALER_MISMATCH',
      message: `the invoice belongs to dealer name ${JSON.stringify(dealer.name)}`,
    });
  }
  if (amount > invoice.amount) {
    errors.push({
      path: 'amount',
      code: 'INVALID_AMOUNT',
      message: `the credit note amount exceeds the invoice amount ${invoice.amount}`,
    });
  }
  if (errors.length) throw violation(errors);
}

/** A dealer name as compared: case, surrounding and repeated whitespace do not count. */
function dealerName(name: string | undefined): string {
  return (name ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** 422 business_rule_violated: a credit note breaks its invoice's rules. */
export function violation(errors: FieldError[]): ProblemException {
  return new ProblemException('business_rule_violated', {
    detail: `The credit note breaks ${errors.length === 1 ? 'a rule' : 'rules'} of its invoice: ${errors.map((e) => e.code).join(', ')}`,
    errors,
  });
}

/** The provider's own merge, or the changes sent as given and merged over the stored invoice. */
export function prepareUpdate(
  provider: FinanceProvider,
  previous: CanonicalInvoice,
  changes: CanonicalInvoiceUpdate,
): PreparedUpdate {
  return (
    provider.prepareInvoiceUpdate?.(previous, changes) ?? {
      merged: { ...previous, ...changes },
      update: changes,
    }
  );
}

/** The provider's id of an invoice, which an update needs. */
export function requireProviderInvoiceId(invoice: InvoiceEntity): string {
  if (!invoice.providerInvoiceId) {
    throw new ProblemException('conflict', {
      detail: 'This invoice has no provider id yet and cannot be updated',
    });
  }
  return invoice.providerInvoiceId;
}

/**
 * The checks an update runs before it is accepted: the provider's merge, then its rules on
 * the merged invoice and on what is sent (400 naming each field).
 */
export function checkInvoiceUpdate(
  provider: FinanceProvider,
  invoice: InvoiceEntity,
  changes: CanonicalInvoiceUpdate,
): void {
  requireProviderInvoiceId(invoice);
  const { merged, update } = prepareUpdate(provider, invoice.request as CanonicalInvoice, changes);
  rejectInvalidDocument([
    ...(provider.validateInvoice?.(merged) ?? []),
    ...(provider.validateInvoiceUpdate?.(update) ?? []),
  ]);
}
