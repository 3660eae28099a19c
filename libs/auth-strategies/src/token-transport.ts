import { endSpan, withClientSpan } from '@lib/tracing';
import {
  type ClientTlsOptions,
  TlsDispatchers,
  networkErrorCode,
  sendHttp,
} from './http-transport';

export interface TokenHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Already encoded body (form). */
  body?: string;
  timeoutMs: number;
  /** Client certificate for the token request (mutual TLS). */
  tls?: ClientTlsOptions;
  signal?: AbortSignal;
}

export interface TokenHttpResponse {
  status: number;
  data: unknown;
}

/** Low-level failure of a token transport: no HTTP answer. */
export class TokenTransportError extends Error {
  override readonly name = 'TokenTransportError';
  constructor(
    message: string,
    readonly timedOut: boolean,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Sends one token request. Resolves with any HTTP answer; rejects only without one. */
export type TokenTransport = (req: TokenHttpRequest) => Promise<TokenHttpResponse>;

/**
 * Token requests are rare (one per token lifetime per provider): a small keep-alive pool per
 * TLS configuration, idle sockets closed after 4 s. The request's own timeout bounds the
 * connect too.
 */
const tokenDispatchers = new TlsDispatchers({
  connections: 4,
  connectTimeoutMs: 10_000,
  keepAliveTimeoutMs: 4_000,
});

/**
 * The default transport: undici, with a hard total timeout (never hangs), no redirects, no
 * proxy. Each token request is a client span (a child of the upstream attempt that needed the
 * token), traceparent sent.
 */
export const undiciTokenTransport: TokenTransport = (req) => {
  const headers = { ...req.headers };
  return withClientSpan(
    `${req.method} token`,
    { 'upstream.operation': 'token', 'http.request.method': req.method },
    headers,
    async (span) => {
      try {
        const res = await sendTokenRequest({ ...req, headers });
        span.setAttribute('http.response.status_code', res.status);
        endSpan(span, res.status >= 400 ? { type: String(res.status) } : undefined);
        return res;
      } catch (err) {
        endSpan(span, {
          type: err instanceof TokenTransportError ? (err.code ?? 'TIMEOUT') : 'INTERNAL',
          message: err instanceof Error ? err.message : undefined,
        });
        throw err;
      }
    },
  );
};

async function sendTokenRequest(req: TokenHttpRequest): Promise<TokenHttpResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  timer.unref();
  const onAbort = () => controller.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await sendHttp(tokenDispatchers.get(req.tls), {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
    });
    return { status: res.status, data: res.data };
  } catch (err) {
    if (timedOut) throw new TokenTransportError(`no answer within ${req.timeoutMs} ms`, true);
    const code = networkErrorCode(err);
    // Only the error code is kept: a message may echo the URL or a header.
    throw new TokenTransportError(`network error${code ? ` (${code})` : ''}`, false, code);
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
}
