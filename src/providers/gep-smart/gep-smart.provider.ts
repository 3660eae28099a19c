import type { CircuitStateName, UpstreamHttpFactory } from '@lib/upstream-http';
import type { GepSmartSettings } from '../../config/providers-config';
import type { Endpoint } from '../provider-endpoints';
import type {
  BatchResult,
  CallContext,
  Capability,
  CreditMemoStatusItem,
  FinanceProvider,
  InvoiceStatusItem,
  ItemError,
  ProbeResult,
  ProviderMode,
} from '../provider.contract';
import { GEP_SMART_PROVIDER, GepSmartClient } from './gep-smart.client';
import { gepSmartProbe } from './gep-smart.health';
import {
  toBatchItemResults,
  toGepCreditMemoStatusModel,
  toGepInvoiceStatusModel,
} from './gep-smart.mapper';
import { creditMemoStatusRules, invoiceStatusRules } from './gep-smart.rules';

/** GEP SMART: invoice statuses and credit-memo statuses, each batch in one upstream call. */
export class GepSmartProvider implements FinanceProvider {
  readonly id = GEP_SMART_PROVIDER;
  readonly displayName = 'GEP SMART';
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    'invoice-status.post',
    'credit-memo-status.post',
  ]);

  constructor(
    readonly mode: ProviderMode,
    private readonly client: GepSmartClient,
    private readonly probe: () => Promise<ProbeResult>,
  ) {}

  /** Builds the provider for a resolved endpoint (live or mock). */
  static create(
    endpoint: Endpoint<GepSmartSettings>,
    factory: UpstreamHttpFactory,
  ): GepSmartProvider {
    return new GepSmartProvider(
      endpoint.mode,
      GepSmartClient.create(endpoint, factory),
      gepSmartProbe(endpoint.settings.baseUrl, endpoint.http.connectTimeoutMs),
    );
  }

  /** Sends exactly `items` in one call; one result per item, in input order. */
  async postInvoiceStatuses(items: InvoiceStatusItem[], ctx: CallContext): Promise<BatchResult> {
    if (items.length === 0) return { items: [], raw: null };
    const outcome = await this.client.postInvoiceStatuses(items.map(toGepInvoiceStatusModel), ctx);
    return { items: toBatchItemResults(items, outcome.answer), raw: outcome.raw };
  }

  /** Sends exactly `items` in one call; the `header` block comes from configuration. */
  async postCreditMemoStatuses(
    items: CreditMemoStatusItem[],
    ctx: CallContext,
  ): Promise<BatchResult> {
    if (items.length === 0) return { items: [], raw: null };
    const outcome = await this.client.postCreditMemoStatuses(
      items.map(toGepCreditMemoStatusModel),
      ctx,
    );
    return { items: toBatchItemResults(items, outcome.answer), raw: outcome.raw };
  }

  validateInvoiceStatus(item: InvoiceStatusItem, now: Date): ItemError[] {
    return invoiceStatusRules(item, now);
  }

  validateCreditMemoStatus(item: CreditMemoStatusItem, now: Date): ItemError[] {
    return creditMemoStatusRules(item, now);
  }

  ping(): Promise<ProbeResult> {
    return this.probe();
  }

  circuitState(): CircuitStateName {
    return this.client.circuitState();
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
