import type { InvoiceEntity } from '../../database/entities/invoice.entity';
import type { NewCreditNote } from '../../database/repositories/credit-notes.repository';
import type { Session } from '../../database/sql';
import { ProblemException } from '../../problem/problem';
import type { CanonicalCreditNote, FinanceProvider } from '../../providers/provider.contract';
import { type CreditNoteAnswer, toCreditNoteAnswer } from '../answers';
import { contentHash } from '../canonical-json';
import type { CreditNoteCreateCommand } from '../commands';
import { rejectInvalidDocument, resolveCall, resolveProvider } from '../provider-resolver';
import { creditNoteWrites } from '../documents';
import type { Attempt, OperationHandler, Settled } from './handler';
import { type HandlerDeps, settle } from './handler-deps';
import {
  checkAgainstInvoice,
  ledgerConnection,
  parseDate,
  requireSameConnection,
  sameCreditNoteOrConflict,
  upstreamId,
  violation,
} from './ledger-rules';
import { requireField, type ResolutionInput, resolvedUpstream } from './resolution';

/** A credit note checked against the ledger: its invoice, the document sent, the one stored. */
interface PreparedCreditNote {
  invoice: InvoiceEntity | undefined;
  note: CanonicalCreditNote;
  hash: string;
  existing: Awaited<ReturnType<HandlerDeps['creditNotes']['findByInvoice']>>;
}

/**
 * `credit-note.create`: one credit note per invoice. Creates for the same invoice run one at a
 * time across replicas (KeyedLock); every read and write of the create runs on the lock's session.
 */
export class CreditNoteCreateHandler implements OperationHandler<CreditNoteCreateCommand> {
  constructor(private readonly deps: HandlerDeps) {}

  async check(command: CreditNoteCreateCommand): Promise<void> {
    resolveProvider(this.deps.registry, command.kind, command.provider, command.connection);
  }

  /** The invoice (known, same dealer, amount within), the provider's rules, the one stored. */
  async admit(command: CreditNoteCreateCommand): Promise<void> {
    const provider = resolveProvider(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const prepared = await this.prepare(provider, command);
    if (prepared.existing) sameCreditNoteOrConflict(prepared.existing, prepared.hash);
  }

  run(attempt: Attempt, command: CreditNoteCreateCommand): Promise<Settled> {
    const { provider, call } = resolveCall(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const request = command.creditNote;
    const key = `credit-note:${ledgerConnection(command, provider)}:${request.invoiceId ?? request.providerInvoiceId}`;
    return this.deps.lock.run(key, async (session) => {
      const { invoice, note, hash, existing } = await this.prepare(provider, command, session);
      if (existing) {
        return settle(
          this.deps.queue,
          attempt,
          () => Promise.resolve(sameCreditNoteOrConflict(existing, hash)),
          session,
        );
      }
      const result = await attempt.send(provider, () =>
        call(note, attempt.context(request.reference)),
      );
      const row = creditNoteRow(provider, command, invoice, note, hash, attempt.op.id, {
        providerCreditNoteId: upstreamId(
          provider.id,
          'credit note id',
          result.providerCreditNoteId,
        ),
        ...(result.amount !== undefined ? { amount: result.amount } : {}),
        status: result.status,
        issuedAt: parseDate(result.issuedAt),
        documentUrl: result.documentUrl ?? null,
        upstreamResponse: result.raw,
      });
      return settle(
        this.deps.queue,
        attempt,
        async (tx) => {
          const saved = await this.deps.creditNotes.insertOrExisting(row, tx);
          if (!saved.inserted) return sameCreditNoteOrConflict(saved.row, hash);
          await this.deps.documents.record(creditNoteWrites(saved.row, invoice), attempt.op.id, tx);
          return { responseStatus: 201, result: toCreditNoteAnswer(saved.row) };
        },
        session,
      );
    });
  }

  /** See InvoiceCreateHandler.resolve: the same for a credit note. */
  async resolve(
    operationId: string,
    command: CreditNoteCreateCommand,
    input: ResolutionInput,
    session: Session,
  ): Promise<CreditNoteAnswer> {
    const provider = resolveProvider(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const providerCreditNoteId = requireField(input.providerCreditNoteId, 'providerCreditNoteId');
    const { invoice, note, hash, existing } = await this.prepare(provider, command, session);
    if (existing) {
      throw new ProblemException('conflict', {
        detail: `Invoice ${note.providerInvoiceId} has a credit note already (${existing.providerCreditNoteId ?? existing.id})`,
      });
    }
    const saved = await this.deps.creditNotes.insertOrExisting(
      creditNoteRow(provider, command, invoice, note, hash, operationId, {
        ...resolvedUpstream(input),
        providerCreditNoteId,
      }),
      session,
    );
    if (!saved.inserted) throw new ProblemException('conflict', { detail: 'credit note exists' });
    await this.deps.documents.record(
      creditNoteWrites(saved.row, invoice, 'recorded by an operator'),
      operationId,
      session,
    );
    return toCreditNoteAnswer(saved.row);
  }

  /**
   * A credit note checked against the ledger before any upstream call: its invoice (known, same
   * dealer, amount within), the provider's rules, and the credit note already stored, if any.
   */
  private async prepare(
    provider: FinanceProvider,
    command: CreditNoteCreateCommand,
    session?: Session,
  ): Promise<PreparedCreditNote> {
    const request = command.creditNote;
    const invoice = await this.findInvoice(provider, command, session);
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
    const existing = await this.deps.creditNotes.findByInvoice(
      ledgerConnection(command, provider),
      providerInvoiceId,
      session,
    );
    return { invoice, note, hash, existing };
  }

  /** The ledger invoice, or undefined for a providerInvoiceId the ledger does not know. */
  private async findInvoice(
    provider: FinanceProvider,
    command: CreditNoteCreateCommand,
    session?: Session,
  ): Promise<InvoiceEntity | undefined> {
    const { invoiceId, providerInvoiceId } = command.creditNote;
    if (invoiceId) {
      const invoice = await this.deps.invoices.findById(invoiceId, session);
      if (!invoice || invoice.provider !== provider.id) {
        throw violation([
          {
            path: 'invoiceId',
            code: 'INVOICE_NOT_FOUND',
            message: `no ${provider.id} invoice ${invoiceId} in the ledger`,
          },
        ]);
      }
      requireSameConnection(invoice, ledgerConnection(command, provider));
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
    const invoice = await this.deps.invoices.findByProviderInvoiceId(
      ledgerConnection(command, provider),
      providerInvoiceId!,
      session,
    );
    return invoice ?? undefined;
  }
}

/** The ledger row of a credit note, with what the upstream (or an operator) said about it. */
function creditNoteRow(
  provider: FinanceProvider,
  command: CreditNoteCreateCommand,
  invoice: InvoiceEntity | undefined,
  note: CanonicalCreditNote,
  hash: string,
  operationId: string,
  upstream: Pick<
    NewCreditNote,
    'providerCreditNoteId' | 'status' | 'issuedAt' | 'documentUrl' | 'upstreamResponse'
  > &
    Partial<Pick<NewCreditNote, 'amount'>>,
): NewCreditNote {
  const request = command.creditNote;
  return {
    provider: provider.id,
    connection: ledgerConnection(command, provider),
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
