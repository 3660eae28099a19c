import { Injectable } from '@nestjs/common';
import type { OutboundAuditEntry, UpstreamAuditSink } from '@lib/upstream-http';
import { AuditWriter } from './audit-writer.service';

/** Receives libs/upstream-http's outbound attempts and stores them as audit rows. */
@Injectable()
export class OutboundAuditSink implements UpstreamAuditSink {
  constructor(private readonly writer: AuditWriter) {}

  record(entry: OutboundAuditEntry): void {
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
