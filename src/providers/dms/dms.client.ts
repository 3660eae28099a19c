import { type AuthStrategy, BasicAuthStrategy, StaticBearerStrategy } from '@lib/auth-strategies';
import type {
  CircuitStateName,
  UpstreamHttpClient,
  UpstreamHttpFactory,
  UpstreamRequest,
} from '@lib/upstream-http';
import { type Endpoint, httpSettings } from '../provider-definition';
import { verifyByEmptyCall } from '../probe';
import type { DmsSettings } from './dms.types';
import type { CallContext } from '../provider.contract';
import { DMS_PROVIDER, DMS_RETRYABLE_STATUSES, dmsAnswerError, parseDmsError } from './dms.errors';
import {
  DMS_PATHS,
  type DmsCreditNoteAnswer,
  type DmsCreditNoteRequest,
  type DmsInvoiceAnswer,
  type DmsInvoiceRequest,
} from './dms.types';

/** `Authorization: Bearer <apiKey>` when an API key is set (the spec's recommendation), else Basic. */
export function dmsAuthStrategy(settings: DmsSettings): AuthStrategy {
  if (settings.apiKey) return new StaticBearerStrategy({ token: settings.apiKey });
  if (settings.username && settings.password) {
    return new BasicAuthStrategy({ username: settings.username, password: settings.password });
  }
  throw new Error('dms: no credentials (set an API key, or a username and password)');
}

/**
 * The two DMS calls through one resilient client. Both are idempotent per the spec (the same
 * request_number gives the same e-invoice; an exact repeat of a credit note gives the same
 * credit note), so transient failures are retried inline.
 */
export class DmsClient {
  constructor(private readonly http: UpstreamHttpClient) {}

  static create(factory: UpstreamHttpFactory, endpoint: Endpoint<DmsSettings>): DmsClient {
    const { settings, http } = endpoint;
    return new DmsClient(
      factory.create({
        provider: DMS_PROVIDER,
        baseUrl: settings.baseUrl,
        auth: dmsAuthStrategy(settings),
        defaultHeaders: { Accept: 'application/json' },
        ...httpSettings(http, DMS_RETRYABLE_STATUSES),
        errorParser: parseDmsError,
      }),
    );
  }

  async generateInvoice(body: DmsInvoiceRequest, ctx: CallContext): Promise<DmsInvoiceAnswer> {
    return this.post<DmsInvoiceAnswer>(
      DMS_PATHS.invoice,
      'createInvoice',
      body,
      ctx,
      'e_invoice_number',
    );
  }

  async generateCreditNote(
    body: DmsCreditNoteRequest,
    ctx: CallContext,
  ): Promise<DmsCreditNoteAnswer> {
    return this.post<DmsCreditNoteAnswer>(
      DMS_PATHS.creditNote,
      'createCreditNote',
      body,
      ctx,
      'credit_note_number',
    );
  }

  circuitState(): CircuitStateName {
    return this.http.circuitState();
  }

  /** See verifyByEmptyCall. */
  verify(): Promise<void> {
    return verifyByEmptyCall(this.http, DMS_PATHS.invoice);
  }

  private async post<T>(
    path: string,
    operation: string,
    body: unknown,
    ctx: CallContext,
    requiredField: string,
  ): Promise<T> {
    const call: UpstreamRequest<T> = {
      method: 'POST',
      path,
      body,
      operation,
      context: { requestId: ctx.requestId, operationId: ctx.operationId, reference: ctx.reference },
      signal: ctx.signal,
      validateResponse: (response) =>
        dmsAnswerError(operation, response.status, response.data, requiredField),
    };
    const response = await this.http.request<T>(call);
    return response.data;
  }
}
