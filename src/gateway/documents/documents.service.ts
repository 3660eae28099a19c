import { Injectable } from '@nestjs/common';
import {
  type DocumentChangeRow,
  type DocumentRow,
  DocumentsRepository,
} from '../../database/repositories/documents.repository';
import { ProblemException } from '../../problem/problem';
import { decodeCursor, keysetPage } from '../paging/keyset-cursor';
import type {
  DocumentChangeDto,
  DocumentDto,
  DocumentListDto,
  DocumentListQueryDto,
  DocumentTimelineDto,
} from './document.dto';

/**
 * Documents as a client sees them: those its operations touched, with its own changes (an admin
 * key, `clientId` undefined, sees all).
 */
@Injectable()
export class DocumentsService {
  constructor(private readonly documents: DocumentsRepository) {}

  /** Most recently changed first; the cursor is the (updatedAt, id) of a page's last row. */
  async list(clientId: string | undefined, query: DocumentListQueryDto): Promise<DocumentListDto> {
    const limit = query.limit ?? 50;
    const rows = await this.documents.list({
      q: query.q,
      provider: query.provider,
      kind: query.kind,
      clientId,
      limit,
      before: query.cursor ? updatedBefore(decodeCursor('d', query.cursor)) : undefined,
    });
    return keysetPage(rows, limit, documentView, { tag: 'd', at: (row) => row.updatedAt });
  }

  async timeline(clientId: string | undefined, id: string): Promise<DocumentTimelineDto> {
    const row = await this.documents.findById(id, clientId);
    if (!row) throw new ProblemException('not_found', { detail: `No document ${id}` });
    const changes = await this.documents.timeline(id, clientId);
    return { document: documentView(row), changes: changes.map(changeView) };
  }
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);

function documentView(row: DocumentRow): DocumentDto {
  return {
    id: row.id,
    connection: row.connection,
    provider: row.provider,
    kind: row.kind,
    key: row.key,
    providerIds: row.providerIds,
    partyCode: row.partyCode,
    lastStatus: row.lastStatus,
    lastStatusAt: iso(row.lastStatusAt),
    paidAt: iso(row.paidAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    links: { self: `/v1/documents/${row.id}`, timeline: `/v1/documents/${row.id}/timeline` },
  };
}

function changeView(row: DocumentChangeRow): DocumentChangeDto {
  return {
    id: row.id,
    at: row.at.toISOString(),
    change: row.change,
    summary: row.summary,
    operationId: row.operationId,
    inboundId: row.inboundId,
    ...(row.operationId ? { operation: `/v1/operations/${row.operationId}` } : {}),
  };
}

const updatedBefore = ({ at, id }: { at: Date; id: string }) => ({ updatedAt: at, id });
