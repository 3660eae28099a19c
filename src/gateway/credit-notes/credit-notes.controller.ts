import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { uuidParam } from '../problem/validation';
import { Auth } from '../auth/auth.decorators';
import { respond } from '../idempotency/respond';
import { ProblemDetails } from '../problem/problem';
import { CREDIT_NOTE_EXAMPLES, IDEMPOTENCY_HEADER } from '../swagger-examples';
import { CreateCreditNoteDto, CreditNoteDto } from './credit-note.dto';
import { CreditNotesService } from './credit-notes.service';

@ApiTags('credit-notes')
@Controller('v1/credit-notes')
export class CreditNotesController {
  constructor(private readonly creditNotes: CreditNotesService) {}

  @Post()
  @Auth('credit-notes:write')
  @ApiOperation({ summary: 'Create a credit note against an invoice (dms)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
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
  async create(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: CreateCreditNoteDto,
  ) {
    return respond(reply, await this.creditNotes.create(req, dto));
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
