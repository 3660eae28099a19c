import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import type {
  BatchItemResult,
  BatchResult,
  CallContext,
  Capability,
  CreditMemoStatusItem,
  FinanceProvider,
  InvoiceStatusItem,
  ItemError,
  ProviderId,
  RemittanceItem,
} from '../../providers/provider.contract';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../../providers/provider-registry';
import { OperationRunner, type Outcome } from '../idempotency/operation-runner';
import { ProblemException } from '../problem/problem';
import { validationProblem } from '../problem/validation';
import { resolveProvider } from '../providers/provider-resolver';
import type { BatchResultDto } from './batch.dto';

/** How one kind of batch is checked, keyed and sent. */
interface BatchKind<T> {
  kind: string;
  capability: Capability;
  field: string;
  keyOf(item: T, index: number): string;
  validate(provider: FinanceProvider, item: T, now: Date): ItemError[];
  send(provider: FinanceProvider, items: T[], ctx: CallContext): Promise<BatchResult>;
}

const INVOICE_STATUSES: BatchKind<InvoiceStatusItem> = {
  kind: 'invoice-status.post',
  capability: 'invoice-status.post',
  field: 'updates',
  keyOf: (item, index) => item.documentNumber || `updates[${index}]`,
  validate: (p, item, now) => p.validateInvoiceStatus?.(item, now) ?? [],
  send: (p, items, ctx) => p.postInvoiceStatuses!(items, ctx),
};

const CREDIT_MEMO_STATUSES: BatchKind<CreditMemoStatusItem> = {
  kind: 'credit-memo-status.post',
  capability: 'credit-memo-status.post',
  field: 'updates',
  keyOf: (item, index) => item.documentNumber || `updates[${index}]`,
  validate: (p, item, now) => p.validateCreditMemoStatus?.(item, now) ?? [],
  send: (p, items, ctx) => p.postCreditMemoStatuses!(items, ctx),
};

const REMITTANCES: BatchKind<RemittanceItem> = {
  kind: 'remittance.post',
  capability: 'remittance.post',
  field: 'remittances',
  keyOf: (item, index) =>
    item.documentNumber ||
    item.supplierInvoiceNumber ||
    item.clientSupplierCode ||
    item.batchId ||
    `remittances[${index}]`,
  validate: (p, item, now) => p.validateRemittance?.(item, now) ?? [],
  send: (p, items, ctx) => p.postRemittances!(items, ctx),
};

/**
 * Status and remittance batches: items failing the provider's documented rules are answered
 * `rejected` without being sent; the rest go upstream in one call; results keep input order.
 */
@Injectable()
export class BatchesService {
  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly runner: OperationRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  postInvoiceStatuses(
    request: FastifyRequest,
    provider: ProviderId | undefined,
    items: InvoiceStatusItem[],
    body: unknown,
  ) {
    return this.post(request, INVOICE_STATUSES, provider, items, body);
  }

  postCreditMemoStatuses(
    request: FastifyRequest,
    provider: ProviderId | undefined,
    items: CreditMemoStatusItem[],
    body: unknown,
  ) {
    return this.post(request, CREDIT_MEMO_STATUSES, provider, items, body);
  }

  postRemittances(
    request: FastifyRequest,
    provider: ProviderId | undefined,
    items: RemittanceItem[],
    body: unknown,
  ) {
    return this.post(request, REMITTANCES, provider, items, body);
  }

  private async post<T>(
    request: FastifyRequest,
    spec: BatchKind<T>,
    requested: ProviderId | undefined,
    items: T[],
    body: unknown,
  ): Promise<Outcome> {
    const max = this.config.api.batchMaxItems;
    if (items.length > max) {
      throw validationProblem([
        {
          path: spec.field,
          code: 'arrayMaxSize',
          message: `${spec.field} must contain at most ${max} items (got ${items.length})`,
        },
      ]);
    }
    const provider = resolveProvider(this.registry, spec.capability, requested);
    const now = new Date();
    const results: (BatchItemResult | undefined)[] = items.map((item, index) => {
      const errors = spec.validate(provider, item, now);
      return errors.length
        ? { key: spec.keyOf(item, index), status: 'rejected', errors }
        : undefined;
    });
    const toSend = items.filter((_, index) => results[index] === undefined);
    const reference = items.length === 1 ? spec.keyOf(items[0], 0) : null;

    return this.runner.run(
      request,
      { kind: spec.kind, provider: provider.id, reference, body },
      async (operation) => {
        if (toSend.length > 0) {
          const sent = await spec.send(provider, toSend, {
            requestId: String(request.id),
            operationId: operation.id,
          });
          if (sent.items.length !== toSend.length) {
            throw new ProblemException('upstream_unavailable', {
              status: 502,
              detail: `${provider.id} answered ${sent.items.length} results for ${toSend.length} items`,
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
        const answer: BatchResultDto = {
          provider: provider.id,
          accepted: merged.filter((r) => r.status === 'accepted').length,
          rejected: merged.filter((r) => r.status === 'rejected').length,
          results: merged,
          operationId: operation.id,
        };
        return { status: 200, body: answer };
      },
    );
  }
}
