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
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { uuidParam } from '../problem/validation';
import { OperationsRepository } from '../../database/repositories/operations.repository';
import { operationView } from '../../operations/operation-view';
import {
  OperationRunner,
  type Caller,
  type OperationAnswer,
} from '../../operations/operation-runner';
import { Auth } from '../auth/auth.decorators';
import { contextOf } from '../context/request-context';
import { CallerOf, OperationRoute } from '../idempotency/operation-call';
import { validationProblem } from '../../problem/problem';
import { ProblemDetails, ProblemException } from '../problem/problem';
import { RESOLVE_EXAMPLES } from '../swagger-examples';
import {
  OperationDto,
  OperationListDto,
  OperationListQueryDto,
  ResolveOperationDto,
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
    private readonly operations: OperationsRepository,
    private readonly runner: OperationRunner,
  ) {}

  @Get(':id')
  @Auth('operations:read')
  @ApiOperation({
    summary: 'One operation: status, attempts, history, last error, result, callback, links',
  })
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
    return operationView(row);
  }

  @Get()
  @Auth('operations:read')
  @ApiOperation({
    summary:
      'Operations, newest first, filtered by status, kind, provider, reference; cursor paging',
  })
  @ApiOkResponse({ type: OperationListDto })
  async list(
    @VisibleClient() clientId: string | undefined,
    @Query() query: OperationListQueryDto,
  ): Promise<OperationListDto> {
    const limit = query.limit ?? 50;
    const rows = await this.operations.list({
      clientId,
      status: query.status,
      kind: query.kind,
      provider: query.provider,
      reference: query.reference,
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

  @Post(':id/replay')
  @Auth('operations:replay')
  @ApiOperation({
    summary:
      'Queue a failed or dead operation again (a new attempt series; history kept; a batch re-sends only unsettled items)',
  })
  @OperationRoute({ respondAsync: false })
  @ApiAcceptedResponse({ type: OperationDto, description: 'Queued again' })
  @ApiNotFoundResponse({ type: ProblemDetails })
  @ApiConflictResponse({ type: ProblemDetails, description: 'The operation is not failed or dead' })
  replay(
    @CallerOf() caller: Caller,
    @VisibleClient() clientId: string | undefined,
    @Param('id', uuidParam()) id: string,
  ): Promise<OperationAnswer> {
    return this.runner.replayOperation(caller, id, clientId);
  }

  @Post(':id/resolve')
  @Auth('operations:replay')
  @ApiOperation({
    summary:
      'Record the outcome of a failed or dead create settled outside the gateway: the ledger row is written with the given identifiers, the operation ends succeeded',
  })
  @OperationRoute({ respondAsync: false })
  @ApiBody({ type: ResolveOperationDto, examples: RESOLVE_EXAMPLES })
  @ApiOkResponse({ type: OperationDto, description: 'Resolved: succeeded, with resolution' })
  @ApiNotFoundResponse({ type: ProblemDetails })
  @ApiConflictResponse({
    type: ProblemDetails,
    description: 'Not failed or dead, or the ledger already holds the document',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDetails,
    description: 'Not a create (unsupported_operation)',
  })
  resolve(
    @CallerOf() caller: Caller,
    @VisibleClient() clientId: string | undefined,
    @ClientName() by: string,
    @Param('id', uuidParam()) id: string,
    @Body() dto: ResolveOperationDto,
  ): Promise<OperationAnswer> {
    return this.runner.resolveOperation(caller, id, { ...dto, by }, clientId);
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
