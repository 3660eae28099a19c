import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiKeyHeadersStrategy,
  type AuthStrategy,
  OAuth2ClientCredentialsStrategy,
  type TokenRequestEvent,
} from '@lib/auth-strategies';
import {
  type CircuitStateName,
  DEFAULT_DEADLINE_MS,
  DEFAULT_RETRY,
  type UpstreamHttpClient,
  type UpstreamRequest,
} from '@lib/upstream-http';
import { type Endpoint, httpSettings, type ProviderDeps } from '../provider-definition';
import { verifyByEmptyCall } from '../probe';
import type { DeliverySolutionsSettings } from './delivery-solutions.types';
import type { CallContext } from '../provider.contract';
import {
  DS_PROVIDER,
  DS_RETRYABLE_STATUSES,
  createWasNotProcessed,
  dsAnswerError,
  parseDsError,
  reclassifyDsError,
} from './delivery-solutions.errors';
import {
  DS_PATHS,
  type DsCreateInvoiceRequest,
  type DsInvoiceAnswer,
  type DsUpdateInvoiceRequest,
} from './delivery-solutions.types';

/**
 * OAuth2 client credentials (Basic client id/secret, `expires_in` in seconds, often a string)
 * when a token URL, client id and secret are set; otherwise the `x-api-key` + `tenantid` headers.
 */
export function dsAuthStrategy(
  settings: DeliverySolutionsSettings,
  tokenTimeoutMs?: number,
  onTokenRequest?: (event: TokenRequestEvent) => void,
): AuthStrategy {
  const { tokenUrl, clientId, clientSecret, apiKey, tenantId, scope } = settings;
  if (tokenUrl && clientId && clientSecret) {
    return new OAuth2ClientCredentialsStrategy({
      provider: DS_PROVIDER,
      tokenUrl,
      clientId,
      clientSecret,
      scope: scope || undefined,
      credentialsIn: 'basic',
      timeoutMs: tokenTimeoutMs,
      onTokenRequest,
    });
  }
  if (apiKey && tenantId) {
    return new ApiKeyHeadersStrategy({
      headers: { 'x-api-key': apiKey, tenantid: tenantId },
      publicHeaders: ['tenantid'],
    });
  }
  throw new Error(
    'delivery-solutions: no credentials (set a token URL, client id and client secret, or an API key and tenant id)',
  );
}

/**
 * Create and update through one resilient client.
 *
 * Retries: the update is a PUT of the given fields (idempotent), retried by the library on
 * transient failures. The create is NOT idempotent (a second create for the same
 * orderExternalId gets 422 "Invoice already Exists", and there is no documented way to read the
 * first one back), so the library never repeats it; this client sends it again only when the
 * failure proves the first attempt was not processed (`createWasNotProcessed`: 429, connection
 * refused, connect timeout, no token), honouring Retry-After within the deadline. A timeout,
 * reset or 5xx after sending is returned as is (transient): whoever re-drives it must expect
 * "Invoice already Exists" if the first attempt did land.
 */
export class DeliverySolutionsClient {
  private readonly maxAttempts: number;
  private readonly deadlineMs: number;

  constructor(
    private readonly http: UpstreamHttpClient,
    options: { maxAttempts?: number; deadlineMs?: number } = {},
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_RETRY.maxAttempts);
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  static create(
    deps: ProviderDeps,
    endpoint: Endpoint<DeliverySolutionsSettings>,
  ): DeliverySolutionsClient {
    const { settings, http } = endpoint;
    const client = deps.http.create({
      provider: DS_PROVIDER,
      baseUrl: settings.baseUrl,
      auth: dsAuthStrategy(settings, http.timeoutMs, deps.onTokenRequest),
      defaultHeaders: { Accept: 'application/json' },
      ...httpSettings(http, DS_RETRYABLE_STATUSES),
      errorParser: parseDsError,
    });
    return new DeliverySolutionsClient(client, {
      maxAttempts: http.maxAttempts,
      deadlineMs: http.deadlineMs,
    });
  }

  async createInvoice(body: DsCreateInvoiceRequest, ctx: CallContext): Promise<DsInvoiceAnswer> {
    const started = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      const remainingMs = this.deadlineMs - (Date.now() - started);
      try {
        return await this.send('POST', DS_PATHS.invoices, 'createInvoice', body, ctx, {
          retry: false,
          deadlineMs: Math.max(1, remainingMs),
        });
      } catch (error) {
        const waitMs = this.waitBeforeResend(error, attempt, Date.now() - started);
        if (waitMs === undefined) throw reclassifyDsError(error);
        await sleep(waitMs, undefined, ctx.signal ? { signal: ctx.signal } : undefined);
      }
    }
  }

  async updateInvoice(
    id: string,
    body: DsUpdateInvoiceRequest,
    ctx: CallContext,
  ): Promise<DsInvoiceAnswer> {
    try {
      return await this.send('PUT', DS_PATHS.invoice(id), 'updateInvoice', body, ctx, {});
    } catch (error) {
      throw reclassifyDsError(error);
    }
  }

  circuitState(): CircuitStateName {
    return this.http.circuitState();
  }

  /** See verifyByEmptyCall. */
  verify(): Promise<void> {
    return verifyByEmptyCall(this.http, DS_PATHS.invoices);
  }

  /** How long to wait before sending the create again, or undefined to give up. */
  private waitBeforeResend(error: unknown, attempt: number, elapsedMs: number): number | undefined {
    if (attempt >= this.maxAttempts || !createWasNotProcessed(error)) return undefined;
    const { baseDelayMs, maxDelayMs, maxRetryAfterMs } = DEFAULT_RETRY;
    const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    const asked = (error.retryAfterSeconds ?? 0) * 1000;
    if (asked > maxRetryAfterMs) return undefined;
    const waitMs = Math.max(backoff, asked);
    return elapsedMs + waitMs < this.deadlineMs ? waitMs : undefined;
  }

  private async send(
    method: 'POST' | 'PUT',
    path: string,
    operation: string,
    body: unknown,
    ctx: CallContext,
    options: Pick<UpstreamRequest, 'retry' | 'deadlineMs'>,
  ): Promise<DsInvoiceAnswer> {
    const response = await this.http.request<DsInvoiceAnswer>({
      method,
      path,
      body,
      operation,
      context: { requestId: ctx.requestId, operationId: ctx.operationId, reference: ctx.reference },
      signal: ctx.signal,
      validateResponse: (answer) => dsAnswerError(operation, answer.status, answer.data),
      ...options,
    });
    return response.data;
  }
}
