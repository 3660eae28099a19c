/**
 * The outbound HTTP client (about 850 lines, on purpose): one attempt's life in one place, from
 * the keep-alive pool and the auth strategy through timeouts, retries, the circuit breaker and
 * the redacted audit entry. Each step depends on the others' state (the attempt number, the
 * deadline left, the token dropped after a 401), and the transport tests read it as one unit.
 */
import {
  type HttpAnswer,
  type OutgoingRequest,
  TlsDispatchers,
  TokenAcquisitionError,
  UNDICI_CONNECT_TIMEOUT_CODE,
  networkErrorCode,
  sendHttp,
} from '@lib/auth-strategies';
import {
  BrokenCircuitError,
  CircuitState,
  type CircuitBreakerPolicy,
  DelegateBackoff,
  ExponentialBackoff,
  type IBackoff,
  IsolatedCircuitError,
  SamplingBreaker,
  TimeoutStrategy,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { type Span, endSpan, inTrace, traceIdOf, withClientSpan } from '@lib/tracing';
import { sanitizeBody } from './audit-body';
import { isSecretKey, maskSecretValues, redactHeaders, redactUrl } from '@lib/redaction';
import { parseRetryAfter } from './retry-after';
import { UpstreamError } from './upstream-error';
import type {
  AuditOutcome,
  BreakerSettings,
  CircuitStateName,
  ErrorParser,
  OutboundAuditEntry,
  RetrySettings,
  UpstreamAuditSink,
  UpstreamClientConfig,
  UpstreamLogger,
  UpstreamRequest,
  UpstreamResponse,
} from './upstream-http.types';

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
  retryableStatuses: [408, 429, 502, 503, 504],
};

export const DEFAULT_BREAKER: BreakerSettings = {
  failureRatio: 0.5,
  samplingDurationMs: 10_000,
  minimumCalls: 10,
  halfOpenAfterMs: 30_000,
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_DEADLINE_MS = 25_000;
export const DEFAULT_MAX_SOCKETS = 50;
/** Idle keep-alive sockets are closed after this (or sooner, as the server's `Keep-Alive` says). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_AUDIT_BODY_BYTES = 64 * 1024;
/** What axios sent when the caller named no `Accept`: kept, so upstreams see the same request. */
const DEFAULT_ACCEPT = 'application/json, text/plain, */*';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const NOOP_LOGGER: UpstreamLogger = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Default error parser: common code and message fields of JSON error bodies. */
export const defaultErrorParser: ErrorParser = (_status, body) => {
  if (typeof body !== 'object' || body === null) {
    return typeof body === 'string' && body.trim()
      ? { message: body.trim().slice(0, 300) }
      : undefined;
  }
  const record = body as Record<string, unknown>;
  const nested =
    Array.isArray(record.errors) &&
    typeof record.errors[0] === 'object' &&
    record.errors[0] !== null
      ? (record.errors[0] as Record<string, unknown>)
      : typeof record.error === 'object' && record.error !== null
        ? (record.error as Record<string, unknown>)
        : {};
  const pick = (source: Record<string, unknown>, keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = source[key];
      if (typeof value === 'string' && value.trim()) return value.trim();
      if (typeof value === 'number' && key !== 'statusCode') return String(value);
    }
    return undefined;
  };
  const codeKeys = ['code', 'error_code', 'errorCode', 'type', 'error'];
  const messageKeys = ['message', 'errorMessage', 'error_description', 'detail', 'title'];
  return {
    code: pick(record, codeKeys) ?? pick(nested, codeKeys),
    message: pick(record, messageKeys) ?? pick(nested, messageKeys),
  };
};

interface CallState {
  /** Requests sent (re-authentication included). */
  attempts: number;
  /** Runs of the retry policy. */
  tries: number;
  maxTries: number;
  reauthenticated: boolean;
  backoff?: IBackoff<unknown>;
  nextDelayMs: number;
  deadlineAt: number;
  deadlineSignal: AbortSignal;
}

type AttemptContext = { signal: AbortSignal };

/**
 * The one way the gateway calls an upstream: per-attempt timeout, connect timeout, retries with
 * full-jitter backoff honouring Retry-After, a deadline over the whole call, a circuit breaker
 * per provider, one re-authentication after a 401, and one redacted audit entry per attempt.
 */
export class UpstreamHttpClient {
  readonly provider: string;
  private readonly baseUrl: string;
  private readonly retrySettings: RetrySettings;
  private readonly breakerSettings: BreakerSettings;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly maxAuditBodyBytes: number;
  private readonly retryable: ReadonlySet<number>;
  private readonly logger: UpstreamLogger;
  private readonly sink?: UpstreamAuditSink;
  /** Keep-alive pools: the plain one, and one per client-certificate configuration. */
  private readonly dispatchers: TlsDispatchers;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly stateListeners = new Set<(state: CircuitStateName, provider: string) => void>();
  private openedAt = 0;

  constructor(private readonly config: UpstreamClientConfig) {
    this.provider = config.provider;
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.retrySettings = { ...DEFAULT_RETRY, ...config.retry };
    this.breakerSettings = { ...DEFAULT_BREAKER, ...config.breaker };
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = config.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.maxAuditBodyBytes = config.maxAuditBodyBytes ?? DEFAULT_MAX_AUDIT_BODY_BYTES;
    this.retryable = new Set(this.retrySettings.retryableStatuses);
    this.logger = config.logger ?? NOOP_LOGGER;
    this.sink = config.auditSink;
    this.dispatchers = new TlsDispatchers({
      connections: config.maxSockets ?? DEFAULT_MAX_SOCKETS,
      connectTimeoutMs: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    });
    this.breaker = this.createBreaker();
  }

  /** Current state of this provider's circuit. */
  circuitState(): CircuitStateName {
    return stateName(this.breaker.state);
  }

  /** Listens to circuit state changes (metrics, logs). */
  onCircuitStateChange(listener: (state: CircuitStateName, provider: string) => void): {
    dispose(): void;
  } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  /**
   * Sends one logical call (with retries) and returns the 2xx answer or throws UpstreamError.
   * Outside any trace (the queue worker), the call is the root span of a new one.
   */
  request<T = unknown>(call: UpstreamRequest<T>): Promise<UpstreamResponse<T>> {
    return inTrace(
      `${this.provider} ${call.operation}`,
      { 'upstream.provider': this.provider, 'upstream.operation': call.operation },
      () => this.execute(call),
    );
  }

  private async execute<T>(call: UpstreamRequest<T>): Promise<UpstreamResponse<T>> {
    const started = Date.now();
    const deadlineMs = call.deadlineMs ?? this.deadlineMs;
    const deadline = new AbortController();
    const deadlineTimer = setTimeout(() => deadline.abort(), deadlineMs);
    deadlineTimer.unref();
    const signal = call.signal ? AbortSignal.any([deadline.signal, call.signal]) : deadline.signal;
    const maxRetries = call.retry === false ? 0 : Math.max(0, this.retrySettings.maxAttempts - 1);
    const state: CallState = {
      attempts: 0,
      tries: 0,
      maxTries: maxRetries + 1,
      reauthenticated: false,
      nextDelayMs: 0,
      deadlineAt: started + deadlineMs,
      deadlineSignal: signal,
    };
    const retryPolicy = retry(
      handleWhen((err) => this.shouldRetry(err, state, call)),
      { maxAttempts: maxRetries, backoff: new DelegateBackoff(() => state.nextDelayMs) },
    );
    // the answer is read in full before an attempt returns: nothing is left to abort then, and an
    // abort per attempt (cockatiel's default) costs an AbortSignal event and a DOMException
    const attemptTimeout = timeout(call.timeoutMs ?? this.timeoutMs, {
      strategy: TimeoutStrategy.Cooperative,
      abortOnReturn: false,
    });
    const policy = wrap(retryPolicy, this.breaker, attemptTimeout);
    try {
      const response = await policy.execute((ctx: AttemptContext) => {
        state.tries += 1;
        return this.attempt(call, ctx.signal, state, started);
      }, signal);
      return response;
    } catch (err) {
      throw this.finalError(err, call, state);
    } finally {
      clearTimeout(deadlineTimer);
    }
  }

  /**
   * Closes the connection pools (idle sockets at once, busy ones after their answer or a
   * short grace) and resolves when they are closed. Idempotent; a later call fails with a
   * transport error.
   */
  close(): Promise<void> {
    this.stateListeners.clear();
    return this.dispatchers.close();
  }

  private createBreaker(): CircuitBreakerPolicy {
    const s = this.breakerSettings;
    // cockatiel opens when failures > threshold * total; nudge it so the ratio itself opens it.
    const threshold = Math.min(0.999, Math.max(0.001, s.failureRatio - 1e-9));
    const breaker = circuitBreaker(
      handleWhen((err) => err instanceof UpstreamError && countsForBreaker(err)),
      {
        halfOpenAfter: s.halfOpenAfterMs,
        breaker: new SamplingBreaker({
          threshold,
          duration: s.samplingDurationMs,
          minimumRps: (s.minimumCalls * 1000) / s.samplingDurationMs,
        }),
      },
    );
    breaker.onStateChange((state) => {
      if (state === CircuitState.Open) this.openedAt = Date.now();
      const name = stateName(state);
      this.logger.warn(
        { provider: this.provider, circuit: name },
        'upstream circuit state changed',
      );
      for (const listener of this.stateListeners) {
        try {
          listener(name, this.provider);
        } catch {
          // a listener must not break the call
        }
      }
    });
    return breaker;
  }

  private shouldRetry(err: Error, state: CallState, call: UpstreamRequest<unknown>): boolean {
    if (!(err instanceof UpstreamError) || !err.transient || err.kind === 'circuit_open')
      return false;
    if (err.code === 'DEADLINE_EXCEEDED' || state.deadlineSignal.aborted) return false;
    if (state.tries >= state.maxTries) return false;
    const expo = new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: this.retrySettings.baseDelayMs,
      maxDelay: this.retrySettings.maxDelayMs,
    });
    state.backoff = state.backoff ? state.backoff.next(undefined) : expo.next();
    let delay = state.backoff.duration;
    if (err.retryAfterSeconds !== undefined) {
      const asked = err.retryAfterSeconds * 1000;
      if (asked > this.retrySettings.maxRetryAfterMs) return false;
      delay = Math.max(delay, asked);
    }
    if (Date.now() + delay >= state.deadlineAt) {
      this.logger.debug(
        { provider: this.provider, operation: call.operation, delayMs: delay },
        'upstream retry skipped: it would pass the deadline',
      );
      return false;
    }
    state.nextDelayMs = delay;
    this.logger.warn(
      {
        provider: this.provider,
        operation: call.operation,
        attempt: state.attempts,
        delayMs: delay,
        errorCode: err.code,
        httpStatus: err.httpStatus,
        requestId: call.context?.requestId,
      },
      'retrying upstream call',
    );
    return true;
  }

  /**
   * One attempt: a client span (provider, operation, attempt, HTTP status) under the caller's
   * trace, its W3C traceparent in the attempt's headers. The one seam for trace propagation.
   */
  private async attempt<T>(
    call: UpstreamRequest<T>,
    signal: AbortSignal,
    state: CallState,
    callStarted: number,
  ): Promise<UpstreamResponse<T>> {
    state.attempts += 1;
    const attempt = state.attempts;
    const headers: Record<string, string> = { ...this.config.defaultHeaders, ...call.headers };
    const attributes = {
      'upstream.provider': this.provider,
      'upstream.operation': call.operation,
      'upstream.attempt': attempt,
      'http.request.method': call.method,
    };
    const result = await withClientSpan(
      `${call.method} ${this.provider} ${call.operation}`,
      attributes,
      headers,
      (span) =>
        this.send(call, signal, state, callStarted, attempt, headers, span).then(
          (answer) => {
            endSpan(
              span,
              answer === REAUTHENTICATE
                ? { type: 'UNAUTHORIZED', message: 'upstream answered 401: re-authenticating' }
                : undefined,
            );
            return answer;
          },
          (err: unknown) => {
            endSpan(span, spanErrorOf(err));
            throw err;
          },
        ),
    );
    // the re-authenticated attempt is a sibling of the refused one, not its child
    if (result === REAUTHENTICATE) return this.attempt(call, signal, state, callStarted);
    return result;
  }

  private async send<T>(
    call: UpstreamRequest<T>,
    signal: AbortSignal,
    state: CallState,
    callStarted: number,
    attempt: number,
    headers: Record<string, string>,
    span: Span,
  ): Promise<UpstreamResponse<T> | typeof REAUTHENTICATE> {
    const attemptStarted = Date.now();
    const out: OutgoingRequest = {
      method: call.method,
      url: this.buildUrl(call),
      headers,
      body: call.body,
    };
    span.setAttribute('url.full', this.mask(redactUrl(out.url), call));
    /** The body as sent, serialized once for the wire and reused by the audit entry. */
    let sent: { payload?: string | Buffer; json?: string } = {};
    const audit = (
      outcome: AuditOutcome,
      extra: { status?: number; responseBody?: unknown; errorCode?: string },
    ): void =>
      this.audit(call, out, attempt, Date.now() - attemptStarted, outcome, extra, sent.json);

    if (this.config.auth) {
      try {
        await this.config.auth.apply(out, { provider: this.provider, signal });
      } catch (err) {
        const error = this.authError(err, signal, state);
        audit(outcomeOf(error), { errorCode: error.code });
        throw error;
      }
    }

    let res: HttpAnswer;
    try {
      sent = encodeBody(out);
      res = await sendHttp(this.dispatchers.get(out.tls), {
        method: call.method,
        url: out.url,
        headers: wireHeaders(out.headers, out.method, sent.payload, sent.json !== undefined),
        body: sent.payload,
        signal,
      });
    } catch (err) {
      const error = this.transportError(err, signal, state, call);
      audit(outcomeOf(error), { errorCode: error.code });
      this.logAttempt(call, out, attempt, attemptStarted, undefined, error);
      throw error;
    }

    const status = res.status;
    span.setAttribute('http.response.status_code', status);
    const answerHeaders = res.headers;
    if (status >= 200 && status < 300) {
      const response: UpstreamResponse<T> = {
        status,
        headers: answerHeaders,
        data: res.data as T,
        attempts: attempt,
        durationMs: Date.now() - callStarted,
      };
      let invalid: UpstreamError | undefined;
      try {
        invalid = call.validateResponse?.(response) ?? undefined;
      } catch (err) {
        invalid =
          err instanceof UpstreamError
            ? err
            : new UpstreamError({
                provider: this.provider,
                kind: 'rejected',
                transient: false,
                httpStatus: status,
                message: `Upstream "${this.provider}" answer to ${call.operation} is not valid: ${this.mask(
                  err instanceof Error ? err.message : String(err),
                  call,
                )}`,
                details: this.sanitize(res.data, call),
                cause: err,
              });
      }
      audit(invalid ? outcomeOf(invalid) : 'success', {
        status,
        responseBody: res.data,
        errorCode: invalid?.code,
      });
      this.logAttempt(call, out, attempt, attemptStarted, status, invalid);
      if (invalid) throw invalid;
      return response;
    }

    const error = this.statusError(status, res.data, answerHeaders, call);
    audit(outcomeOf(error), { status, responseBody: res.data, errorCode: error.code });
    this.logAttempt(call, out, attempt, attemptStarted, status, error);

    if (status === 401 && this.config.auth?.refreshable && !state.reauthenticated) {
      state.reauthenticated = true;
      this.config.auth.invalidate?.(out);
      this.logger.debug(
        { provider: this.provider, operation: call.operation, attempt },
        'upstream answered 401: token dropped, retrying once',
      );
      return REAUTHENTICATE;
    }
    throw error;
  }

  private buildUrl(call: UpstreamRequest<unknown>): string {
    const path = call.path.startsWith('/') ? call.path : `/${call.path}`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) params.append(key, String(value));
    }
    const query = params.toString();
    return `${this.baseUrl}${path}${query ? `?${query}` : ''}`;
  }

  private statusError(
    status: number,
    body: unknown,
    headers: Record<string, string | string[] | undefined>,
    call: UpstreamRequest<unknown>,
  ): UpstreamError {
    const parser = call.errorParser ?? this.config.errorParser ?? defaultErrorParser;
    let parsed: ReturnType<ErrorParser>;
    try {
      parsed = parser(status, body) ?? defaultErrorParser(status, body);
    } catch {
      parsed = defaultErrorParser(status, body);
    }
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    const retryAfterSeconds =
      retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const transient = this.retryable.has(status);
    const rejected = status >= 400 && status < 500 && status !== 408 && status !== 429;
    const upstreamMessage = parsed?.message ? `: ${this.mask(parsed.message, call)}` : '';
    return new UpstreamError({
      provider: this.provider,
      kind: rejected ? 'rejected' : status === 408 ? 'timeout' : 'unavailable',
      transient,
      httpStatus: status,
      code: parsed?.code ? this.mask(parsed.code, call) : undefined,
      correlationId: parsed?.correlationId ? this.mask(parsed.correlationId, call) : undefined,
      retryAfterSeconds,
      details: this.sanitize(body, call),
      message: `Upstream "${this.provider}" ${rejected ? 'rejected' : 'failed'} ${call.operation} (HTTP ${status})${upstreamMessage}`,
    });
  }

  private transportError(
    err: unknown,
    attemptSignal: AbortSignal,
    state: CallState,
    call: UpstreamRequest<unknown>,
  ): UpstreamError {
    if (state.deadlineSignal.aborted) return this.deadlineError(err, call);
    if (attemptSignal.aborted) {
      return new UpstreamError({
        provider: this.provider,
        kind: 'timeout',
        transient: true,
        code: 'TIMEOUT',
        message: `Upstream "${this.provider}" did not answer ${call.operation} within ${call.timeoutMs ?? this.timeoutMs} ms`,
        cause: err,
      });
    }
    const code = networkErrorCode(err);
    if (code === UNDICI_CONNECT_TIMEOUT_CODE) {
      return new UpstreamError({
        provider: this.provider,
        kind: 'timeout',
        transient: true,
        code: 'CONNECT_TIMEOUT',
        message: `Upstream "${this.provider}" could not be reached for ${call.operation}: connect timeout`,
        cause: err,
      });
    }
    return new UpstreamError({
      provider: this.provider,
      kind: 'unavailable',
      transient: true,
      code: code ?? 'NETWORK_ERROR',
      message: `Upstream "${this.provider}" could not be reached for ${call.operation}: ${code ?? 'network error'}`,
      cause: err,
    });
  }

  private deadlineError(cause: unknown, call: UpstreamRequest<unknown>): UpstreamError {
    return new UpstreamError({
      provider: this.provider,
      kind: 'timeout',
      transient: true,
      code: 'DEADLINE_EXCEEDED',
      message: `Upstream "${this.provider}" call ${call.operation} did not complete within its deadline of ${call.deadlineMs ?? this.deadlineMs} ms`,
      cause,
    });
  }

  private authError(err: unknown, signal: AbortSignal, state: CallState): UpstreamError {
    if (err instanceof UpstreamError) return err;
    if (err instanceof TokenAcquisitionError) {
      return new UpstreamError({
        provider: this.provider,
        kind: err.reason === 'timeout' ? 'timeout' : 'unavailable',
        transient: err.transient,
        httpStatus: err.httpStatus,
        code: 'TOKEN_ACQUISITION_FAILED',
        message: this.mask(err.message),
        cause: err,
      });
    }
    if (state.deadlineSignal.aborted || signal.aborted) {
      return new UpstreamError({
        provider: this.provider,
        kind: 'timeout',
        transient: true,
        code: state.deadlineSignal.aborted ? 'DEADLINE_EXCEEDED' : 'TIMEOUT',
        message: `Upstream "${this.provider}": timed out while preparing authentication`,
        cause: err,
      });
    }
    return new UpstreamError({
      provider: this.provider,
      kind: 'unavailable',
      transient: false,
      code: 'AUTH_FAILED',
      message: `Upstream "${this.provider}": authentication could not be prepared: ${this.mask(
        err instanceof Error ? err.message : String(err),
      )}`,
      cause: err,
    });
  }

  /** Maps whatever left the policy into the UpstreamError the caller sees. */
  private finalError(
    err: unknown,
    call: UpstreamRequest<unknown>,
    state: CallState,
  ): UpstreamError {
    if (err instanceof UpstreamError) return err;
    if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
      const isolated = err instanceof IsolatedCircuitError;
      const remainingMs = Math.max(
        0,
        this.openedAt + this.breakerSettings.halfOpenAfterMs - Date.now(),
      );
      const error = new UpstreamError({
        provider: this.provider,
        kind: 'circuit_open',
        transient: true,
        code: 'CIRCUIT_OPEN',
        retryAfterSeconds: isolated ? undefined : Math.max(1, Math.ceil(remainingMs / 1000)),
        message: `Upstream "${this.provider}" is unavailable: circuit ${isolated ? 'isolated' : 'open'}`,
        cause: err,
      });
      this.audit(
        call,
        {
          method: call.method,
          url: this.buildUrl(call),
          headers: { ...call.headers },
          body: call.body,
        },
        state.attempts + 1,
        0,
        'circuit_open',
        { errorCode: error.code },
      );
      return error;
    }
    if (state.deadlineSignal.aborted) return this.deadlineError(err, call);
    return new UpstreamError({
      provider: this.provider,
      kind: 'unavailable',
      transient: false,
      code: 'INTERNAL',
      message: `Upstream "${this.provider}" call ${call.operation} failed: ${this.mask(
        err instanceof Error ? err.message : String(err),
      )}`,
      cause: err,
    });
  }

  /**
   * Literal secret values to mask: the auth strategy's, and the values of secret-named query
   * parameters and headers the caller passed.
   */
  private secrets(call?: UpstreamRequest<unknown>): string[] {
    const out = [...(this.config.auth?.secretValues?.() ?? [])];
    if (!call) return out;
    for (const [key, value] of Object.entries({ ...call.query, ...call.headers })) {
      if (value !== undefined && isSecretKey(key)) out.push(String(value));
    }
    return out;
  }

  private mask(text: string, call?: UpstreamRequest<unknown>): string {
    return maskSecretValues(text, this.secrets(call));
  }

  private sanitize(value: unknown, call?: UpstreamRequest<unknown>): unknown {
    return sanitizeBody(value, this.secrets(call), this.maxAuditBodyBytes);
  }

  private audit(
    call: UpstreamRequest<unknown>,
    out: OutgoingRequest,
    attempt: number,
    durationMs: number,
    outcome: AuditOutcome,
    extra: { status?: number; responseBody?: unknown; errorCode?: string },
    sentJson?: string,
  ): void {
    if (!this.sink) return;
    const secrets = this.secrets(call);
    let entry: OutboundAuditEntry;
    try {
      const headers = redactHeaders(out.headers);
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value === 'string') headers[name] = maskSecretValues(value, secrets);
      }
      entry = {
        requestId: call.context?.requestId,
        // the attempt's span is active here (the circuit-open entry has the caller's)
        traceId: traceIdOf(),
        operationId: call.context?.operationId,
        reference: call.context?.reference,
        provider: this.provider,
        ...(this.config.connection !== undefined ? { connection: this.config.connection } : {}),
        operation: call.operation,
        method: call.method,
        url: maskSecretValues(redactUrl(out.url), secrets),
        status: extra.status,
        durationMs,
        attempt,
        requestHeaders: headers,
        requestBody: sanitizeBody(out.body, secrets, this.maxAuditBodyBytes, sentJson),
        responseBody: sanitizeBody(extra.responseBody, secrets, this.maxAuditBodyBytes),
        errorCode: extra.errorCode,
        outcome,
        at: new Date(),
      };
    } catch (err) {
      this.logger.error(
        { provider: this.provider, operation: call.operation, err: this.mask(String(err)) },
        'could not build the outbound audit entry',
      );
      return;
    }
    const onSinkError = (err: unknown): void =>
      this.logger.error(
        {
          provider: this.provider,
          operation: call.operation,
          err: this.mask(err instanceof Error ? err.message : String(err)),
        },
        'outbound audit sink failed',
      );
    try {
      const pending = this.sink.record(entry);
      if (pending && typeof pending.then === 'function') pending.then(undefined, onSinkError);
    } catch (err) {
      onSinkError(err);
    }
  }

  private logAttempt(
    call: UpstreamRequest<unknown>,
    out: OutgoingRequest,
    attempt: number,
    started: number,
    status: number | undefined,
    error: UpstreamError | undefined,
  ): void {
    const fields = {
      provider: this.provider,
      operation: call.operation,
      method: call.method,
      url: this.mask(redactUrl(out.url), call),
      status,
      attempt,
      durationMs: Date.now() - started,
      requestId: call.context?.requestId,
      operationId: call.context?.operationId,
      errorCode: error?.code,
      kind: error?.kind,
    };
    if (!error) this.logger.debug(fields, 'upstream call');
    else this.logger.warn({ ...fields, message: error.message }, 'upstream call failed');
  }
}

/** Returned by an attempt refused with 401 whose token was dropped: send once more. */
const REAUTHENTICATE = Symbol('reauthenticate');

function spanErrorOf(err: unknown): { type?: string; message?: string } {
  if (err instanceof UpstreamError) return { type: err.code ?? err.kind, message: err.message };
  return { type: 'INTERNAL', message: 'upstream attempt failed' };
}

function outcomeOf(error: UpstreamError): AuditOutcome {
  switch (error.kind) {
    case 'rejected':
      return 'rejected';
    case 'timeout':
      return 'timeout';
    case 'circuit_open':
      return 'circuit_open';
    case 'unavailable':
      return 'transient_error';
  }
}

/**
 * Transport failures, timeouts and 5xx answers count against the circuit; 4xx never do. A 429
 * (from the API or its token endpoint) is the upstream pacing us, not an outage: it is retried
 * after its Retry-After and left out of the breaker's window altogether (neither a failure nor
 * a success), so it can neither open the circuit nor dilute real failures.
 */
function countsForBreaker(error: UpstreamError): boolean {
  if (error.httpStatus === 429) return false;
  if (error.kind === 'circuit_open' || error.code === 'DEADLINE_EXCEEDED') return false;
  if (error.code === 'TOKEN_ACQUISITION_FAILED') return error.transient;
  if (error.httpStatus === undefined) return error.transient;
  return error.httpStatus >= 500 || error.transient;
}

function stateName(state: CircuitState): CircuitStateName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Isolated:
      return 'isolated';
  }
}

/**
 * The body for the wire, as axios encoded it: a string or Buffer as is, anything else as JSON
 * (serialized here once; `json` is that text, for the audit entry).
 */
function encodeBody(out: OutgoingRequest): { payload?: string | Buffer; json?: string } {
  const body = out.body;
  if (body === undefined || body === null) return {};
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { payload: body };
  const json = JSON.stringify(body);
  return { payload: json, json };
}

/**
 * The request headers with axios's defaults where the caller set none: `Accept`, and the
 * content type of the body (`application/json` for JSON, a form for another body sent by
 * POST, PUT or PATCH).
 */
function wireHeaders(
  headers: Record<string, string>,
  method: string,
  payload: string | Buffer | undefined,
  json: boolean,
): Record<string, string> {
  let accept = false;
  let typed = false;
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'accept') accept = true;
    else if (lower === 'content-type') typed = true;
  }
  const contentType =
    payload === undefined || typed
      ? undefined
      : json
        ? 'application/json'
        : BODY_METHODS.has(method.toUpperCase())
          ? 'application/x-www-form-urlencoded'
          : undefined;
  if (accept && !contentType) return headers;
  return {
    ...headers,
    ...(accept ? {} : { accept: DEFAULT_ACCEPT }),
    ...(contentType ? { 'content-type': contentType } : {}),
  };
}
