import type {
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  Capability,
  CreditMemoStatusItem,
  InvoiceStatusItem,
  RemittanceItem,
} from '../providers/provider.contract';
import type { ProviderId } from '../providers/provider-ids';

/**
 * A command is what an operation runs: plain JSON, stored in the operation row, that needs no
 * HTTP request, so the executor can run it inline or hours later in another process. The kind
 * names the operation (one per provider capability) and versions the shape: a new shape gets a
 * new kind, and the executor keeps running the old ones.
 */
export type CommandKind = Capability;

export interface InvoiceCreateCommand {
  kind: 'invoice.create';
  provider: ProviderId;
  /** The canonical invoice, as validated by the provider's rules. */
  invoice: CanonicalInvoice;
}

export interface InvoiceUpdateCommand {
  kind: 'invoice.update';
  provider: ProviderId;
  /** The gateway's invoice id. */
  invoiceId: string;
  /** The invoice's reference when the update was accepted (the operation is filed under it). */
  reference: string;
  /** The fields to change; the provider merges them into the stored invoice when it runs. */
  changes: CanonicalInvoiceUpdate;
}

/** `POST /v1/credit-notes` as given: the invoice is resolved in the ledger when it runs. */
export interface CreditNoteRequest {
  invoiceId?: string;
  providerInvoiceId?: string;
  reference: string;
  party: { code: string; name: string };
  amount: number;
  reason: string;
  description?: string;
}

export interface CreditNoteCreateCommand {
  kind: 'credit-note.create';
  provider: ProviderId;
  creditNote: CreditNoteRequest;
}

interface BatchCommandBase<K extends CommandKind, T> {
  kind: K;
  provider: ProviderId;
  items: T[];
  /**
   * ISO-8601 time the batch was accepted: the items' "not in the future" rules are checked
   * against it, so a later run checks them exactly as the first did.
   */
  acceptedAt: string;
}

export type InvoiceStatusBatchCommand = BatchCommandBase<'invoice-status.post', InvoiceStatusItem>;
export type CreditMemoStatusBatchCommand = BatchCommandBase<
  'credit-memo-status.post',
  CreditMemoStatusItem
>;
export type RemittanceBatchCommand = BatchCommandBase<'remittance.post', RemittanceItem>;

export type Command =
  | InvoiceCreateCommand
  | InvoiceUpdateCommand
  | CreditNoteCreateCommand
  | InvoiceStatusBatchCommand
  | CreditMemoStatusBatchCommand
  | RemittanceBatchCommand;

export type BatchCommand =
  | InvoiceStatusBatchCommand
  | CreditMemoStatusBatchCommand
  | RemittanceBatchCommand;

/** The business reference an operation is filed under (null for multi-item batches). */
export function referenceOf(command: Command): string | null {
  switch (command.kind) {
    case 'invoice.create':
      return command.invoice.reference;
    case 'invoice.update':
      return command.reference;
    case 'credit-note.create':
      return command.creditNote.reference;
    case 'invoice-status.post':
    case 'credit-memo-status.post':
    case 'remittance.post':
      return command.items.length === 1 ? batchItemKey(command, 0) : null;
  }
}

/** The key a batch item is answered under: its business key, else its position. */
export function batchItemKey(command: BatchCommand, index: number): string {
  switch (command.kind) {
    case 'invoice-status.post':
    case 'credit-memo-status.post':
      return command.items[index].documentNumber || `updates[${index}]`;
    case 'remittance.post': {
      const item = command.items[index];
      return (
        item.documentNumber ||
        item.supplierInvoiceNumber ||
        item.clientSupplierCode ||
        item.batchId ||
        `remittances[${index}]`
      );
    }
  }
}

/**
 * What makes two commands the same request for an Idempotency-Key: everything the caller
 * sent, not when it was accepted.
 */
export function commandIdentity(command: Command): object {
  if ('acceptedAt' in command) {
    const { acceptedAt: _acceptedAt, ...rest } = command;
    return rest;
  }
  return command;
}
