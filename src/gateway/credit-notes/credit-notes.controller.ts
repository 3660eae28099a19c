import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Caller, OperationAnswer } from '../../operations/operation-runner';
import { uuidParam } from '../problem/validation';
import { Auth } from '../auth/auth.decorators';
import { CallerOf, OperationRoute } from '../idempotency/operation-call';
import { ProblemDetails } from '../problem/problem';
import { CREDIT_NOTE_EXAMPLES } from '../swagger-examples';
import { CreateCreditNoteDto, CreditNoteDto } from './credit-note.dto';
import { CreditNotesService } from './credit-notes.service';

@ApiTags('credit-notes')
@Controller('v1/credit-notes')
export class CreditNotesController {
  constructor(private readonly creditNotes: CreditNotesService) {}

  @Post()
  @Auth('credit-notes:write')
  @ApiOperation({ summary: 'Create a credit note against an invoice (dms)' })
  @OperationRoute()
  @ApiBody({ type: CreateCreditNoteDto, examples: CREDIT_NOTE_EXAMPLES })
  @ApiCreatedResponse({ type: CreditNoteDto })
  @ApiOkResponse({ type: CreditNoteDto, description: 'The same credit note existed already' })
  @ApiConflictResponse({
    type: ProblemDetails,
    description: 'The invoice has another credit note (CREDIT_NOTE_EXISTS)',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDetails,
    description:
      'business_rule_violated (INVOICE_NOT_FOUND, DEALER_MISMATCH, INVALID_AMOUNT) or upstream_rejected',
  })
  create(@CallerOf() caller: Caller, @Body() dto: CreateCreditNoteDto): Promise<OperationAnswer> {
    return this.creditNotes.create(caller, dto);
  }

  @Get(':id')
  @Auth('credit-notes:write')
  @ApiOperation({ summary: "A credit note from the gateway's ledger" })
  @ApiOkResponse({ type: CreditNoteDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  get(@Param('id', uuidParam()) id: string): Promise<CreditNoteDto> {
    return this.creditNotes.get(id);
  }
}
