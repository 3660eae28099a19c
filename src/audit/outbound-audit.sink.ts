import { Injectable } from '@nestjs/common';
import type { TokenRequestEvent } from '@lib/auth-strategies';
import { traceIdOf } from '@lib/tracing';
import type { AuditOutcome, OutboundAuditEntry, UpstreamAuditSink } from '@lib/upstream-http';
import { MetricsService } from '../metrics/metrics.service';
import { AuditWriter } from './audit-writer.service';

/** The operation name token requests are audited and counted under. */
export const TOKEN_OPERATION = 'token';

/**
 * Receives libs/upstream-http's outbound attempts, and the auth strategies' token requests:
 * one audit row and one metric sample each.
 */
@Injectable()
export class OutboundAuditSink implements UpstreamAuditSink {
  constructor(
    private readonly writer: AuditWriter,
    private readonly metrics: MetricsService,
  ) {}

  record(entry: OutboundAuditEntry): void {
    // a client of no named connection is the provider's env connection, named after it
    const connection = entry.connection ?? entry.provider;
    this.metrics.recordUpstreamAttempt({ ...entry, connection });
    this.writer.record({
      at: entry.at,
      requestId: entry.requestId,
      traceId: entry.traceId,
      direction: 'outbound',
      provider: entry.provider,
      connection,
      operation: entry.operation,
      method: entry.method,
      path: entry.url,
      status: entry.status,
      durationMs: entry.durationMs,
      attempt: entry.attempt,
      outcome: entry.outcome,
      errorCode: entry.errorCode,
      operationId: entry.operationId,
      reference: entry.reference,
      requestBody: entry.requestBody,
      responseBody: entry.responseBody,
    });
  }

  /**
   * The observer token strategies call after each token request (it carries no secret: the
   * URL is redacted by the writer, and no body is kept).
   */
  tokenRequestObserver(): (event: TokenRequestEvent) => void {
    return (event) => {
      const outcome = tokenOutcome(event);
      const at = new Date(Date.now() - event.durationMs);
      const connection = event.connection ?? event.provider;
      this.metrics.recordUpstreamAttempt({
        provider: event.provider,
        connection,
        operation: TOKEN_OPERATION,
        outcome,
        attempt: 1,
        durationMs: event.durationMs,
      });
      this.writer.record({
        at,
        // observed while the attempt that needed the token is the active span
        traceId: traceIdOf(),
        direction: 'outbound',
        provider: event.provider,
        connection,
        operation: TOKEN_OPERATION,
        method: event.method,
        path: event.url,
        status: event.status ?? null,
        durationMs: event.durationMs,
        attempt: 1,
        outcome,
        errorCode: event.outcome === 'failure' ? 'TOKEN_ACQUISITION_FAILED' : null,
        responseBody: event.error ? { error: event.error } : undefined,
      });
    };
  }
}

/** A failed token request is `rejected` when the token endpoint refused it (4xx). */
function tokenOutcome(event: TokenRequestEvent): AuditOutcome {
  if (event.outcome === 'success') return 'success';
  return event.status !== undefined && event.status >= 400 && event.status < 500
    ? 'rejected'
    : 'transient_error';
}
