import { withSpan } from '@lib/tracing';
import { randomUUID } from 'node:crypto';
import { InvoiceEntity } from '../../database/entities/invoice.entity';
import { LostLeaseError } from '../../database/repositories/operation-rows';
import type { Session } from '../../database/sql';
import { knownProblem, ProblemException } from '../../problem/problem';
import type { FinanceProvider } from '../../providers/provider.contract';
import { type InvoiceAnswer, toInvoiceAnswer, withWarnings } from '../answers';
import { contentHash } from '../canonical-json';
import type { InvoiceCreateCommand } from '../commands';
import { rejectInvalidDocument, resolveCall, resolveProvider } from '../provider-resolver';
import type { Attempt, OperationHandler, Settled } from './handler';
import { requireField, type ResolutionInput, resolvedUpstream } from './resolution';
import { type HandlerDeps, settle } from './handler-deps';
import { invoiceWrite } from '../documents';
import {
  fromInvoiceResult,
  invoiceRow,
  ledgerConnection,
  sameInvoiceOrConflict,
} from './ledger-rules';

/**
 * `invoice.create`. An upstream that deduplicates creates (no isDuplicateCreate: DMS, by
 * request_number) may receive the same create twice without harm, so its creates take no
 * cross-replica lock and use the ledger row read with the operation's insert; the ledger insert
 * decides a race (the loser answers from the winner's row). Other upstreams serialise creates
 * per reference across replicas (KeyedLock) and read and write the ledger on the lock's session.
 */
export class InvoiceCreateHandler implements OperationHandler<InvoiceCreateCommand> {
  constructor(private readonly deps: HandlerDeps) {}

  async check(command: InvoiceCreateCommand): Promise<void> {
    const provider = resolveProvider(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    rejectInvalidDocument(provider.validateInvoice?.(command.invoice) ?? []);
  }

  async admit(command: InvoiceCreateCommand): Promise<void> {
    const provider = resolveProvider(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const existing = await this.deps.invoices.findByReference(
      ledgerConnection(command, provider),
      command.invoice.reference,
    );
    if (existing) sameInvoiceOrConflict(existing, contentHash(command.invoice));
  }

  run(attempt: Attempt, command: InvoiceCreateCommand): Promise<Settled> {
    const { provider } = resolveCall(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const key = `invoice:${ledgerConnection(command, provider)}:${command.invoice.reference}`;
    return provider.isDuplicateCreate
      ? this.deps.lock.run(key, (session) => this.create(attempt, command, session, false))
      : this.deps.lock.inProcess(key, (waited) =>
          this.create(attempt, command, undefined, !waited),
        );
  }

  /**
   * `fresh`: the ledger row read with the operation's insert is still current (no other holder
   * of the reference ran in this process meanwhile).
   */
  private async create(
    attempt: Attempt,
    command: InvoiceCreateCommand,
    session: Session | undefined,
    fresh: boolean,
  ): Promise<Settled> {
    const { queue, invoices } = this.deps;
    const { provider, call } = resolveCall(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const invoice = command.invoice;
    const connection = ledgerConnection(command, provider);
    const hash = contentHash(invoice);
    const known = fresh ? attempt.op.ledger : undefined;
    const existing = known
      ? known.invoice
      : await invoices.findByReference(connection, invoice.reference, session);
    if (existing) {
      return settle(
        queue,
        attempt,
        () => Promise.resolve(sameInvoiceOrConflict(existing, hash)),
        session,
      );
    }
    const result = await attempt
      .send(provider, () => call(invoice, attempt.context(invoice.reference)))
      .catch(async (error: unknown) => {
        throw (await this.uncertainDuplicate(provider, command, error, session)) ?? error;
      });
    const createdAt = new Date();
    const row = {
      ...invoiceRow(
        provider,
        connection,
        invoice,
        hash,
        attempt.op.id,
        fromInvoiceResult(provider.id, result),
      ),
      id: randomUUID(),
      createdAt,
      updatedAt: createdAt,
    };
    const settled: Settled = {
      responseStatus: 201,
      result: {
        ...toInvoiceAnswer(Object.assign(new InvoiceEntity(), row)),
        ...withWarnings(result.warnings ?? []),
      },
    };
    const outcome = await withSpan('operation.settle', { 'operation.id': attempt.op.id }, () =>
      queue.settleCreatedInvoice(attempt.op, row, attempt.succeeded(settled), session, [
        invoiceWrite(row, 'created'),
      ]),
    );
    if (outcome === 'settled') return settled;
    if (outcome === 'lost') throw new LostLeaseError(attempt.op.id);
    // taken: a concurrent create with the same reference won the race: its row decides
    return settle(
      queue,
      attempt,
      async (tx) => {
        const holder = await invoices.findByReference(connection, invoice.reference, tx);
        if (!holder) throw new Error(`invoice reference ${invoice.reference} is taken by no row`);
        return sameInvoiceOrConflict(holder, hash);
      },
      session,
    );
  }

  /**
   * An operator's record of a create settled outside the gateway: the ledger row with the
   * identifiers given, under the same ledger rule (a taken reference is 409), on the
   * resolution's transaction.
   */
  async resolve(
    operationId: string,
    command: InvoiceCreateCommand,
    input: ResolutionInput,
    session: Session,
  ): Promise<InvoiceAnswer> {
    const provider = resolveProvider(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const providerInvoiceId = requireField(input.providerInvoiceId, 'providerInvoiceId');
    const invoice = command.invoice;
    const saved = await this.deps.invoices.insertOrExisting(
      invoiceRow(
        provider,
        ledgerConnection(command, provider),
        invoice,
        contentHash(invoice),
        operationId,
        {
          ...resolvedUpstream(input),
          providerInvoiceId,
          providerDocumentNumber: input.providerDocumentNumber ?? null,
        },
      ),
      session,
    );
    if (!saved.inserted) {
      throw new ProblemException('conflict', {
        detail: `The ledger already holds invoice ${saved.row.id} for ${saved.row.connection} reference ${invoice.reference}`,
      });
    }
    await this.deps.documents.record(
      [invoiceWrite(saved.row, 'created', 'recorded by an operator')],
      operationId,
      session,
    );
    return toInvoiceAnswer(saved.row);
  }

  /**
   * A create the upstream refuses as a duplicate although the ledger has no such document: if
   * an earlier attempt's outcome is unknown, that attempt may have created it, and the gateway
   * cannot tell (the upstream does not give the first document back). Neither a silent success
   * nor a second document: the operation fails `outcome_uncertain` for an operator to resolve.
   */
  private async uncertainDuplicate(
    provider: FinanceProvider,
    command: InvoiceCreateCommand,
    error: unknown,
    session: Session | undefined,
  ): Promise<ProblemException | undefined> {
    if (!provider.isDuplicateCreate?.(error)) return undefined;
    const reference = command.invoice.reference;
    const unknown = await this.deps.queue.hadUnknownOutcome(
      provider.id,
      ledgerConnection(command, provider),
      command.kind,
      reference,
      session,
    );
    if (!unknown) return undefined; // nothing of ours can have landed: the rejection stands
    const upstream = knownProblem(error)?.init.upstream;
    return new ProblemException('outcome_uncertain', {
      detail: `${provider.id} already holds an invoice for reference ${reference}, which an earlier attempt whose answer was lost may have created; the gateway cannot confirm it. Record the outcome with POST /v1/operations/{id}/resolve`,
      ...(upstream ? { upstream } : {}),
    });
  }
}
