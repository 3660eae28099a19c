import {
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  Param,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { uuidParam } from '../problem/validation';
import { Auth } from '../auth/auth.decorators';
import { contextOf } from '../context/request-context';
import { ApiProblems } from '../openapi/api-problems';
import { OperationDto, OperationListDto, OperationListQueryDto } from './operation.dto';
import { OperationsService } from './operations.service';

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
  constructor(private readonly operations: OperationsService) {}

  @Get(':id')
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'getOperation',
    summary: 'One operation: status, attempts, timings, last error, result',
  })
  @ApiOkResponse({ type: OperationDto, description: 'The operation' })
  @ApiProblems(400, 404)
  get(
    @VisibleClient() clientId: string | undefined,
    @Param('id', uuidParam()) id: string,
  ): Promise<OperationDto> {
    return this.operations.get(clientId, id);
  }

  @Get()
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'listOperations',
    summary: 'Operations, newest first, filtered by status',
  })
  @ApiOkResponse({ type: OperationListDto, description: 'The matching operations' })
  @ApiProblems(400)
  list(
    @VisibleClient() clientId: string | undefined,
    @Query() query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    return this.operations.list(clientId, query);
  }
}
