import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { AuditLogEntity } from '../database/entities/audit-log.entity';
import { ProblemException } from '../problem/problem';

/** Filters of an audit query (validated by the HTTP layer). */
export interface AuditLogQuery {
  from?: string;
  to?: string;
  provider?: string;
  operation?: string;
  outcome?: string;
  reference?: string;
  requestId?: string;
  direction?: 'inbound' | 'outbound';
  limit?: number;
  cursor?: string;
}

/** One audit row as the API shows it. */
export interface AuditLogView {
  id: string;
  at: string;
  requestId: string | null;
  clientId: string | null;
  clientName: string | null;
  direction: string;
  provider: string | null;
  operation: string | null;
  method: string;
  path: string;
  status: number | null;
  durationMs: number | null;
  attempt: number | null;
  outcome: string;
  errorCode: string | null;
  operationId: string | null;
  reference: string | null;
  requestBody: unknown;
  responseBody: unknown;
}

export interface AuditLogPage {
  items: AuditLogView[];
  nextCursor: string | null;
}

/** Newest first; the cursor is the id of the last row of the previous page. */
@Injectable()
export class AuditQueryService {
  private readonly repo: Repository<AuditLogEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AuditLogEntity);
  }

  async find(query: AuditLogQuery): Promise<AuditLogPage> {
    const limit = query.limit ?? 50;
    const qb = this.repo.createQueryBuilder('a');
    if (query.from) qb.andWhere('a.at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('a.at < :to', { to: new Date(query.to) });
    if (query.provider) qb.andWhere('a.provider = :provider', { provider: query.provider });
    if (query.operation) qb.andWhere('a.operation = :operation', { operation: query.operation });
    if (query.outcome) qb.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    if (query.reference) qb.andWhere('a.reference = :reference', { reference: query.reference });
    if (query.requestId) qb.andWhere('a.request_id = :requestId', { requestId: query.requestId });
    if (query.direction) qb.andWhere('a.direction = :direction', { direction: query.direction });
    if (query.cursor) qb.andWhere('a.id < :cursor', { cursor: decodeCursor(query.cursor) });
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map(toDto),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }
}

function encodeCursor(id: string): string {
  return Buffer.from(`a:${id}`).toString('base64url');
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^a:(\d{1,19})$/.exec(text);
  if (!match || BigInt(match[1]) > MAX_BIGINT) {
    throw new ProblemException('validation_failed', {
      detail: 'The query has 1 invalid field: cursor',
      errors: [
        {
          path: 'cursor',
          code: 'invalidCursor',
          message: 'cursor must be a nextCursor value from a previous page',
        },
      ],
    });
  }
  return match[1];
}

function toDto(row: AuditLogEntity): AuditLogView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    requestId: row.requestId,
    clientId: row.clientId,
    clientName: row.clientName,
    direction: row.direction,
    provider: row.provider,
    operation: row.operation,
    method: row.method,
    path: row.path,
    status: row.status,
    durationMs: row.durationMs,
    attempt: row.attempt,
    outcome: row.outcome,
    errorCode: row.errorCode,
    operationId: row.operationId,
    reference: row.reference,
    requestBody: row.requestBody,
    responseBody: row.responseBody,
  };
}
