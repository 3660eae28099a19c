import type { CircuitStateName, UpstreamHttpFactory } from '@lib/upstream-http';
import type { DmsSettings } from '../../config/providers-config';
import type { Endpoint } from '../provider-endpoints';
import type {
  CallContext,
  CanonicalCreditNote,
  CanonicalInvoice,
  Capability,
  CreditNoteResult,
  FinanceProvider,
  InvoiceResult,
  ItemError,
  ProbeResult,
  ProviderMode,
} from '../provider.contract';
import { DmsClient } from './dms.client';
import { DMS_PROBE_TIMEOUT_MS, probeDms } from './dms.health';
import {
  fromDmsCreditNoteAnswer,
  fromDmsInvoiceAnswer,
  toDmsCreditNoteRequest,
  toDmsInvoiceRequest,
} from './dms.mapper';
import { validateDmsCreditNote, validateDmsInvoice } from './dms.rules';

const DMS_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'invoice.create',
  'credit-note.create',
]);

/** Dealer DMS: e-invoices and credit notes. */
export class DmsProvider implements FinanceProvider {
  readonly id = 'dms' as const;
  readonly displayName = 'Dealer DMS';
  readonly capabilities = DMS_CAPABILITIES;
  /** DMS takes INR amounts only. */
  readonly defaultCurrency = 'INR';
  readonly mode: ProviderMode;
  private readonly baseUrl: string;
  private readonly probeTimeoutMs: number;

  constructor(
    endpoint: Endpoint<DmsSettings>,
    private readonly client: DmsClient,
  ) {
    this.mode = endpoint.mode;
    this.baseUrl = endpoint.settings.baseUrl;
    this.probeTimeoutMs = endpoint.http.connectTimeoutMs ?? DMS_PROBE_TIMEOUT_MS;
  }

  /** Builds the provider and its HTTP client for an endpoint (live or mock). */
  static fromEndpoint(endpoint: Endpoint<DmsSettings>, http: UpstreamHttpFactory): DmsProvider {
    return new DmsProvider(endpoint, DmsClient.create(http, endpoint));
  }

  validateInvoice(invoice: CanonicalInvoice): ItemError[] {
    return validateDmsInvoice(invoice);
  }

  validateCreditNote(creditNote: CanonicalCreditNote): ItemError[] {
    return validateDmsCreditNote(creditNote);
  }

  async createInvoice(invoice: CanonicalInvoice, ctx: CallContext): Promise<InvoiceResult> {
    const answer = await this.client.generateInvoice(toDmsInvoiceRequest(invoice), ctx);
    return fromDmsInvoiceAnswer(answer);
  }

  async createCreditNote(
    creditNote: CanonicalCreditNote,
    ctx: CallContext,
  ): Promise<CreditNoteResult> {
    const answer = await this.client.generateCreditNote(toDmsCreditNoteRequest(creditNote), ctx);
    return fromDmsCreditNoteAnswer(answer);
  }

  ping(): Promise<ProbeResult> {
    return probeDms(this.baseUrl, this.probeTimeoutMs);
  }

  circuitState(): CircuitStateName {
    return this.client.circuitState();
  }
}
