import { ProblemException } from '../../problem/problem';
import type { CanonicalInvoice } from '../../providers/provider.contract';
import { toInvoiceAnswer, withWarnings } from '../answers';
import { contentHash } from '../canonical-json';
import type { InvoiceUpdateCommand } from '../commands';
import { resolveCall, resolveProvider } from '../provider-resolver';
import { invoiceWrite } from '../documents';
import type { Attempt, OperationHandler, Settled } from './handler';
import { type HandlerDeps, settle } from './handler-deps';
import {
  checkInvoiceUpdate,
  fromInvoiceResult,
  ledgerConnection,
  prepareUpdate,
  requireProviderInvoiceId,
  requireSameConnection,
} from './ledger-rules';

/**
 * `invoice.update`: the provider merges the changes into the stored invoice; the upstream gets
 * what it takes, and the ledger keeps the merged invoice with the upstream's answer.
 */
export class InvoiceUpdateHandler implements OperationHandler<InvoiceUpdateCommand> {
  constructor(private readonly deps: HandlerDeps) {}

  /** The invoice exists and has a provider id; the provider's rules pass on the merge. */
  async check(command: InvoiceUpdateCommand): Promise<void> {
    const provider = resolveProvider(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const invoice = await this.find(command.invoiceId);
    requireSameConnection(invoice, ledgerConnection(command, provider));
    checkInvoiceUpdate(provider, invoice, command.changes);
  }

  admit(): Promise<void> {
    return Promise.resolve(); // no ledger rule beyond check's
  }

  async run(attempt: Attempt, command: InvoiceUpdateCommand): Promise<Settled> {
    const { provider, call } = resolveCall(
      this.deps.registry,
      command.kind,
      command.provider,
      command.connection,
    );
    const existing = await this.find(command.invoiceId);
    requireSameConnection(existing, ledgerConnection(command, provider));
    const providerInvoiceId = requireProviderInvoiceId(existing);
    const { merged, update } = prepareUpdate(
      provider,
      existing.request as CanonicalInvoice,
      command.changes,
    );
    const result = await attempt.send(provider, () =>
      call(providerInvoiceId, update, attempt.context(existing.reference)),
    );
    const changes = fromInvoiceResult(provider.id, result);
    return settle(this.deps.queue, attempt, async (session) => {
      const saved = await this.deps.invoices.save(
        Object.assign(existing, changes, {
          providerInvoiceId: changes.providerInvoiceId ?? existing.providerInvoiceId,
          request: merged,
          contentHash: contentHash(merged),
          amount: merged.amount,
          currency: merged.currency ?? existing.currency,
          party: (merged.party ?? null) as Record<string, unknown> | null,
          operationId: attempt.op.id,
        }),
        session,
      );
      await this.deps.documents.record([invoiceWrite(saved, 'updated')], attempt.op.id, session);
      return {
        responseStatus: 200,
        result: { ...toInvoiceAnswer(saved), ...withWarnings(result.warnings ?? []) },
      };
    });
  }

  private async find(invoiceId: string) {
    const existing = await this.deps.invoices.findById(invoiceId);
    if (!existing) throw new ProblemException('not_found', { detail: `No invoice ${invoiceId}` });
    return existing;
  }
}
