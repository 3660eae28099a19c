import { type Endpoint, type ProviderDeps, UpstreamProvider } from '../provider-definition';
import type {
  CallContext,
  CanonicalCreditNote,
  CanonicalInvoice,
  CreditNoteResult,
  FinanceProvider,
  InvoiceResult,
  ItemError,
} from '../provider.contract';
import { type ServedCapabilities, servedCapabilities } from '../provider.contract';
import { DmsClient } from './dms.client';
import type { DmsSettings } from './dms.types';
import {
  fromDmsCreditNoteAnswer,
  fromDmsInvoiceAnswer,
  toDmsCreditNoteRequest,
  toDmsInvoiceRequest,
} from './dms.mapper';
import { validateDmsCreditNote, validateDmsInvoice } from './dms.rules';

/** Dealer DMS: e-invoices and credit notes. */
export class DmsProvider extends UpstreamProvider implements FinanceProvider {
  readonly id = 'dms' as const;
  readonly displayName = 'Dealer DMS';
  readonly serves: ServedCapabilities = {
    'invoice.create': (invoice, ctx) => this.createInvoice(invoice, ctx),
    'credit-note.create': (creditNote, ctx) => this.createCreditNote(creditNote, ctx),
  };
  readonly capabilities = servedCapabilities(this.serves);
  /** DMS takes INR amounts only. */
  readonly defaultCurrency = 'INR';

  constructor(
    endpoint: Endpoint<DmsSettings>,
    private readonly client: DmsClient,
  ) {
    super(endpoint, client);
  }

  /** Builds the provider and its HTTP client for an endpoint (live or mock). */
  static fromEndpoint(endpoint: Endpoint<DmsSettings>, deps: ProviderDeps): DmsProvider {
    return new DmsProvider(endpoint, DmsClient.create(deps.http, endpoint));
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
}
