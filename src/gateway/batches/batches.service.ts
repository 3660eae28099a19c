import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import type { BatchCommand } from '../../operations/commands';
import { OperationRunner } from '../../operations/operation-runner';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { resolveCall } from '../../operations/provider-resolver';
import { validationProblem } from '../../problem/problem';
import type {
  CreditMemoStatusItem,
  InvoiceStatusItem,
  RemittanceItem,
} from '../../providers/provider.contract';
import type { ProviderId } from '../../providers/provider-ids';
import { ConnectionRegistry } from '../../connections/connection-registry';

/**
 * Status and remittance batches: the size limit and the provider are checked here; items
 * failing the provider's documented rules are answered `rejected` by the executor without
 * being sent.
 */
@Injectable()
export class BatchesService {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly runner: OperationRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  postInvoiceStatuses(
    caller: Caller,
    provider: ProviderId | undefined,
    items: InvoiceStatusItem[],
    connection?: string,
  ) {
    return this.post(caller, 'invoice-status.post', 'updates', provider, items, connection);
  }

  postCreditMemoStatuses(
    caller: Caller,
    provider: ProviderId | undefined,
    items: CreditMemoStatusItem[],
    connection?: string,
  ) {
    return this.post(caller, 'credit-memo-status.post', 'updates', provider, items, connection);
  }

  postRemittances(
    caller: Caller,
    provider: ProviderId | undefined,
    items: RemittanceItem[],
    connection?: string,
  ) {
    return this.post(caller, 'remittance.post', 'remittances', provider, items, connection);
  }

  private post<C extends BatchCommand>(
    caller: Caller,
    kind: C['kind'],
    field: string,
    requested: ProviderId | undefined,
    items: C['items'],
    connection: string | undefined,
  ): Promise<RunOutcome> {
    const max = this.config.api.batchMaxItems;
    if (items.length > max) {
      throw validationProblem([
        {
          path: field,
          code: 'arrayMaxSize',
          message: `${field} must contain at most ${max} items (got ${items.length})`,
        },
      ]);
    }
    const { provider, connection: name } = resolveCall(this.registry, kind, requested, connection);
    return this.runner.run(caller, {
      kind,
      provider: provider.id,
      connection: name,
      items,
      acceptedAt: new Date().toISOString(),
    } as C);
  }
}
