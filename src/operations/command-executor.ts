import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InvoiceEntity } from '../database/entities/invoice.entity';
import type { CreditNoteEntity } from '../database/entities/credit-note.entity';
import { CreditNotesRepository } from '../database/repositories/credit-notes.repository';
import { InvoicesRepository } from '../database/repositories/invoices.repository';
import {
  LostLeaseError,
  OperationsRepository,
  type OperationFinal,
} from '../database/repositories/operations.repository';
import {
  type FieldError,
  internalProblem,
  knownProblem,
  problemBody,
  ProblemException,
  validationProblem,
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
import type { OperationAttempt, OperationEntity } from '../database/entities/operation.entity';
import { KeyedLock } from './keyed-lock';
import type { Queryable } from '../database/sql';
import { rejectInvalidDocument, resolveProvider } from './provider-resolver';

/** The operation a command runs under: its row id, correlation id and attempt number. */
export interface OperationRef {
  id: string;
  requestId: string | null;
  /** The row's `attempts` after the claim: also the fence its final write is checked against. */
  attempt: number;
  /** A batch's per-item fate from earlier attempts (the row's `progress`). */
  progress?: BatchProgress | null;
  /** Aborts the upstream call (the worker stopping at shutdown). */
  signal?: AbortSignal;
  /**
   * What the ledger held when the operation row was inserted (read in the same statement): an
   * invoice create's row for its reference, or null. Absent: the executor reads it itself.
   */
  ledger?: { invoice: InvoiceEntity | null };
}

/** A batch item settled by an attempt: its result and that attempt's number. */
export type SettledItem = BatchItemResult & { attempt: number };

/** A batch's per-item fate, in input order: null while an item is not settled. */
export type BatchProgress = (SettledItem | null)[];

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
      /** The attempt sent something whose fate is unknown (see OperationAttempt.outcomeUnknown). */
      outcomeUnknown: boolean;
      /** A batch's per-item fate after this attempt (items it settled kept for the next one). */
      progress?: BatchProgress;
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
        outcomeUnknown: attempt.outcomeUnknown(error),
        ...(attempt.progress ? { progress: attempt.progress } : {}),
      };
    }
  }

  /**
   * The checks a command passes before it is accepted for async delivery, exactly those its run
   * makes before any upstream call: the ledger rules (409 conflict, 422 business_rule_violated)
   * and the provider's rules on the resolved document. Throws the problem.
   */
  async check(command: Command): Promise<void> {
    switch (command.kind) {
      case 'invoice.create': {
        const provider = resolveProvider(this.registry, command.kind, command.provider);
        const existing = await this.invoices.findByReference(
          provider.id,
          command.invoice.reference,
        );
        if (existing) await sameInvoiceOrConflict(existing, contentHash(command.invoice));
        return;
      }
      case 'credit-note.create': {
        const provider = resolveProvider(this.registry, command.kind, command.provider);
        const prepared = await this.prepareCreditNote(provider, command);
        if (prepared.existing) await sameCreditNoteOrConflict(prepared.existing, prepared.hash);
        return;
      }
      case 'invoice.update':
      case 'invoice-status.post':
      case 'credit-memo-status.post':
      case 'remittance.post':
        return; // the services check updates before building the command; batch items settle per item
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

  /**
   * An upstream that deduplicates creates (no isDuplicateCreate: DMS, by request_number) may
   * receive the same create twice without harm, so its creates take no cross-replica lock and
   * use the ledger row read with the operation's insert; the ledger insert decides a race (the
   * loser answers from the winner's row). Other upstreams serialise creates per reference
   * across replicas (KeyedLock) and read the ledger under the lock.
   */
  private createInvoice(attempt: Attempt, command: InvoiceCreateCommand) {
    const provider = resolveProvider(this.registry, command.kind, command.provider);
    const invoice = command.invoice;
    const key = `invoice:${provider.id}:${invoice.reference}`;
    const create = async (
      session: Queryable | undefined,
      fresh = true,
    ): Promise<ExecutionOutcome> => {
      const hash = contentHash(invoice);
      const known = fresh ? attempt.op.ledger : undefined;
      const existing = known
        ? known.invoice
        : await this.invoices.findByReference(provider.id, invoice.reference, session);
      if (existing) return this.settle(attempt, async () => sameInvoiceOrConflict(existing, hash));
      const result = await attempt
        .send(provider, () =>
          provider.createInvoice!(invoice, callContext(attempt, invoice.reference)),
        )
        .catch(async (error: unknown) => {
          throw (await this.uncertainDuplicate(provider, command, error)) ?? error;
        });
      const createdAt = new Date();
      const row = {
        ...invoiceRow(
          provider,
          invoice,
          hash,
          attempt.op.id,
          fromInvoiceResult(provider.id, result),
        ),
        id: randomUUID(),
        createdAt,
      };
      const answer = toInvoiceAnswer(
        Object.assign(new InvoiceEntity(), row, { updatedAt: createdAt }),
      );
      const final = succeededFinal(attempt, 201, answer);
      switch (await this.operations.settleCreatedInvoice(attempt.op, row, final, session)) {
        case 'settled':
          return { status: 'succeeded', responseStatus: 201, result: answer };
        case 'lost':
          throw new LostLeaseError(attempt.op.id);
        case 'taken':
          // a concurrent create with the same reference won the race: its row decides
          return this.settle(attempt, async () => {
            const holder = await this.invoices.findByReference(provider.id, invoice.reference);
            if (!holder)
              throw new Error(`invoice reference ${invoice.reference} is taken by no row`);
            return sameInvoiceOrConflict(holder, hash);
          });
      }
    };
    return provider.isDuplicateCreate
      ? this.lock.run(key, (session) => create(session, false))
      : this.lock.inProcess(key, (waited) => create(undefined, !waited));
  }

  /**
   * An operator records the outcome of a `failed` or `dead` create settled outside the gateway
   * (the upstream was unavailable, or the outcome was uncertain): the ledger row is written with
   * the identifiers given, under the same ledger rules as a run, and the operation ends
   * `succeeded` with the resolution, in one transaction. Undefined for an unknown operation.
   */
  async resolve(
    operationId: string,
    input: ResolutionInput,
    visibleTo: string | undefined,
  ): Promise<OperationEntity | undefined> {
    const done = await this.operations.resolveWith(operationId, async (row, em) => {
      if (visibleTo && row.clientId !== visibleTo) throw notFound(operationId);
      if (row.status !== 'failed' && row.status !== 'dead') {
        throw new ProblemException('conflict', {
          detail: `Operation ${operationId} is ${row.status}: only failed or dead operations can be resolved`,
        });
      }
      const command = row.command as Command | null;
      if (command?.kind !== 'invoice.create' && command?.kind !== 'credit-note.create') {
        throw new ProblemException('unsupported_operation', {
          detail: `Operation ${operationId} is ${row.kind}: only creates (invoice.create, credit-note.create) are resolved with identifiers; replay it instead`,
        });
      }
      const provider = resolveProvider(this.registry, command.kind, command.provider);
      const upstream = {
        status: 'resolved',
        issuedAt: input.issuedAt ? new Date(input.issuedAt) : null,
        documentUrl: null,
        upstreamResponse: null,
      };
      let result: InvoiceAnswer | CreditNoteAnswer;
      if (command.kind === 'invoice.create') {
        requireField(input.providerInvoiceId, 'providerInvoiceId');
        const invoice = command.invoice;
        const hash = contentHash(invoice);
        const saved = await this.invoices.insertOrExisting(
          invoiceRow(provider, invoice, hash, operationId, {
            ...upstream,
            providerInvoiceId: input.providerInvoiceId!,
            providerDocumentNumber: input.providerDocumentNumber ?? null,
          }),
          em,
        );
        if (!saved.inserted) {
          throw new ProblemException('conflict', {
            detail: `The ledger already holds invoice ${saved.row.id} for ${provider.id} reference ${invoice.reference}`,
          });
        }
        result = toInvoiceAnswer(saved.row);
      } else {
        requireField(input.providerCreditNoteId, 'providerCreditNoteId');
        const { invoice, note, hash, existing } = await this.prepareCreditNote(provider, command);
        if (existing) {
          throw new ProblemException('conflict', {
            detail: `Invoice ${note.providerInvoiceId} has a credit note already (${existing.providerCreditNoteId ?? existing.id})`,
          });
        }
        const saved = await this.creditNotes.insertOrExisting(
          creditNoteRow(provider, command, invoice, note, hash, operationId, {
            ...upstream,
            providerCreditNoteId: input.providerCreditNoteId!,
          }),
          em,
        );
        if (!saved.inserted)
          throw new ProblemException('conflict', { detail: 'credit note exists' });
        result = toCreditNoteAnswer(saved.row);
      }
      const final: OperationFinal = {
        status: 'succeeded',
        responseStatus: 201,
        result,
        lastError: row.lastError,
        releaseKey: false,
        attempt: null,
        resolution: { by: input.by, at: new Date().toISOString(), note: input.note },
      };
      return { value: true, final };
    });
    return done ? ((await this.operations.findById(operationId)) ?? undefined) : undefined;
  }

  /**
   * A create the upstream refuses as a duplicate although the ledger has no such document: if an
   * earlier attempt's outcome is unknown, that attempt may have created it, and the gateway
   * cannot tell (the upstream does not give the first document back). Neither a silent success
   * nor a second document: the operation fails `outcome_uncertain` for an operator to resolve.
   */
  private async uncertainDuplicate(
    provider: FinanceProvider,
    command: InvoiceCreateCommand,
    error: unknown,
  ): Promise<ProblemException | undefined> {
    if (!provider.isDuplicateCreate?.(error)) return undefined;
    const reference = command.invoice.reference;
    if (!(await this.operations.hadUnknownOutcome(provider.id, command.kind, reference))) {
      return undefined; // nothing of ours can have landed: the upstream's rejection stands
    }
    const upstream = knownProblem(error)?.init.upstream;
    return new ProblemException('outcome_uncertain', {
      detail: `${provider.id} already holds an invoice for reference ${reference}, which an earlier attempt whose answer was lost may have created; the gateway cannot confirm it. Record the outcome with POST /v1/operations/{id}/resolve`,
      ...(upstream ? { upstream } : {}),
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
    const result = await attempt.send(provider, () =>
      provider.updateInvoice!(providerInvoiceId, update, callContext(attempt, existing.reference)),
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
        const { invoice, note, hash, existing } = await this.prepareCreditNote(provider, command);
        if (existing) {
          return this.settle(attempt, async () => sameCreditNoteOrConflict(existing, hash));
        }
        const result = await attempt.send(provider, () =>
          provider.createCreditNote!(note, callContext(attempt, request.reference)),
        );
        const row = creditNoteRow(provider, command, invoice, note, hash, attempt.op.id, {
          providerCreditNoteId: upstreamId(
            provider.id,
            'credit note id',
            result.providerCreditNoteId,
          ),
          status: result.status,
          issuedAt: parseDate(result.issuedAt),
          documentUrl: result.documentUrl ?? null,
          upstreamResponse: result.raw,
        });
        return this.settle(attempt, async (em) => {
          const saved = await this.creditNotes.insertOrExisting(row, em);
          if (!saved.inserted) return sameCreditNoteOrConflict(saved.row, hash);
          return { responseStatus: 201, result: toCreditNoteAnswer(saved.row) };
        });
      },
    );
  }

  /**
   * A credit note checked against the ledger before any upstream call: its invoice (known, same
   * dealer, amount within), the provider's rules, and the credit note already stored, if any.
   */
  private async prepareCreditNote(provider: FinanceProvider, command: CreditNoteCreateCommand) {
    const request = command.creditNote;
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
    return { invoice, note, hash, existing };
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
   * go upstream in one call. Items settled by an earlier attempt are not sent again; an item the
   * upstream failed transiently stays unsettled (an async attempt then fails transiently with
   * the items it settled kept; a sync answer reports it rejected). Results keep input order,
   * each with the attempt that settled it.
   */
  private async postBatch(attempt: Attempt, command: BatchCommand) {
    const provider = resolveProvider(this.registry, command.kind, command.provider);
    const now = new Date(command.acceptedAt);
    const number = attempt.op.attempt;
    const progress: BatchProgress =
      attempt.op.progress && attempt.op.progress.length === command.items.length
        ? [...attempt.op.progress]
        : command.items.map((_, index) => {
            const errors = validateBatchItem(provider, command, index, now);
            return errors.length
              ? { key: batchItemKey(command, index), status: 'rejected', errors, attempt: number }
              : null;
          });
    attempt.progress = progress;
    const toSend = progress.filter((item) => item === null).length;
    const retrying: BatchItemResult[] = [];
    if (toSend > 0) {
      const unsettled = new Set(progress.flatMap((item, index) => (item ? [] : [index])));
      const sent = await attempt.send(provider, () =>
        sendBatch(provider, command, (index) => unsettled.has(index), callContext(attempt, null)),
      );
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
      for (let i = 0; i < progress.length; i++) {
        if (progress[i] !== null) continue;
        const item = sent.items[next++];
        if (item.transient) retrying.push(item);
        else progress[i] = { ...item, attempt: number };
      }
    }
    attempt.sentItems = toSend;
    if (retrying.length > 0 && attempt.op.progress !== undefined) {
      // delivered by the worker: the settled items are kept, the others go again later
      throw new PartialBatch(provider.id, retrying);
    }
    let transientIndex = 0;
    const merged: SettledItem[] = progress.map(
      (item) =>
        item ?? {
          ...retrying[transientIndex++],
          status: 'rejected',
          attempt: number,
        },
    );
    const answer: BatchAnswer = {
      provider: provider.id,
      accepted: merged.filter((r) => r.status === 'accepted').length,
      rejected: merged.filter((r) => r.status === 'rejected').length,
      results: merged,
      operationId: attempt.op.id,
    };
    // no ledger row: the outcome is one fenced statement, no transaction around it
    const final = succeededFinal(attempt, 200, answer, progress);
    if (!(await this.operations.finish(attempt.op.id, final, undefined, attempt.op))) {
      throw new LostLeaseError(attempt.op.id);
    }
    return { status: 'succeeded' as const, responseStatus: 200, result: answer };
  }

  /**
   * Commits the operation's success with whatever `work` writes to the ledger, in one
   * transaction. A problem thrown by `work` rolls the ledger writes back and fails the attempt;
   * so does a lost claim (another process took the operation over after this one's lease).
   */
  private async settle(
    attempt: Attempt,
    work: (em: EntityManager) => Promise<{
      responseStatus: number;
      result: InvoiceAnswer | CreditNoteAnswer | BatchAnswer;
    }>,
    progress?: BatchProgress,
  ): Promise<ExecutionOutcome> {
    return this.operations.settle(attempt.op, async (em) => {
      const { responseStatus, result } = await work(em);
      const final = succeededFinal(attempt, responseStatus, result, progress);
      return { value: { status: 'succeeded' as const, responseStatus, result }, final };
    });
  }
}

/**
 * An async batch attempt that settled some items while the upstream failed others transiently:
 * the attempt fails transiently, and its progress (Attempt.progress) is kept for the next one.
 */
export class PartialBatch extends ProblemException {
  constructor(provider: string, failed: BatchItemResult[]) {
    super('upstream_unavailable', {
      status: 503,
      detail: `${provider} failed ${failed.length} item(s) transiently: ${failed.map((f) => f.key).join(', ')}; they are sent again`,
      upstream: {
        provider,
        code: 'ITEMS_FAILED_TRANSIENTLY',
        message: failed
          .flatMap((f) => f.errors.map((e) => `${f.key}: ${e.message}`))
          .join('; ')
          .slice(0, 500),
        transient: true,
      },
    });
  }
}

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

function requireField(value: string | undefined, path: string): void {
  if (value) return;
  throw validationProblem([
    { path, code: 'isDefined', message: `${path} is required to resolve this operation` },
  ]);
}

function notFound(operationId: string): ProblemException {
  return new ProblemException('not_found', { detail: `No operation ${operationId}` });
}

/** Timing of one attempt, for the operation's history, and whether it sent anything upstream. */
export class Attempt {
  readonly startedAt = new Date();
  private provider?: FinanceProvider;
  /** Batch items this attempt sent. */
  sentItems?: number;
  /** A batch's per-item fate as this attempt leaves it (kept when it fails). */
  progress?: BatchProgress;

  constructor(readonly op: OperationRef) {}

  /** Makes the upstream call: from here a failure may leave something behind upstream. */
  send<T>(provider: FinanceProvider, call: () => Promise<T>): Promise<T> {
    this.provider = provider;
    return call();
  }

  /**
   * Whether a failure leaves the upstream's state unknown: only for providers that cannot take
   * a create twice (the others deduplicate, so sending again is safe), and only once sent.
   */
  outcomeUnknown(error: unknown): boolean {
    return this.provider?.createMayHaveLanded?.(error) ?? false;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt.getTime();
  }

  entry(outcome: 'succeeded' | 'failed', httpStatus: number): OperationAttempt {
    return {
      attempt: this.op.attempt,
      at: this.startedAt.toISOString(),
      durationMs: this.elapsedMs(),
      outcome,
      httpStatus,
      ...(this.sentItems !== undefined ? { sent: this.sentItems } : {}),
    };
  }
}

export type FailedOutcome = Extract<ExecutionOutcome, { status: 'failed' }>;

/** What a successful attempt stores: the answer, and its history entry. */
function succeededFinal(
  attempt: Attempt,
  responseStatus: number,
  result: InvoiceAnswer | CreditNoteAnswer | BatchAnswer,
  progress?: BatchProgress,
): OperationFinal {
  return {
    status: 'succeeded',
    responseStatus,
    result,
    lastError: null,
    releaseKey: false,
    attempt: attempt.entry('succeeded', responseStatus),
    ...(progress ? { progress } : {}),
  };
}

/** The history entry of a failed attempt. */
export function failedAttempt(op: OperationRef, outcome: FailedOutcome): OperationAttempt {
  return {
    attempt: op.attempt,
    at: outcome.startedAt.toISOString(),
    durationMs: outcome.durationMs,
    outcome: 'failed',
    httpStatus: outcome.problem.status,
    code: outcome.problem.init.upstream?.code ?? outcome.problem.code,
    message: outcome.problem.message,
    ...(outcome.outcomeUnknown ? { outcomeUnknown: true } : {}),
  };
}

/** What a failed attempt stores: the problem body answered, and its history entry. */
export function failedFinal(
  op: OperationRef,
  outcome: FailedOutcome,
  requestId: string,
  releaseKey: boolean,
  status: 'failed' | 'dead' = 'failed',
): OperationFinal {
  const body = problemBody(outcome.problem, requestId);
  return {
    status,
    responseStatus: outcome.problem.status,
    result: releaseKey ? null : body,
    lastError: body,
    releaseKey,
    attempt: failedAttempt(op, outcome),
    ...(outcome.progress ? { progress: outcome.progress } : {}),
  };
}

function callContext(attempt: Attempt, reference: string | null): CallContext {
  return {
    requestId: attempt.op.requestId ?? undefined,
    operationId: attempt.op.id,
    ...(reference !== null ? { reference } : {}),
    ...(attempt.op.signal ? { signal: attempt.op.signal } : {}),
  };
}

/** The ledger row of a credit note, with what the upstream (or an operator) said about it. */
function creditNoteRow(
  provider: FinanceProvider,
  command: CreditNoteCreateCommand,
  invoice: InvoiceEntity | undefined,
  note: CanonicalCreditNote,
  hash: string,
  operationId: string,
  upstream: {
    providerCreditNoteId: string | null;
    status: string;
    issuedAt: Date | null;
    documentUrl: string | null;
    upstreamResponse: unknown;
  },
) {
  const request = command.creditNote;
  return {
    provider: provider.id,
    reference: request.reference,
    invoiceId: invoice?.id ?? null,
    providerInvoiceId: note.providerInvoiceId,
    amount: request.amount,
    reason: request.reason,
    description: request.description ?? null,
    party: { ...note.party },
    contentHash: hash,
    request: note,
    mock: provider.mode === 'mock',
    operationId,
    ...upstream,
  };
}

/** The ledger row of a created invoice, with what the upstream (or an operator) said about it. */
function invoiceRow(
  provider: FinanceProvider,
  invoice: CanonicalInvoice,
  hash: string,
  operationId: string,
  upstream: ReturnType<typeof fromInvoiceResult>,
) {
  return {
    provider: provider.id,
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
