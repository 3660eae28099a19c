import {
  type AuthContext,
  type AuthStrategy,
  ClientCertificateStrategy,
  GepTokenStrategy,
  type OutgoingRequest,
  SharedSecretEnvelopeStrategy,
  composeAuth,
} from '@lib/auth-strategies';
import {
  type CircuitStateName,
  type ErrorParser,
  UpstreamError,
  type UpstreamHttpClient,
} from '@lib/upstream-http';
import {
  type Endpoint,
  httpSettings,
  type ProviderDeps,
  requiredSetting,
} from '../provider-definition';
import { verifyByEmptyCall } from '../probe';
import type { GepSmartSettings } from './gep-smart.types';
import type { CallContext } from '../provider.contract';
import { GEP_MAX_ANSWER_BYTES, isRecord, stringField } from '../gep/gep-common';
import { parseGepBatchAnswer, reportsOnItems } from './gep-smart.mapper';
import {
  GEP_SMART_PATHS,
  type GepBatchAnswer,
  type GepCreditMemoStatusModel,
  type GepInvoiceStatusModel,
} from './gep-smart.types';

export const GEP_SMART_PROVIDER = 'gep-smart';

/** A batch GEP processed, whatever each item's fate. */
export interface GepSmartBatchOutcome {
  answer: GepBatchAnswer;
  /** HTTP status GEP answered: 200, or 400 when every item failed. */
  httpStatus: number;
  /** The body as received (as redacted by the HTTP library for a 400). */
  raw: unknown;
}

/**
 * Reads GEP SMART's whole-request error bodies: a batch answer without per-item details
 * (`InvoiceStatusModel is missing`), or ASP.NET's `{ Message }`.
 */
export const gepSmartErrorParser: ErrorParser = (_status, body) => {
  if (!isRecord(body)) return undefined;
  const first = parseGepBatchAnswer(body)?.errorDetails.flatMap((detail) => detail.errors)[0];
  if (first) return { code: first.errorCode, message: first.errorDescription };
  const message = stringField(body, 'message') ?? stringField(body, 'errorMessage');
  return message ? { message } : undefined;
};

/** Applies `inner` only to requests whose URL path ends with `path`. */
export class PathScopedAuth implements AuthStrategy {
  readonly name: string;
  readonly refreshable: boolean;

  constructor(
    private readonly path: string,
    private readonly inner: AuthStrategy,
  ) {
    this.name = `${inner.name}(${path})`;
    this.refreshable = inner.refreshable;
  }

  async apply(req: OutgoingRequest, ctx: AuthContext): Promise<void> {
    if (new URL(req.url).pathname.endsWith(this.path)) await this.inner.apply(req, ctx);
  }

  invalidate(rejected?: OutgoingRequest): void {
    this.inner.invalidate?.(rejected);
  }

  secretValues(): string[] {
    return this.inner.secretValues?.() ?? [];
  }

  close(): void {
    this.inner.close?.();
  }
}

function unexpectedAnswer(operation: string, httpStatus: number): UpstreamError {
  // a 2xx answer we cannot read is the upstream's fault (502), not the caller's
  const ok = httpStatus >= 200 && httpStatus < 300;
  return new UpstreamError({
    provider: GEP_SMART_PROVIDER,
    kind: ok ? 'unavailable' : 'rejected',
    transient: false,
    httpStatus,
    code: 'UNEXPECTED_ANSWER',
    message: `Upstream "${GEP_SMART_PROVIDER}" answered ${operation} with a body that is not a GEP batch answer`,
  });
}

/**
 * GEP SMART's auth: the GEP token (`GET tokenUrl` with `gep-auth-key`, `{Expires (minutes),
 * Token}`) on every call; the client certificate on every call and on the token request when
 * configured; the shared-secret `header` block on each credit-memo model only.
 */
export function gepSmartAuth(
  endpoint: Endpoint<GepSmartSettings>,
  onTokenRequest?: ProviderDeps['onTokenRequest'],
): AuthStrategy {
  const s = endpoint.settings;
  const certificate =
    s.clientCertFile && s.clientKeyFile
      ? new ClientCertificateStrategy({
          provider: GEP_SMART_PROVIDER,
          certFile: s.clientCertFile,
          keyFile: s.clientKeyFile,
          caFile: s.caFile,
        })
      : undefined;
  const token = new GepTokenStrategy({
    provider: GEP_SMART_PROVIDER,
    tokenUrl: requiredSetting(GEP_SMART_PROVIDER, s, 'tokenUrl'),
    authKey: requiredSetting(GEP_SMART_PROVIDER, s, 'authKey'),
    expiresUnit: 'minutes',
    tls: certificate?.tls,
    timeoutMs: endpoint.http.timeoutMs,
    onTokenRequest,
  });
  const envelope = new SharedSecretEnvelopeStrategy({
    target: 'models',
    from: { domain: s.fromDomain, identity: s.fromIdentity },
    to: { domain: s.toDomain, identity: s.toIdentity },
    sender: {
      domain: s.senderDomain,
      identity: s.senderIdentity,
      sharedSecret: requiredSetting(GEP_SMART_PROVIDER, s, 'sharedSecret'),
      userAgent: s.userAgent,
    },
  });
  return composeAuth(
    ...(certificate ? [certificate] : []),
    token,
    new PathScopedAuth(GEP_SMART_PATHS.creditMemoStatus, envelope),
  );
}

/** HTTP to GEP SMART: one resilient client, GEP auth, batch answers read into outcomes. */
export class GepSmartClient {
  constructor(
    private readonly http: UpstreamHttpClient,
    private readonly auth: AuthStrategy,
  ) {}

  static create(endpoint: Endpoint<GepSmartSettings>, deps: ProviderDeps): GepSmartClient {
    const auth = gepSmartAuth(endpoint, deps.onTokenRequest);
    const http = deps.http.create({
      provider: GEP_SMART_PROVIDER,
      baseUrl: endpoint.settings.baseUrl,
      auth,
      defaultHeaders: { Accept: 'application/json' },
      ...httpSettings(endpoint.http),
      maxAuditBodyBytes: GEP_MAX_ANSWER_BYTES,
      errorParser: gepSmartErrorParser,
    });
    return new GepSmartClient(http, auth);
  }

  postInvoiceStatuses(
    models: GepInvoiceStatusModel[],
    ctx: CallContext,
  ): Promise<GepSmartBatchOutcome> {
    return this.postBatch('postInvoiceStatuses', GEP_SMART_PATHS.invoiceStatus, models, ctx);
  }

  postCreditMemoStatuses(
    models: GepCreditMemoStatusModel[],
    ctx: CallContext,
  ): Promise<GepSmartBatchOutcome> {
    return this.postBatch('postCreditMemoStatuses', GEP_SMART_PATHS.creditMemoStatus, models, ctx);
  }

  circuitState(): CircuitStateName {
    return this.http.circuitState();
  }

  /** See verifyByEmptyCall. */
  verify(): Promise<void> {
    return verifyByEmptyCall(this.http, GEP_SMART_PATHS.invoiceStatus);
  }

  /** Releases what the auth strategies hold, if any. */
  close(): void {
    this.auth.close?.();
  }

  /**
   * One POST of `{ models }`. GEP answers HTTP 200 when some item was accepted and HTTP 400
   * with per-item `errorDetails` when none was: both are processed batches. A 400 that names
   * none of the items sent (e.g. `InvoiceStatusModel is missing`), and every other failure,
   * is thrown as the library's UpstreamError with GEP's own code.
   */
  private async postBatch(
    operation: string,
    path: string,
    models: { documentNumber: string }[],
    ctx: CallContext,
  ): Promise<GepSmartBatchOutcome> {
    try {
      const response = await this.http.request<unknown>({
        method: 'POST',
        path,
        body: { models },
        operation,
        context: {
          requestId: ctx.requestId,
          operationId: ctx.operationId,
          reference: ctx.reference,
        },
        signal: ctx.signal,
        validateResponse: (res) =>
          parseGepBatchAnswer(res.data) ? undefined : unexpectedAnswer(operation, res.status),
      });
      const answer = parseGepBatchAnswer(response.data);
      if (!answer) throw unexpectedAnswer(operation, response.status);
      return { answer, httpStatus: response.status, raw: response.data };
    } catch (error) {
      const answer =
        error instanceof UpstreamError && error.httpStatus === 400
          ? parseGepBatchAnswer(error.details)
          : undefined;
      const keys = models.map((model) => model.documentNumber);
      if (answer && reportsOnItems(answer, keys)) {
        return { answer, httpStatus: 400, raw: (error as UpstreamError).details };
      }
      throw error;
    }
  }
}
