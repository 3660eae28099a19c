import { ProblemException } from '../../problem/problem';
import type {
  BatchItemResult,
  BatchResult,
  CallContext,
  FinanceProvider,
  ItemError,
} from '../../providers/provider.contract';
import type { ProviderLookup } from '../../providers/provider-registry';
import type { BatchAnswer } from '../answers';
import { type BatchCommand, batchItemKey } from '../commands';
import { resolveProvider } from '../provider-resolver';
import type { Attempt, BatchProgress, OperationHandler, Settled, SettledItem } from './handler';
import { type HandlerDeps, settle } from './handler-deps';
import { batchWrites } from '../documents';

/** What distinguishes one batch kind: its upstream call and its per-item rules. */
export interface BatchKindSpec<C extends BatchCommand> {
  /** The provider and the call that sends the items. */
  resolve(
    registry: ProviderLookup,
    command: C,
  ): {
    provider: FinanceProvider;
    call: (items: C['items'], ctx: CallContext) => Promise<BatchResult>;
  };
  /** The provider's documented rules for one item (checked against the batch's accept time). */
  validate(provider: FinanceProvider, item: C['items'][number], now: Date): ItemError[];
}

/**
 * A batch kind (status updates, remittances). Items failing the provider's documented rules are
 * `rejected` without being sent; the rest go upstream in one call. Items settled by an earlier
 * attempt are not sent again; an item the upstream failed transiently stays unsettled (an async
 * attempt then fails transiently with the items it settled kept; a sync answer reports it
 * rejected). Results keep input order, each with the attempt that settled it.
 */
export class BatchHandler<C extends BatchCommand> implements OperationHandler<C> {
  constructor(
    private readonly deps: HandlerDeps,
    private readonly spec: BatchKindSpec<C>,
  ) {}

  /** The provider; each item's rules are answered per item (rejected), not refused. */
  async check(command: C): Promise<void> {
    resolveProvider(this.deps.registry, command.kind, command.provider, command.connection);
  }

  admit(): Promise<void> {
    return Promise.resolve(); // batches keep no ledger rows
  }

  async run(attempt: Attempt, command: C): Promise<Settled> {
    const { provider, call } = this.spec.resolve(this.deps.registry, command);
    const now = new Date(command.acceptedAt);
    const number = attempt.op.attempt;
    const items: C['items'] = command.items;
    const progress: BatchProgress =
      attempt.op.progress && attempt.op.progress.length === items.length
        ? [...attempt.op.progress]
        : items.map((item, index) => {
            const errors = this.spec.validate(provider, item, now);
            return errors.length
              ? { key: batchItemKey(command, index), status: 'rejected', errors, attempt: number }
              : null;
          });
    attempt.progress = progress;
    const toSend = progress.filter((item) => item === null).length;
    const retrying: BatchItemResult[] = [];
    if (toSend > 0) {
      const unsettled = items.filter((_, index) => progress[index] === null) as C['items'];
      const sent = await attempt.send(provider, () => call(unsettled, attempt.context(null)));
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
      (item) => item ?? { ...retrying[transientIndex++], status: 'rejected', attempt: number },
    );
    const answer: BatchAnswer = {
      provider: provider.id,
      accepted: merged.filter((r) => r.status === 'accepted').length,
      rejected: merged.filter((r) => r.status === 'rejected').length,
      results: merged,
      operationId: attempt.op.id,
    };
    // no ledger row: the outcome and the documents its items touched, in one transaction
    const settled: Settled = { responseStatus: 200, result: answer };
    return settle(
      this.deps.queue,
      attempt,
      async (tx) => {
        await this.deps.documents.record(batchWrites(command, merged), attempt.op.id, tx);
        return settled;
      },
      undefined,
      progress,
    );
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
