import { StaticBearerStrategy } from '@lib/auth-strategies';
import type { UpstreamHttpClient } from '@lib/upstream-http';
import {
  httpSettings,
  requiredSetting,
  type BaseSettings,
  type Endpoint,
  type ProviderDeps,
  UpstreamProvider,
} from '../../../src/providers/provider-definition';
import {
  type CallContext,
  type CanonicalInvoice,
  type FinanceProvider,
  type InvoiceResult,
  type ServedCapabilities,
  servedCapabilities,
} from '../../../src/providers/provider.contract';

export interface LedgerlySettings extends BaseSettings {
  apiKey?: string;
}

interface LedgerlyInvoice {
  id: string;
  number: string;
  state: string;
}

/** The test-only sixth provider: invoices only, one call, through the real HTTP library. */
export class LedgerlyProvider extends UpstreamProvider implements FinanceProvider {
  readonly id = 'ledgerly';
  readonly displayName = 'Ledgerly (test only)';
  readonly serves: ServedCapabilities = {
    'invoice.create': (invoice, ctx) => this.createInvoice(invoice, ctx),
  };
  readonly capabilities = servedCapabilities(this.serves);

  private constructor(
    endpoint: Endpoint<LedgerlySettings>,
    private readonly http: UpstreamHttpClient,
  ) {
    super(endpoint, http);
  }

  static create(endpoint: Endpoint<LedgerlySettings>, deps: ProviderDeps): LedgerlyProvider {
    const token = requiredSetting('ledgerly', endpoint.settings, 'apiKey');
    const http = deps.http.create({
      provider: 'ledgerly',
      baseUrl: endpoint.settings.baseUrl,
      auth: new StaticBearerStrategy({ token }),
      defaultHeaders: { Accept: 'application/json' },
      ...httpSettings(endpoint.http),
    });
    return new LedgerlyProvider(endpoint, http);
  }

  async createInvoice(invoice: CanonicalInvoice, ctx: CallContext): Promise<InvoiceResult> {
    const { data } = await this.http.request<LedgerlyInvoice>({
      method: 'POST',
      path: '/invoices',
      body: { ref: invoice.reference, total: invoice.amount },
      operation: 'createInvoice',
      context: { requestId: ctx.requestId, operationId: ctx.operationId, reference: ctx.reference },
      signal: ctx.signal,
    });
    return {
      providerInvoiceId: data.id,
      providerDocumentNumber: data.number,
      status: data.state,
      raw: data,
    };
  }
}
