import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InvoiceEntity } from '../database/entities/invoice.entity';
import type { CreditNoteEntity } from '../database/entities/credit-note.entity';
import { CreditNotesRepository } from '../database/repositories/credit-notes.repository';
import { InvoicesRepository } from '../database/repositories/invoices.repository';
import {
  OperationsRepository,
  type OperationFinal,
} from '../database/repositories/operations.repository';
import {
  type FieldError,
  internalProblem,
  knownProblem,
  problemBody,
  ProblemException,
} from '../problem/problem';
import type {
  BatchItemResult,
  BatchResult,
  CallContext,
  CanonicalCreditNote,
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  FinanceProvider,
  InvoiceResult,
  ItemError,
  PreparedUpdate,
} from '../providers/provider.contract';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../providers/provider-registry';
import {
  type BatchAnswer,
  type CreditNoteAnswer,
  type InvoiceAnswer,
  toCreditNoteAnswer,
  toInvoiceAnswer,
} from './answers';
import { contentHash } from './canonical-json';
import {
  type BatchCommand,
  batchItemKey,
  type Command,
  type CreditNoteCreateCommand,
  type InvoiceCreateCommand,
  type InvoiceUpdateCommand,
} from './commands';
import { KeyedLock } from './keyed-lock';
import { rejectInvalidDocument, resolveProvider } from './provider-resolver';

/** The operation a command runs under: its row id, correlation id and attempt number. */
export interface OperationRef {
  id: string;
  requestId: string | null;
  attempt: number;
}

/**
 * How running a command ended. `succeeded` is already committed: the operation's final state
 * together with the ledger rows it produced, in one transaction. `failed` is not recorded yet:
 * the caller decides (a sync call stores it, or frees the key of a transient failure; the
 * async worker may schedule another attempt).
 */
export type ExecutionOutcome =
  | {
      status: 'succeeded';
      responseStatus: number;
      result: InvoiceAnswer | CreditNoteAnswer | BatchAnswer;
    }
  | {
      status: 'failed';
      /** What the failure is answered with (upstream failures keep provider, code, transient). */
      problem: ProblemException;
      startedAt: Date;
      durationMs: number;
    };

/**
 * The one code that runs commands, for whoever asks: the HTTP path inline, or (next) the async
 * worker with a stored command. It reads nothing from a request: everything it needs is in the
 * command, the operation reference and the ledger.
 */
@Injectable()
export class CommandExecutor {
  private readonly logger = new Logger('CommandExecutor');

  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly operations: OperationsRepository,
    private readonly invoices: InvoicesRepository,
    private readonly creditNotes: CreditNotesRepository,
    private readonly lock: KeyedLock,
  ) {}

  async execute(op: OperationRef, command: Command): Promise<ExecutionOutcome> {
    const attempt = new Attempt(op);
    try {
      return await this.run(attempt, command);
    } catch (error) {
      const problem = knownProblem(error);
      if (!problem) {
        this.logger.error(
          { err: error, operationId: op.id },
          `Operation ${command.kind} failed unexpectedly`,
        );
      }
      return {
        status: 'failed',
        problem: problem ?? internalProblem(),
        startedAt: attempt.startedAt,
        durationMs: attempt.elapsedMs(),
      };
    }
  }

  private run(attempt: Attempt, command: Command): Promise<ExecutionOutcome> {
    switch (command.kind) {
      case 'invoice.create':
        return this.createInvoice(attempt, command);
      case 'invoice.update':
        return this.updateInvoice(attempt, command);
      case 'credit-note.create':
        return this.createCreditNote(attempt, command);
      case 'invoice-status.post':
      case 'credit-memo-status.post':
      case 'remittance.post':
        return this.postBatch(attempt, command);
    }
  }

  private createInvoice(attempt: Attempt, command: InvoiceCreateCommand) {
    const provider = resolveProvider(this.registry, command.kind, command.provider);
    const invoice = command.invoice;
    const hash = contentHash(invoice);
    return this.lock.run(`invoice:${provider.id}:${invoice.reference}`, async () => {
      const existing = await this.invoices.findByReference(provider.id, invoice.reference);
      if (existing) return this.settle(attempt, async () => sameInvoiceOrConflict(existing, hash));
      const result = await provider.createInvoice!(
        invoice,
        callContext(attempt, invoice.reference),
      );
      const row = {
        provider: provider.id,
        reference: invoice.reference,
        contentHash: hash,
        request: invoice,
        mock: provider.mode === 'mock',
        operationId: attempt.op.id,
        amount: invoice.amount,
        currency: invoice.currency ?? provider.defaultCurrency ?? null,
        party: (invoice.party as Record<string, unknown> | undefined) ?? null,
        ...fromInvoiceResult(provider.id, result),
      };
      return this.settle(attempt, async (em) => {
        const saved = await this.invoices.insertOrExisting(row, em);
        // a concurrent create with the same reference (another replica) won the race
        if (!saved.inserted) return sameInvoiceOrConflict(saved.row, hash);
        return { responseStatus: 201, result: toInvoiceAnswer(saved.row) };
      });
    });
  }

  private async updateInvoice(attempt: Attempt, command: InvoiceUpdateCommand) {
    const provider = resolveProvider(this.registry, command.kind, command.provider);
    const existing = await this.invoices.findById(command.invoiceId);
    if (!existing) {
      throw new ProblemException('not_found', { detail: `No invoice ${command.invoiceId}` });
    }
    const providerInvoiceId = requireProviderInvoiceId(existing);
    const { merged, update } = prepareUpdate(
      provider,
      existing.request as CanonicalInvoice,
      command.changes,
    );
    const result = await provider.updateInvoice!(
      providerInvoiceId,
      update,
      callContext(attempt, existing.reference),
    );
    const changes = fromInvoiceResult(provider.id, result);
    return this.settle(attempt, async (em) => {
      const saved = await this.invoices.save(
        Object.assign(existing, changes, {
          providerInvoiceId: changes.providerInvoiceId ?? existing.providerInvoiceId,
          request: merged,
          contentHash: contentHash(merged),
          amount: merged.amount,
          currency: merged.currency ?? existing.currency,
          party: (merged.party ?? null) as Record<string, unknown> | null,
          operationId: attempt.op.id,
        }),
        em,
      );
      return { responseStatus: 200, result: toInvoiceAnswer(saved) };
    });
  }

  private createCreditNote(attempt: Attempt, command: CreditNoteCreateCommand) {
    const provider = resolveProvider(this.registry, command.kind, command.provider);
    const request = command.creditNote;
    return this.lock.run(
      `credit-note:${provider.id}:${request.invoiceId ?? request.providerInvoiceId}`,
      async () => {
        const invoice = await this.findInvoice(provider, command);
        const providerInvoiceId = invoice?.providerInvoiceId ?? request.providerInvoiceId!;
        if (invoice) checkAgainstInvoice(invoice, command);
        const note: CanonicalCreditNote = {
          provider: provider.id,
          reference: request.reference,
          providerInvoiceId,
          party: { code: request.party.code, name: request.party.name },
          amount: request.amount,
          reason: request.reason,
          ...(request.description !== undefined ? { description: request.description } : {}),
        };
        rejectInvalidDocument(provider.validateCreditNote?.(note) ?? []);
        const hash = contentHash(note);
        const existing = await this.creditNotes.findByInvoice(provider.id, providerInvoiceId);
        if (existing) {
          return this.settle(attempt, async () => sameCreditNoteOrConflict(existing, hash));
        }
        const result = await provider.createCreditNote!(
          note,
          callContext(attempt, request.reference),
        );
        const row = {
          provider: provider.id,
          reference: request.reference,
          invoiceId: invoice?.id ?? null,
          providerInvoiceId,
          providerCreditNoteId: upstreamId(
            provider.id,
            'credit note id',
            result.providerCreditNoteId,
          ),
          status: result.status,
          issuedAt: parseDate(result.issuedAt),
          amount: request.amount,
          reason: request.reason,
          description: request.description ?? null,
          party: { ...note.party },
          documentUrl: result.documentUrl ?? null,
          contentHash: hash,
          request: note,
          upstreamResponse: result.raw,
          mock: provider.mode === 'mock',
          operationId: attempt.op.id,
        };
        return this.settle(attempt, async (em) => {
          const saved = await this.creditNotes.insertOrExisting(row, em);
          if (!saved.inserted) return sameCreditNoteOrConflict(saved.row, hash);
          return { responseStatus: 201, result: toCreditNoteAnswer(saved.row) };
        });
      },
    );
  }

  /** The ledger invoice, or undefined for a providerInvoiceId the ledger does not know. */
  private async findInvoice(
    provider: FinanceProvider,
    command: CreditNoteCreateCommand,
  ): Promise<InvoiceEntity | undefined> {
    const { invoiceId, providerInvoiceId } = command.creditNote;
    if (invoiceId) {
      const invoice = await this.invoices.findById(invoiceId);
      if (!invoice || invoice.provider !== provider.id) {
        throw violation([
          {
            path: 'invoiceId',
            code: 'INVOICE_NOT_FOUND',
            message: `no ${provider.id} invoice ${invoiceId} in the ledger`,
          },
        ]);
      }
      if (providerInvoiceId && providerInvoiceId !== invoice.providerInvoiceId) {
        throw violation([
          {
            path: 'providerInvoiceId',
            code: 'INVOICE_NOT_FOUND',
            message: `invoice ${invoiceId} is ${invoice.providerInvoiceId}, not ${providerInvoiceId}`,
          },
        ]);
      }
      return invoice;
    }
    const invoice = await this.invoices.findByProviderInvoiceId(provider.id, providerInvoiceId!);
    return invoice ?? undefined;
  }

  /**
   * Items failing the provider's documented rules are `rejected` without being sent; the rest
   * go upstream in one call; results keep input order.
   */
  private async postBatch(attempt: Attempt, command: BatchCommand) {
    const provider = resolveProvider(this.registry, command.kind, command.provider);
    const now = new Date(command.acceptedAt);
    const results: (BatchItemResult | undefined)[] = command.items.map((_, index) => {
      const errors = validateBatchItem(provider, command, index, now);
      return errors.length
        ? { key: batchItemKey(command, index), status: 'rejected', errors }
        : undefined;
    });
    const unsettled = (index: number) => results[index] === undefined;
    const toSend = results.filter((_, index) => unsettled(index)).length;
    if (toSend > 0) {
      const sent = await sendBatch(provider, command, unsettled, callContext(attempt, null));
      if (sent.items.length !== toSend) {
        throw new ProblemException('upstream_unavailable', {
          status: 502,
          detail: `${provider.id} answered ${sent.items.length} results for ${toSend} items`,
          upstream: {
            provider: provider.id,
            code: 'INVALID_RESPONSE',
            message: 'result count differs from item count',
            transient: false,
          },
        });
      }
      let next = 0;
      for (let i = 0; i < results.length; i++)
        if (results[i] === undefined) results[i] = sent.items[next++];
    }
    const merged = results as BatchItemResult[];
    const answer: BatchAnswer = {
      provider: provider.id,
      accepted: merged.filter((r) => r.status === 'accepted').length,
      rejected: merged.filter((r) => r.status === 'rejected').length,
      results: merged,
      operationId: attempt.op.id,
    };
    return this.settle(attempt, async () => ({ responseStatus: 200, result: answer }));
  }

  /**
   * Commits the operation's success with whatever `work` writes to the ledger, in one
   * transaction. A problem thrown by `work` rolls the ledger writes back and fails the attempt.
   */
  private async settle(
    attempt: Attempt,
    work: (em: EntityManager) => Promise<{
      responseStatus: number;
      result: InvoiceAnswer | CreditNoteAnswer | BatchAnswer;
    }>,
  ): Promise<ExecutionOutcome> {
    return this.operations.settle(attempt.op.id, async (em) => {
      const { responseStatus, result } = await work(em);
      const final: OperationFinal = {
        status: 'succeeded',
        responseStatus,
        result,
        lastError: null,
        releaseKey: false,
        attempt: attempt.entry('succeeded', responseStatus),
      };
      return { value: { status: 'succeeded' as const, responseStatus, result }, final };
    });
  }
}

/** Timing of one attempt, for the operation's history. */
export class Attempt {
  readonly startedAt = new Date();

  constructor(readonly op: OperationRef) {}

  elapsedMs(): number {
    return Date.now() - this.startedAt.getTime();
  }

  entry(outcome: 'succeeded' | 'failed', httpStatus: number, code?: string, message?: string) {
    return {
      attempt: this.op.attempt,
      at: this.startedAt.toISOString(),
      durationMs: this.elapsedMs(),
      outcome,
      httpStatus,
      ...(code ? { code } : {}),
      ...(message ? { message } : {}),
    };
  }
}

/** What a failed attempt stores: the problem body answered, and its history entry. */
export function failedFinal(
  op: OperationRef,
  outcome: Extract<ExecutionOutcome, { status: 'failed' }>,
  requestId: string,
  releaseKey: boolean,
): OperationFinal {
  const body = problemBody(outcome.problem, requestId);
  return {
    status: 'failed',
    responseStatus: outcome.problem.status,
    result: releaseKey ? null : body,
    lastError: body,
    releaseKey,
    attempt: {
      attempt: op.attempt,
      at: outcome.startedAt.toISOString(),
      durationMs: outcome.durationMs,
      outcome: 'failed',
      httpStatus: outcome.problem.status,
      code: outcome.problem.init.upstream?.code ?? outcome.problem.code,
      message: outcome.problem.message,
    },
  };
}

function callContext(attempt: Attempt, reference: string | null): CallContext {
  return {
    requestId: attempt.op.requestId ?? undefined,
    operationId: attempt.op.id,
    ...(reference !== null ? { reference } : {}),
  };
}

/** The provider's own merge, or the changes sent as given and merged over the stored invoice. */
function prepareUpdate(
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

function sameInvoiceOrConflict(existing: InvoiceEntity, hash: string) {
  if (existing.contentHash === hash) {
    return Promise.resolve({ responseStatus: 200, result: toInvoiceAnswer(existing) });
  }
  throw new ProblemException('conflict', {
    detail: `An invoice with provider ${existing.provider} and reference ${existing.reference} exists with other content`,
    errors: [
      {
        path: 'reference',
        code: 'conflict',
        message: `invoice ${existing.id} already uses this reference`,
      },
    ],
  });
}

function sameCreditNoteOrConflict(existing: CreditNoteEntity, hash: string) {
  if (existing.contentHash === hash) {
    return Promise.resolve({ responseStatus: 200, result: toCreditNoteAnswer(existing) });
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
function checkAgainstInvoice(invoice: InvoiceEntity, command: CreditNoteCreateCommand): void {
  const { party, amount } = command.creditNote;
  const errors: FieldError[] = [];
  const dealer = (invoice.party as { code?: string } | null)?.code;
  if (dealer !== undefined && dealer !== party.code) {
    errors.push({
      path: 'party.code',
      code: 'DEALER_MISMATCH',
      message: `the invoice belongs to dealer ${dealer}`,
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

function violation(errors: FieldError[]): ProblemException {
  return new ProblemException('business_rule_violated', {
    detail: `The credit note breaks ${errors.length === 1 ? 'a rule' : 'rules'} of its invoice: ${errors.map((e) => e.code).join(', ')}`,
    errors,
  });
}

function validateBatchItem(
  provider: FinanceProvider,
  command: BatchCommand,
  index: number,
  now: Date,
): ItemError[] {
  switch (command.kind) {
    case 'invoice-status.post':
      return provider.validateInvoiceStatus?.(command.items[index], now) ?? [];
    case 'credit-memo-status.post':
      return provider.validateCreditMemoStatus?.(command.items[index], now) ?? [];
    case 'remittance.post':
      return provider.validateRemittance?.(command.items[index], now) ?? [];
  }
}

/** Sends the items `keep` selects in one upstream call. */
function sendBatch(
  provider: FinanceProvider,
  command: BatchCommand,
  keep: (index: number) => boolean,
  ctx: CallContext,
): Promise<BatchResult> {
  switch (command.kind) {
    case 'invoice-status.post':
      return provider.postInvoiceStatuses!(
        command.items.filter((_, i) => keep(i)),
        ctx,
      );
    case 'credit-memo-status.post':
      return provider.postCreditMemoStatuses!(
        command.items.filter((_, i) => keep(i)),
        ctx,
      );
    case 'remittance.post':
      return provider.postRemittances!(
        command.items.filter((_, i) => keep(i)),
        ctx,
      );
  }
}

function fromInvoiceResult(provider: string, result: InvoiceResult) {
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
