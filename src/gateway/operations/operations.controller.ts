import {
  Body,
  Controller,
  createParamDecorator,
  ExecutionContext,
  Get,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { uuidParam } from '../problem/validation';
import { OperationRunner } from '../../operations/operation-runner';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { Auth } from '../../common/http/auth.decorators';
import { contextOf } from '../../common/http/request-context';
import { CallerOf, OperationRoute } from '../idempotency/operation-call';
import { ApiProblems } from '../../common/http/api-problems';
import { RESOLVE_EXAMPLES } from '../swagger-examples';
import {
  OperationDto,
  OperationListDto,
  OperationListQueryDto,
  ResolveOperationDto,
} from './operation.dto';
import { OperationsService } from './operations.service';

/** The client whose operations the caller may see; undefined for admin keys (all). */
export const VisibleClient = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined => {
    const principal = contextOf(ctx.switchToHttp().getRequest<FastifyRequest>()).principal;
    return principal && (principal.bootstrap || principal.scopes.has('admin'))
      ? undefined
      : principal?.clientId;
  },
);

/** The calling client's name (who resolved an operation). */
const ClientName = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const principal = contextOf(ctx.switchToHttp().getRequest<FastifyRequest>()).principal;
  return principal?.clientName ?? principal?.clientId ?? 'unknown';
});

/** Operations of the calling client (an admin key sees every client's). */
@ApiTags('operations')
@Controller('v1/operations')
export class OperationsController {
  constructor(
    private readonly operations: OperationsService,
    private readonly runner: OperationRunner,
  ) {}

  @Get(':id')
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'getOperation',
    summary: 'One operation: status, attempts, history, last error, result, callback, links',
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
    summary:
      'Operations, newest first, filtered by status, kind, provider, reference; cursor paging',
  })
  @ApiOkResponse({ type: OperationListDto, description: 'A page of operations' })
  @ApiProblems(400)
  list(
    @VisibleClient() clientId: string | undefined,
    @Query() query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    return this.operations.list(clientId, query);
  }

  @Post(':id/replay')
  @Auth('operations:replay')
  @ApiOperation({
    operationId: 'replayOperation',
    summary:
      'Queue a failed or dead operation again (a new attempt series; history kept; a batch re-sends only unsettled items)',
  })
  @OperationRoute({ respondAsync: false })
  @ApiAcceptedResponse({
    type: OperationDto,
    description: 'Queued again',
    headers: { Location: { description: '/v1/operations/{id}', schema: { type: 'string' } } },
  })
  @ApiProblems(400, 404, 409)
  replay(
    // the caller decorator checks the principal and the Idempotency-Key's form
    @CallerOf() _caller: Caller,
    @VisibleClient() clientId: string | undefined,
    @Param('id', uuidParam()) id: string,
  ): Promise<RunOutcome> {
    return this.runner.replayOperation(id, clientId);
  }

  @Post(':id/resolve')
  @Auth('operations:replay')
  @ApiOperation({
    operationId: 'resolveOperation',
    summary:
      'Record the outcome of a failed or dead create settled outside the gateway: the ledger row is written with the given identifiers, the operation ends succeeded',
  })
  @OperationRoute({ respondAsync: false })
  @ApiBody({ type: ResolveOperationDto, examples: RESOLVE_EXAMPLES })
  @ApiOkResponse({ type: OperationDto, description: 'Resolved: succeeded, with resolution' })
  @ApiProblems(400, 404, 409, 413, 415, 'unsupported_operation')
  resolve(
    @CallerOf() _caller: Caller,
    @VisibleClient() clientId: string | undefined,
    @ClientName() by: string,
    @Param('id', uuidParam()) id: string,
    @Body() dto: ResolveOperationDto,
  ): Promise<RunOutcome> {
    return this.runner.resolveOperation(id, { ...dto, by }, clientId);
  }
}
