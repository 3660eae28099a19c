import {
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  Param,
  Query,
} from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { uuidParam } from '../problem/validation';
import { OperationsRepository } from '../../database/repositories/operations.repository';
import { Auth } from '../auth/auth.decorators';
import { contextOf } from '../context/request-context';
import { ProblemDetails, ProblemException } from '../problem/problem';
import {
  OperationDto,
  OperationListDto,
  OperationListQueryDto,
  toOperationDto,
} from './operation.dto';

/** The client whose operations the caller may see; undefined for admin keys (all). */
const VisibleClient = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined => {
    const principal = contextOf(ctx.switchToHttp().getRequest<FastifyRequest>()).principal;
    return principal && (principal.bootstrap || principal.scopes.has('admin'))
      ? undefined
      : principal?.clientId;
  },
);

/** Operations of the calling client (an admin key sees every client's). */
@ApiTags('operations')
@Controller('v1/operations')
export class OperationsController {
  constructor(private readonly operations: OperationsRepository) {}

  @Get(':id')
  @Auth('operations:read')
  @ApiOperation({ summary: 'One operation: status, attempts, timings, last error, result' })
  @ApiOkResponse({ type: OperationDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  async get(
    @VisibleClient() clientId: string | undefined,
    @Param('id', uuidParam()) id: string,
  ): Promise<OperationDto> {
    const row = await this.operations.findById(id);
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
    @VisibleClient() clientId: string | undefined,
    @Query() query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    const rows = await this.operations.list({
      clientId,
      status: query.status,
      limit: query.limit ?? 50,
    });
    return { items: rows.map(toOperationDto) };
  }
}
