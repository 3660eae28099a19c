import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { redact, redactUrl } from '@lib/upstream-http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AuditLogEntity, AuditDirection } from '../database/entities/audit-log.entity';

export interface AuditEntry {
  at?: Date;
  requestId?: string | null;
  clientId?: string | null;
  clientName?: string | null;
  direction: AuditDirection;
  provider?: string | null;
  operation?: string | null;
  method: string;
  path: string;
  status?: number | null;
  durationMs?: number | null;
  attempt?: number | null;
  outcome: string;
  errorCode?: string | null;
  operationId?: string | null;
  reference?: string | null;
  requestBody?: unknown;
  responseBody?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BATCH = 200;

/**
 * Append-only audit writer. Every entry is redacted here, whoever wrote it. Rows are inserted
 * as soon as possible; entries that arrive while an insert is running are written together in
 * the next one, so a burst costs a few statements instead of one per row.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditWriter');
  private pending: Partial<AuditLogEntity>[] = [];
  private flushing: Promise<void> | undefined;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxBodyBytes = config.audit.maxBodyBytes;
  }

  record(entry: AuditEntry): void {
    this.pending.push(this.toRow(entry));
    this.flushing ??= this.drain();
  }

  /** Resolves when every entry recorded so far is stored. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.insert(batch);
        } catch {
          // one bad row must not cost the others: write them one by one
          for (const row of batch) {
            try {
              await this.insert([row]);
            } catch (error) {
              this.logger.error(
                { err: error, method: row.method, path: row.path, requestId: row.requestId },
                'Could not write an audit row',
              );
            }
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async insert(rows: Partial<AuditLogEntity>[]): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AuditLogEntity)
      .values(rows as QueryDeepPartialEntity<AuditLogEntity>[])
      .execute();
  }

  private toRow(entry: AuditEntry): Partial<AuditLogEntity> {
    return {
      at: entry.at ?? new Date(),
      requestId: entry.requestId ?? null,
      clientId: entry.clientId && UUID.test(entry.clientId) ? entry.clientId : null,
      clientName: entry.clientName ?? null,
      direction: entry.direction,
      provider: entry.provider ?? null,
      operation: entry.operation ?? null,
      method: entry.method.slice(0, 10),
      path: redactUrl(entry.path),
      status: entry.status ?? null,
      durationMs:
        entry.durationMs === undefined || entry.durationMs === null
          ? null
          : Math.round(entry.durationMs),
      attempt: entry.attempt ?? null,
      outcome: entry.outcome,
      errorCode: entry.errorCode?.slice(0, 100) ?? null,
      operationId: entry.operationId && UUID.test(entry.operationId) ? entry.operationId : null,
      reference: entry.reference?.slice(0, 255) ?? null,
      requestBody: this.body(entry.requestBody),
      responseBody: this.body(entry.responseBody),
    };
  }

  /** Redacted, size-bounded copy of a body for a jsonb column. */
  private body(value: unknown): unknown {
    if (value === undefined || value === null || value === '') return null;
    const safe = redact(value);
    let text = JSON.stringify(safe);
    if (text === undefined) return null;
    // jsonb refuses NUL characters (an upstream may send them): keep them visible, escaped
    const nul = text.includes('\\u0000');
    if (nul) text = text.split('\\u0000').join('\\\\u0000');
    if (text.length > this.maxBodyBytes) {
      return { truncated: true, bytes: text.length, preview: text.slice(0, this.maxBodyBytes) };
    }
    return nul ? (JSON.parse(text) as unknown) : safe;
  }
}

/** Outcome of an inbound request, from its status. */
export function inboundOutcome(status: number): string {
  if (status < 400) return 'success';
  if (status < 500) return 'rejected';
  if (status === 504) return 'timeout';
  if (status === 502 || status === 503) return 'unavailable';
  return 'error';
}
