import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
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
import {
  CreateInvoiceDto,
  InvoiceDto,
  InvoiceListDto,
  InvoiceListQueryDto,
  UpdateInvoiceDto,
} from './invoice.dto';
import { InvoicesService } from './invoices.service';
import { INVOICE_EXAMPLES } from '../swagger-examples';

@ApiTags('invoices')
@Controller('v1/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Post()
  @Auth('invoices:write')
  @ApiOperation({ summary: 'Create an invoice (dms, delivery-solutions)' })
  @OperationRoute()
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
  create(@CallerOf() caller: Caller, @Body() dto: CreateInvoiceDto): Promise<OperationAnswer> {
    return this.invoices.create(caller, dto);
  }

  @Patch(':id')
  @Auth('invoices:write')
  @ApiOperation({
    summary: 'Update an invoice (delivery-solutions; dms answers 422 unsupported_operation)',
  })
  @OperationRoute()
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  update(
    @CallerOf() caller: Caller,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateInvoiceDto,
  ): Promise<OperationAnswer> {
    return this.invoices.update(caller, id, dto);
  }

  @Get(':id')
  @Auth('invoices:write')
  @ApiOperation({ summary: "An invoice from the gateway's ledger" })
  @ApiOkResponse({ type: InvoiceDto })
  @ApiNotFoundResponse({ type: ProblemDetails })
  get(@Param('id', uuidParam()) id: string): Promise<InvoiceDto> {
    return this.invoices.get(id);
  }

  @Get()
  @Auth('invoices:write')
  @ApiOperation({ summary: 'Invoices by provider and reference, newest first' })
  @ApiOkResponse({ type: InvoiceListDto })
  async list(@Query() query: InvoiceListQueryDto): Promise<InvoiceListDto> {
    return { items: await this.invoices.list(query) };
  }
}
