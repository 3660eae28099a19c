import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { uuidParam } from '../problem/validation';
import { Auth } from '../../common/http/auth.decorators';
import { CallerOf, OperationRoute } from '../idempotency/operation-call';
import { ApiProblems } from '../../common/http/api-problems';
import { CREDIT_NOTE_EXAMPLES } from '../swagger-examples';
import { CreateCreditNoteDto, CreditNoteDto } from './credit-note.dto';
import { CreditNotesService } from './credit-notes.service';

@ApiTags('credit-notes')
@Controller('v1/credit-notes')
export class CreditNotesController {
  constructor(private readonly creditNotes: CreditNotesService) {}

  @Post()
  @Auth('credit-notes:write')
  @ApiOperation({
    operationId: 'createCreditNote',
    summary: 'Create a credit note against an invoice (dms)',
  })
  @OperationRoute()
  @ApiBody({ type: CreateCreditNoteDto, examples: CREDIT_NOTE_EXAMPLES })
  @ApiCreatedResponse({ type: CreditNoteDto, description: 'Created' })
  @ApiOkResponse({ type: CreditNoteDto, description: 'The same credit note existed already' })
  @ApiProblems(
    400,
    404,
    409,
    'idempotency_key_in_flight',
    413,
    415,
    'business_rule_violated',
    'upstream_rejected',
    'unsupported_operation',
    'unknown_connection',
    'idempotency_key_reused',
    502,
    503,
    504,
  )
  create(@CallerOf() caller: Caller, @Body() dto: CreateCreditNoteDto): Promise<RunOutcome> {
    return this.creditNotes.create(caller, dto);
  }

  @Get(':id')
  @Auth('credit-notes:write')
  @ApiOperation({
    operationId: 'getCreditNote',
    summary: "A credit note from the gateway's ledger",
  })
  @ApiOkResponse({ type: CreditNoteDto, description: 'The credit note' })
  @ApiProblems(400, 404)
  get(@Param('id', uuidParam()) id: string): Promise<CreditNoteDto> {
    return this.creditNotes.get(id);
  }
}
