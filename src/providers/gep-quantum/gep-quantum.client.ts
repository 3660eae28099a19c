import {
  ApiKeyHeadersStrategy,
  type AuthStrategy,
  GepTokenStrategy,
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
import type { GepQuantumSettings } from './gep-quantum.types';
import type { CallContext } from '../provider.contract';
import { GEP_MAX_ANSWER_BYTES, field, isRecord, present, stringField } from '../gep/gep-common';
import {
  type QuantumDetails,
  parseQuantumAnswer,
  reportsOnRemittances,
} from './gep-quantum.mapper';
import { GEP_QUANTUM_PATHS, type QuantumRemittanceRequest } from './gep-quantum.types';

export const GEP_QUANTUM_PROVIDER = 'gep-quantum';
export const SUBSCRIPTION_KEY_HEADER = 'Ocp-Apim-Subscription-Key';

/** A remittance batch GEP processed, whatever each item's fate. */
export interface GepQuantumBatchOutcome {
  details: QuantumDetails;
  httpStatus: number;
  raw: unknown;
}

/** The first message of an ASP.NET ProblemDetails `errors` map. */
function firstProblemMessage(errors: unknown): string | undefined {
  if (!isRecord(errors)) return undefined;
  for (const messages of Object.values(errors)) {
    if (Array.isArray(messages) && typeof messages[0] === 'string') return messages[0];
  }
  return undefined;
}

/**
 * Reads Quantum's whole-request error bodies: its own envelope (`errorCode`, `errorMessage`),
 * APIM's `{statusCode, message}`, and ASP.NET ProblemDetails (`title`, `errors`).
 */
export const gepQuantumErrorParser: ErrorParser = (_status, body) => {
  if (!isRecord(body)) return undefined;
  const code = stringField(body, 'errorCode');
  const title = stringField(body, 'title');
  const detail = firstProblemMessage(field(body, 'errors'));
  const message =
    stringField(body, 'errorMessage') ??
    stringField(body, 'message') ??
    (title && detail ? `${title} ${detail}` : (title ?? detail));
  if (!present(code) && !present(message)) return undefined;
  const correlationId = stringField(body, 'correlationId');
  return {
    code: present(code) ? code : undefined,
    message: present(message) ? message : undefined,
    ...(present(correlationId) ? { correlationId } : {}),
  };
};

/**
 * GEP Quantum's auth: the GEP token (`GET tokenUrl` with `Ocp-Apim-Subscription-Key` and
 * `gep-auth-key`, camelCase `{expires (minutes), token}`), then Bearer plus the subscription
 * key on every call.
 */
export function gepQuantumAuth(
  endpoint: Endpoint<GepQuantumSettings>,
  onTokenRequest?: ProviderDeps['onTokenRequest'],
): AuthStrategy {
  const s = endpoint.settings;
  const subscriptionKey = requiredSetting(GEP_QUANTUM_PROVIDER, s, 'subscriptionKey');
  return composeAuth(
    new GepTokenStrategy({
      provider: GEP_QUANTUM_PROVIDER,
      tokenUrl: requiredSetting(GEP_QUANTUM_PROVIDER, s, 'tokenUrl'),
      authKey: requiredSetting(GEP_QUANTUM_PROVIDER, s, 'authKey'),
      subscriptionKey,
      expiresUnit: 'minutes',
      timeoutMs: endpoint.http.timeoutMs,
      onTokenRequest,
    }),
    new ApiKeyHeadersStrategy({ headers: { [SUBSCRIPTION_KEY_HEADER]: subscriptionKey } }),
  );
}

function unexpectedAnswer(httpStatus: number, body: unknown): UpstreamError {
  const parsed = gepQuantumErrorParser(httpStatus, body);
  // a 2xx answer we cannot read is the upstream's fault (502), not the caller's
  const ok = httpStatus >= 200 && httpStatus < 300;
  return new UpstreamError({
    provider: GEP_QUANTUM_PROVIDER,
    kind: ok ? 'unavailable' : 'rejected',
    transient: false,
    httpStatus,
    code: parsed?.code ?? 'UNEXPECTED_ANSWER',
    correlationId: parsed?.correlationId,
    message: `Upstream "${GEP_QUANTUM_PROVIDER}" did not process postRemittances${
      parsed?.message ? `: ${parsed.message}` : ': the answer has no per-item details'
    }`,
  });
}

/** HTTP to GEP Quantum: one resilient client, token + subscription key, answers read per item. */
export class GepQuantumClient {
  constructor(
    private readonly http: UpstreamHttpClient,
    private readonly auth: AuthStrategy,
  ) {}

  static create(endpoint: Endpoint<GepQuantumSettings>, deps: ProviderDeps): GepQuantumClient {
    const auth = gepQuantumAuth(endpoint, deps.onTokenRequest);
    const http = deps.http.create({
      provider: GEP_QUANTUM_PROVIDER,
      baseUrl: endpoint.settings.baseUrl,
      auth,
      defaultHeaders: { Accept: 'application/json' },
      ...httpSettings(endpoint.http),
      maxAuditBodyBytes: GEP_MAX_ANSWER_BYTES,
      errorParser: gepQuantumErrorParser,
    });
    return new GepQuantumClient(http, auth);
  }

  /**
   * One `PUT` of the array. A 200 whose `returnValue` lists per-item details is a processed
   * batch, `isSuccess: false` included (some item failed). A 200 without details (`returnValue`
   * null) and every non-2xx answer are whole-request failures: UpstreamError with GEP's code.
   */
  async putRemittances(
    body: QuantumRemittanceRequest,
    ctx: CallContext,
  ): Promise<GepQuantumBatchOutcome> {
    try {
      const response = await this.http.request<unknown>({
        method: 'PUT',
        path: GEP_QUANTUM_PATHS.remittance,
        body,
        operation: 'postRemittances',
        context: {
          requestId: ctx.requestId,
          operationId: ctx.operationId,
          reference: ctx.reference,
        },
        signal: ctx.signal,
        validateResponse: (res) =>
          parseQuantumAnswer(res.data) ? undefined : unexpectedAnswer(res.status, res.data),
      });
      const details = parseQuantumAnswer(response.data);
      if (!details) throw unexpectedAnswer(response.status, response.data);
      return { details, httpStatus: response.status, raw: response.data };
    } catch (error) {
      // Not documented for Quantum, but read like GEP SMART: a 400 reporting per item is processed.
      const details =
        error instanceof UpstreamError && error.httpStatus === 400
          ? parseQuantumAnswer(error.details)
          : undefined;
      if (details && reportsOnRemittances(body, details)) {
        return { details, httpStatus: 400, raw: (error as UpstreamError).details };
      }
      throw error;
    }
  }

  circuitState(): CircuitStateName {
    return this.http.circuitState();
  }

  /** See verifyByEmptyCall. */
  verify(): Promise<void> {
    return verifyByEmptyCall(this.http, GEP_QUANTUM_PATHS.remittance);
  }

  close(): void {
    this.auth.close?.();
  }
}
