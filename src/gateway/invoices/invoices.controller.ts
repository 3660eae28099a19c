import { Body, Controller, Get, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
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
import {
  CreateInvoiceDto,
  InvoiceDto,
  InvoiceListDto,
  InvoiceListQueryDto,
  UpdateInvoiceDto,
} from './invoice.dto';
import { InvoicesService } from './invoices.service';
import { toInvoiceDto } from './invoice-ledger';
import { IDEMPOTENCY_HEADER, INVOICE_EXAMPLES } from '../swagger-examples';

@ApiTags('invoices')
@Controller('v1/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Post()
  @Auth('invoices:write')
  @ApiOperation({ summary: 'Create an invoice (dms, delivery-solutions)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: CreateInvoiceDto, examples: INVOICE_EXAMPLES })
  @ApiCreatedResponse({ type: InvoiceDto, description: 'Created' })
  @ApiOkResponse({
    type: InvoiceDto,
    description: 'The same invoice existed already (same provider, reference and content)',
  })
  @ApiConflictResponse({
    type: ProblemDetails,
    description: 'Same provider and reference with other content',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDetails,
    description: 'upstream_rejected, unsupported_operation, idempotency_key_reused',
  })
  async create(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: CreateInvoiceDto,
  ) {
    return respond(reply, await this.invoices.create(req, dto));
  }

  @Patch(':id')
  @Auth('invoices:write')
  @ApiOperation({
    summary: 'Update an invoice (delivery-solutions; dms answers 422 unsupported_operation)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  async update(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateInvoiceDto,
  ) {
    return respond(reply, await this.invoices.update(req, id, dto));
  }

  @Get(':id')
  @Auth('invoices:write')
  @ApiOperation({ summary: "An invoice from the gateway's ledger" })
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  async get(@Param('id', uuidParam()) id: string): Promise<InvoiceDto> {
    return toInvoiceDto(await this.invoices.get(id));
  }

  @Get()
  @Auth('invoices:write')
  @ApiOperation({ summary: 'Invoices by provider and reference, newest first' })
  @ApiOkResponse({ type: InvoiceListDto })
  async list(@Query() query: InvoiceListQueryDto): Promise<InvoiceListDto> {
    return { items: await this.invoices.list(query) };
  }
}
