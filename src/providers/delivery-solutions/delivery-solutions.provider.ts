import { type Endpoint, type ProviderDeps, UpstreamProvider } from '../provider-definition';
import { UpstreamError } from '@lib/upstream-http';
import type {
  CallContext,
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  FinanceProvider,
  InvoiceResult,
  ItemError,
  PreparedUpdate,
} from '../provider.contract';
import { type ServedCapabilities, servedCapabilities } from '../provider.contract';
import { DeliverySolutionsClient } from './delivery-solutions.client';
import type { DeliverySolutionsSettings } from './delivery-solutions.types';
import { createWasNotProcessed, isDsDuplicateInvoice } from './delivery-solutions.errors';
import {
  fromDsInvoiceAnswer,
  toDsCreateInvoiceRequest,
  toDsUpdateInvoiceRequest,
} from './delivery-solutions.mapper';
import {
  mergeDsInvoiceUpdate,
  validateDsInvoice,
  validateDsInvoiceUpdate,
} from './delivery-solutions.rules';

/** Delivery Solutions returns platform: create and update invoices. */
export class DeliverySolutionsProvider extends UpstreamProvider implements FinanceProvider {
  readonly id = 'delivery-solutions' as const;
  readonly displayName = 'Delivery Solutions';
  readonly serves: ServedCapabilities = {
    'invoice.create': (invoice, ctx) => this.createInvoice(invoice, ctx),
    'invoice.update': (providerInvoiceId, update, ctx) =>
      this.updateInvoice(providerInvoiceId, update, ctx),
  };
  readonly capabilities = servedCapabilities(this.serves);

  constructor(
    endpoint: Endpoint<DeliverySolutionsSettings>,
    private readonly client: DeliverySolutionsClient,
  ) {
    super(endpoint, client);
  }

  /** Builds the provider and its HTTP client for an endpoint (live or mock). */
  static fromEndpoint(
    endpoint: Endpoint<DeliverySolutionsSettings>,
    deps: ProviderDeps,
  ): DeliverySolutionsProvider {
    return new DeliverySolutionsProvider(endpoint, DeliverySolutionsClient.create(deps, endpoint));
  }

  validateInvoice(invoice: CanonicalInvoice): ItemError[] {
    return validateDsInvoice(invoice);
  }

  validateInvoiceUpdate(update: CanonicalInvoiceUpdate): ItemError[] {
    return validateDsInvoiceUpdate(update);
  }

  prepareInvoiceUpdate(
    previous: CanonicalInvoice,
    changes: CanonicalInvoiceUpdate,
  ): PreparedUpdate {
    return mergeDsInvoiceUpdate(previous, changes);
  }

  async createInvoice(invoice: CanonicalInvoice, ctx: CallContext): Promise<InvoiceResult> {
    const answer = await this.client.createInvoice(toDsCreateInvoiceRequest(invoice), ctx);
    return fromDsInvoiceAnswer(answer);
  }

  async updateInvoice(
    providerInvoiceId: string,
    update: CanonicalInvoiceUpdate,
    ctx: CallContext,
  ): Promise<InvoiceResult> {
    const answer = await this.client.updateInvoice(
      providerInvoiceId,
      toDsUpdateInvoiceRequest(update),
      ctx,
    );
    return fromDsInvoiceAnswer(answer);
  }

  /** Delivery Solutions keeps one invoice per orderExternalId and answers a second create 422. */
  isDuplicateCreate(error: unknown): boolean {
    return isDsDuplicateInvoice(error);
  }

  /** Anything but a refusal before processing (429, no connection, no token) or a 4xx rejection. */
  createMayHaveLanded(error: unknown): boolean {
    if (!(error instanceof UpstreamError)) return true;
    if (error.kind === 'circuit_open') return false;
    if (error.kind === 'rejected' && (error.httpStatus ?? 0) >= 400) return false;
    return !createWasNotProcessed(error);
  }
}
