import { Injectable } from '@nestjs/common';
import { OperationQueueRepository } from '../../database/repositories/operation-queue.repository';
import { operationView } from '../../operations/operation-view';
import { ProblemException, validationProblem } from '../../problem/problem';
import type { OperationDto, OperationListDto, OperationListQueryDto } from './operation.dto';

/** Operations as their client sees them; `clientId` undefined sees every client's (admin). */
@Injectable()
export class OperationsService {
  constructor(private readonly operations: OperationQueueRepository) {}

  async get(clientId: string | undefined, id: string): Promise<OperationDto> {
    const row = await this.operations.findById(id);
    if (!row || (clientId && row.clientId !== clientId)) {
      throw new ProblemException('not_found', { detail: `No operation ${id}` });
    }
    return operationView(row);
  }

  /** Newest first, filtered; the cursor is the (createdAt, id) of the last row of a page. */
  async list(
    clientId: string | undefined,
    query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    const limit = query.limit ?? 50;
    const rows = await this.operations.list({
      clientId,
      status: query.status,
      kind: query.kind,
      provider: query.provider,
      reference: query.reference,
      errorCode: query.errorCode,
      limit,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(operationView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}

const CURSOR = /^o:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z),([0-9a-f-]{36})$/;

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`o:${createdAt.toISOString()},${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const createdAt = match ? new Date(match[1]) : undefined;
  if (!match || !createdAt || Number.isNaN(createdAt.getTime())) {
    throw validationProblem(
      [
        {
          path: 'cursor',
          code: 'invalidCursor',
          message: 'cursor must be a nextCursor value from a previous page',
        },
      ],
      'query',
    );
  }
  return { createdAt, id: match[2] };
}
