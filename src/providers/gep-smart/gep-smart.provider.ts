import { type Endpoint, type ProviderDeps, UpstreamProvider } from '../provider-definition';
import type {
  BatchResult,
  CallContext,
  CreditMemoStatusItem,
  FinanceProvider,
  InvoiceStatusItem,
  ItemError,
} from '../provider.contract';
import { type ServedCapabilities, servedCapabilities } from '../provider.contract';
import { GEP_SMART_PROVIDER, GepSmartClient } from './gep-smart.client';
import type { GepSmartSettings } from './gep-smart.types';
import {
  toBatchItemResults,
  toGepCreditMemoStatusModel,
  toGepInvoiceStatusModel,
} from './gep-smart.mapper';
import {
  creditMemoStatusRules,
  type GepSmartRuleOptions,
  invoiceStatusRules,
} from './gep-smart.rules';

/** GEP SMART: invoice statuses and credit-memo statuses, each batch in one upstream call. */
export class GepSmartProvider extends UpstreamProvider implements FinanceProvider {
  readonly id = GEP_SMART_PROVIDER;
  readonly displayName = 'GEP SMART';
  readonly serves: ServedCapabilities = {
    'invoice-status.post': (items, ctx) => this.postInvoiceStatuses(items, ctx),
    'credit-memo-status.post': (items, ctx) => this.postCreditMemoStatuses(items, ctx),
  };
  readonly capabilities = servedCapabilities(this.serves);

  private readonly ruleOptions: GepSmartRuleOptions;

  constructor(
    endpoint: Endpoint<GepSmartSettings>,
    private readonly client: GepSmartClient,
  ) {
    super(endpoint, client);
    this.ruleOptions = {
      partnerCodeRequired: endpoint.settings.partnerInvNoForPayment ?? true,
    };
  }

  /** Builds the provider for a resolved endpoint (live or mock). */
  static create(endpoint: Endpoint<GepSmartSettings>, deps: ProviderDeps): GepSmartProvider {
    return new GepSmartProvider(endpoint, GepSmartClient.create(endpoint, deps));
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
    return invoiceStatusRules(item, now, this.ruleOptions);
  }

  validateCreditMemoStatus(item: CreditMemoStatusItem, now: Date): ItemError[] {
    return creditMemoStatusRules(item, now, this.ruleOptions);
  }
}
