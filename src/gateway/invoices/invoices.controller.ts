import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { uuidParam } from '../problem/validation';
import { Auth } from '../../common/http/auth.decorators';
import { CallerOf, OperationRoute } from '../idempotency/operation-call';
import { ApiProblems } from '../../common/http/api-problems';
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
  @ApiOperation({
    operationId: 'createInvoice',
    summary: 'Create an invoice (dms, delivery-solutions)',
  })
  @OperationRoute()
  @ApiBody({ type: CreateInvoiceDto, examples: INVOICE_EXAMPLES })
  @ApiCreatedResponse({ type: InvoiceDto, description: 'Created' })
  @ApiOkResponse({
    type: InvoiceDto,
    description: 'The same invoice existed already (same provider, reference and content)',
  })
  @ApiProblems(
    400,
    409,
    'idempotency_key_in_flight',
    413,
    415,
    'upstream_rejected',
    'business_rule_violated',
    'unsupported_operation',
    'unknown_connection',
    'idempotency_key_reused',
    502,
    503,
    504,
  )
  create(@CallerOf() caller: Caller, @Body() dto: CreateInvoiceDto): Promise<RunOutcome> {
    return this.invoices.create(caller, dto);
  }

  @Patch(':id')
  @Auth('invoices:write')
  @ApiOperation({
    operationId: 'updateInvoice',
    summary: 'Update an invoice (delivery-solutions; dms answers 422 unsupported_operation)',
  })
  @OperationRoute()
  @ApiOkResponse({ type: InvoiceDto, description: 'The invoice as updated' })
  @ApiProblems(
    400,
    404,
    'idempotency_key_in_flight',
    413,
    415,
    'unsupported_operation',
    'unknown_connection',
    'upstream_rejected',
    'business_rule_violated',
    'idempotency_key_reused',
    502,
    503,
    504,
  )
  update(
    @CallerOf() caller: Caller,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateInvoiceDto,
  ): Promise<RunOutcome> {
    return this.invoices.update(caller, id, dto);
  }

  @Get(':id')
  @Auth('invoices:write')
  @ApiOperation({ operationId: 'getInvoice', summary: "An invoice from the gateway's ledger" })
  @ApiOkResponse({ type: InvoiceDto, description: 'The invoice' })
  @ApiProblems(400, 404)
  get(@Param('id', uuidParam()) id: string): Promise<InvoiceDto> {
    return this.invoices.get(id);
  }

  @Get()
  @Auth('invoices:write')
  @ApiOperation({
    operationId: 'listInvoices',
    summary: 'Invoices by provider and reference, newest first',
  })
  @ApiOkResponse({ type: InvoiceListDto, description: 'The matching invoices' })
  @ApiProblems(400)
  async list(@Query() query: InvoiceListQueryDto): Promise<InvoiceListDto> {
    return { items: await this.invoices.list(query) };
  }
}
