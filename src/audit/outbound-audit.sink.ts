import { Injectable } from '@nestjs/common';
import type { OutboundAuditEntry, UpstreamAuditSink } from '@lib/upstream-http';
import { MetricsService } from '../metrics/metrics.service';
import { AuditWriter } from './audit-writer.service';

/** Receives libs/upstream-http's outbound attempts: one audit row and one metric sample each. */
@Injectable()
export class OutboundAuditSink implements UpstreamAuditSink {
  constructor(
    private readonly writer: AuditWriter,
    private readonly metrics: MetricsService,
  ) {}

  record(entry: OutboundAuditEntry): void {
    this.metrics.recordUpstreamAttempt(entry);
    this.writer.record({
      at: entry.at,
      requestId: entry.requestId,
      direction: 'outbound',
      provider: entry.provider,
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
}
