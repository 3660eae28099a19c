import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { uuidParam } from '../problem/validation';
import { OperationsService } from '../../operations/operations.service';
import { Auth } from '../auth/auth.decorators';
import { contextOf } from '../context/request-context';
import { ProblemDetails, ProblemException } from '../problem/problem';
import {
  OperationDto,
  OperationListDto,
  OperationListQueryDto,
  toOperationDto,
} from './operation.dto';

/** Operations of the calling client (an admin key sees every client's). */
@ApiTags('operations')
@Controller('v1/operations')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get(':id')
  @Auth('operations:read')
  @ApiOperation({ summary: 'One operation: status, attempts, timings, last error, result' })
  @ApiOkResponse({ type: OperationDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  async get(
    @Req() req: FastifyRequest,
    @Param('id', uuidParam()) id: string,
  ): Promise<OperationDto> {
    const row = await this.operations.findById(id);
    const clientId = visibleClient(req);
    if (!row || (clientId && row.clientId !== clientId)) {
      throw new ProblemException('not_found', { detail: `No operation ${id}` });
    }
    return toOperationDto(row);
  }

  @Get()
  @Auth('operations:read')
  @ApiOperation({ summary: 'Operations, newest first, filtered by status' })
  @ApiOkResponse({ type: OperationListDto })
  async list(
    @Req() req: FastifyRequest,
    @Query() query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    const rows = await this.operations.list({
      clientId: visibleClient(req),
      status: query.status,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(toOperationDto) };
  }
}

/** The client whose operations the caller may see; undefined for admin keys (all). */
function visibleClient(req: FastifyRequest): string | undefined {
  const principal = contextOf(req).principal;
  return principal && (principal.bootstrap || principal.scopes.has('admin'))
    ? undefined
    : principal?.clientId;
}
