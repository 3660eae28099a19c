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
  /** The connection it runs on (absent in commands stored before connections: the provider's env one). */
  connection?: string;
  /** The canonical invoice, as validated by the provider's rules. */
  invoice: CanonicalInvoice;
}

export interface InvoiceUpdateCommand {
  kind: 'invoice.update';
  provider: ProviderId;
  /** The connection it runs on (absent in commands stored before connections: the provider's env one). */
  connection?: string;
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
  /** The connection it runs on (absent in commands stored before connections: the provider's env one). */
  connection?: string;
  creditNote: CreditNoteRequest;
}

interface BatchCommandBase<K extends CommandKind, T> {
  kind: K;
  provider: ProviderId;
  /** The connection it runs on (absent in commands stored before connections: the provider's env one). */
  connection?: string;
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

type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;
type BatchKind = BatchCommand['kind'];
type ItemOf<K extends BatchKind> = CommandOf<K>['items'][number];

/** The key of a status update: its document number, else its position. */
const statusKey = (item: { documentNumber: string }, index: number) =>
  item.documentNumber || `updates[${index}]`;

/** Per batch kind: the key an item is answered under. */
const ITEM_KEYS: { [K in BatchKind]: (item: ItemOf<K>, index: number) => string } = {
  'invoice-status.post': statusKey,
  'credit-memo-status.post': statusKey,
  'remittance.post': (item, index) =>
    item.documentNumber ||
    item.supplierInvoiceNumber ||
    item.clientSupplierCode ||
    item.batchId ||
    `remittances[${index}]`,
};

/** Per kind: the business reference an operation is filed under (null for multi-item batches). */
const REFERENCES: { [K in CommandKind]: (command: CommandOf<K>) => string | null } = {
  'invoice.create': (command) => command.invoice.reference,
  'invoice.update': (command) => command.reference,
  'credit-note.create': (command) => command.creditNote.reference,
  'invoice-status.post': batchReference,
  'credit-memo-status.post': batchReference,
  'remittance.post': batchReference,
};

function batchReference(command: BatchCommand): string | null {
  return command.items.length === 1 ? batchItemKey(command, 0) : null;
}

/** The business reference an operation is filed under (null for multi-item batches). */
export function referenceOf(command: Command): string | null {
  return (REFERENCES[command.kind] as (command: Command) => string | null)(command);
}

/** The key a batch item is answered under: its business key, else its position. */
export function batchItemKey(command: BatchCommand, index: number): string {
  const key = ITEM_KEYS[command.kind] as (item: BatchCommand['items'][number], i: number) => string;
  return key(command.items[index], index);
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
