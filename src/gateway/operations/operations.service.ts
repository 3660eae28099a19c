import { Injectable } from '@nestjs/common';
import { OperationQueueRepository } from '../../database/repositories/operation-queue.repository';
import { operationView } from '../../operations/operation-view';
import { ProblemException } from '../../problem/problem';
import { decodeCursor, keysetPage } from '../paging/keyset-cursor';
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
      before: query.cursor ? createdBefore(decodeCursor('o', query.cursor)) : undefined,
    });
    return keysetPage(rows, limit, operationView, { tag: 'o', at: (row) => row.createdAt });
  }
}

const createdBefore = ({ at, id }: { at: Date; id: string }) => ({ createdAt: at, id });
