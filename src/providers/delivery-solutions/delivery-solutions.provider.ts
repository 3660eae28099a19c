import { type CircuitStateName, UpstreamError, type UpstreamHttpFactory } from '@lib/upstream-http';
import type { DeliverySolutionsSettings } from '../../config/providers-config';
import type { Endpoint } from '../provider-endpoints';
import type {
  CallContext,
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  Capability,
  FinanceProvider,
  InvoiceResult,
  ItemError,
  PreparedUpdate,
  ProbeResult,
  ProviderMode,
} from '../provider.contract';
import { DeliverySolutionsClient } from './delivery-solutions.client';
import { createWasNotProcessed, isDsDuplicateInvoice } from './delivery-solutions.errors';
import { DS_PROBE_TIMEOUT_MS, probeDeliverySolutions } from './delivery-solutions.health';
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

const DS_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'invoice.create',
  'invoice.update',
]);

/** Delivery Solutions returns platform: create and update invoices. */
export class DeliverySolutionsProvider implements FinanceProvider {
  readonly id = 'delivery-solutions' as const;
  readonly displayName = 'Delivery Solutions';
  readonly capabilities = DS_CAPABILITIES;
  readonly mode: ProviderMode;
  private readonly baseUrl: string;
  private readonly probeTimeoutMs: number;

  constructor(
    endpoint: Endpoint<DeliverySolutionsSettings>,
    private readonly client: DeliverySolutionsClient,
  ) {
    this.mode = endpoint.mode;
    this.baseUrl = endpoint.settings.baseUrl;
    this.probeTimeoutMs = endpoint.http.connectTimeoutMs ?? DS_PROBE_TIMEOUT_MS;
  }

  /** Builds the provider and its HTTP client for an endpoint (live or mock). */
  static fromEndpoint(
    endpoint: Endpoint<DeliverySolutionsSettings>,
    http: UpstreamHttpFactory,
  ): DeliverySolutionsProvider {
    return new DeliverySolutionsProvider(endpoint, DeliverySolutionsClient.create(http, endpoint));
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

  ping(): Promise<ProbeResult> {
    return probeDeliverySolutions(this.baseUrl, this.probeTimeoutMs);
  }

  circuitState(): CircuitStateName {
    return this.client.circuitState();
  }
}
