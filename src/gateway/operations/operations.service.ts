import { Injectable } from '@nestjs/common';
import { OperationsRepository } from '../../database/repositories/operations.repository';
import { ProblemException } from '../../problem/problem';
import {
  type OperationDto,
  type OperationListDto,
  type OperationListQueryDto,
  toOperationDto,
} from './operation.dto';

/** Operations as their client sees them; `clientId` undefined sees every client's (admin). */
@Injectable()
export class OperationsService {
  constructor(private readonly operations: OperationsRepository) {}

  async get(clientId: string | undefined, id: string): Promise<OperationDto> {
    const row = await this.operations.findById(id);
    if (!row || (clientId && row.clientId !== clientId)) {
      throw new ProblemException('not_found', { detail: `No operation ${id}` });
    }
    return toOperationDto(row);
  }

  async list(
    clientId: string | undefined,
    query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    const rows = await this.operations.list({
      clientId,
      status: query.status,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(toOperationDto) };
  }
}
