import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import {
  AuditLogRepository,
  type AuditFilters,
  type ListedAuditRow,
} from '../database/repositories/audit-log.repository';
import { ProblemException } from '../problem/problem';
import type { ChainBreak, ChainedContent } from './chain/audit-chain';

/** Filters of an audit query and its export (validated by the HTTP layer). */
export type AuditLogFilter = AuditFilters;

export interface AuditLogQuery extends AuditLogFilter {
  limit?: number;
  cursor?: string;
}

/**
 * One audit row as the API shows it: its stored content (`at` in milliseconds, ISO-8601) and
 * its chain fields (null on rows written before the chain existed).
 */
export type AuditLogView = Omit<
  ChainedContent,
  'chainId' | 'seq' | 'prevHash' | 'followsChainId' | 'followsSeq' | 'traceId' | 'connection'
> & {
  id: string;
  traceId: string | null;
  connection: string | null;
  chainId: string | null;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
};

/** Each chain's newest row, and the last walk of the chains (GET /v1/audit-logs/verify, audit:verify). */
export interface AuditHead {
  heads: { chainId: string; seq: number; hash: string; at: string }[];
  lastVerification: {
    at: string;
    from: string | null;
    to: string | null;
    ok: boolean;
    chains: number;
    rows: number;
    breaks: number;
    firstBreak?: ChainBreak;
  } | null;
}

export interface AuditLogPage {
  items: AuditLogView[];
  nextCursor: string | null;
}

const EXPORT_PAGE = 250;

/** Newest first; the cursor is the id of the last row of the previous page. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repo: AuditLogRepository) {}

  /** Each chain's newest row and the last recorded walk of the chains. */
  async head(): Promise<AuditHead> {
    const [heads, last] = await Promise.all([this.repo.heads(), this.repo.lastVerification()]);
    return {
      heads,
      lastVerification: last
        ? {
            at: last.at.toISOString(),
            from: last.from?.toISOString() ?? null,
            to: last.to?.toISOString() ?? null,
            ok: last.ok,
            chains: last.chains,
            rows: last.rows,
            breaks: last.breaks,
            ...(last.firstBreak ? { firstBreak: last.firstBreak as ChainBreak } : {}),
          }
        : null,
    };
  }

  async find(query: AuditLogQuery): Promise<AuditLogPage> {
    const limit = query.limit ?? 50;
    const rows = await this.repo.filteredPage(query, {
      order: 'desc',
      cursor: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toDto),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /**
   * exportLines as a stream, opened once the first page was read: a database that fails at
   * once is an ordinary error answer, not a 200 with an empty body.
   */
  async openExport(filters: AuditLogFilter): Promise<Readable> {
    const lines = this.exportLines(filters);
    const first = await lines.next();
    return Readable.from(
      (async function* () {
        if (first.done) return;
        yield first.value;
        yield* lines;
      })(),
      { objectMode: false },
    );
  }

  /**
   * The filtered rows, oldest first, one JSON line each, with their chain fields and `at` in
   * the stored microseconds: what verify-export.ts checks offline.
   */
  async *exportLines(filters: AuditLogFilter): AsyncGenerator<string> {
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.repo.filteredPage(filters, {
        order: 'asc',
        cursor,
        limit: EXPORT_PAGE,
      });
      for (const row of rows) yield `${JSON.stringify(exportRecord(row))}\n`;
      if (rows.length < EXPORT_PAGE) return;
      cursor = rows[rows.length - 1].id;
    }
  }
}

/** One export line: every stored column, chain fields first. */
function exportRecord(row: ListedAuditRow): Record<string, unknown> {
  const { id, chainId, seq, prevHash, hash, followsChainId, followsSeq, ...content } = row;
  return { id, chainId, seq, prevHash, hash, followsChainId, followsSeq, ...content };
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

function toDto(row: ListedAuditRow): AuditLogView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    requestId: row.requestId,
    traceId: row.traceId ?? null,
    connection: row.connection ?? null,
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
    chainId: row.chainId,
    seq: row.seq,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
