import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { Auth } from '../../common/http/auth.decorators';
import { CallerOf, OperationRoute } from '../idempotency/operation-call';
import { ApiProblems } from '../../common/http/api-problems';
import {
  CREDIT_MEMO_STATUS_EXAMPLES,
  INVOICE_STATUS_EXAMPLES,
  REMITTANCE_EXAMPLES,
} from '../swagger-examples';
import {
  BatchResultDto,
  CreditMemoStatusBatchDto,
  InvoiceStatusBatchDto,
  RemittanceBatchDto,
} from './batch.dto';
import { BatchesService } from './batches.service';

/** What a batch route answers besides 200: the upstream is called once for the whole batch. */
const BatchProblems = () =>
  ApiProblems(
    400,
    'idempotency_key_in_flight',
    413,
    415,
    'unsupported_operation',
    'unknown_connection',
    'upstream_rejected',
    'idempotency_key_reused',
    502,
    503,
    504,
  );

const BATCH_ANSWER =
  'The upstream processed the batch; each item is accepted or rejected (items failing documented rules are rejected without being sent)';

@ApiTags('statuses and remittances')
@Controller('v1')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post('invoice-status-updates')
  @HttpCode(200)
  @Auth('statuses:write')
  @ApiOperation({
    operationId: 'postInvoiceStatuses',
    summary: 'Post a batch of invoice statuses (gep-smart)',
  })
  @OperationRoute()
  @ApiBody({ type: InvoiceStatusBatchDto, examples: INVOICE_STATUS_EXAMPLES })
  @ApiOkResponse({ type: BatchResultDto, description: BATCH_ANSWER })
  @BatchProblems()
  invoiceStatuses(
    @CallerOf() caller: Caller,
    @Body() dto: InvoiceStatusBatchDto,
  ): Promise<RunOutcome> {
    return this.batches.postInvoiceStatuses(caller, dto.provider, dto.updates, dto.connection);
  }

  @Post('credit-memo-status-updates')
  @HttpCode(200)
  @Auth('statuses:write')
  @ApiOperation({
    operationId: 'postCreditMemoStatuses',
    summary: 'Post a batch of credit-memo statuses (gep-smart); the gateway adds the header block',
  })
  @OperationRoute()
  @ApiBody({ type: CreditMemoStatusBatchDto, examples: CREDIT_MEMO_STATUS_EXAMPLES })
  @ApiOkResponse({ type: BatchResultDto, description: BATCH_ANSWER })
  @BatchProblems()
  creditMemoStatuses(
    @CallerOf() caller: Caller,
    @Body() dto: CreditMemoStatusBatchDto,
  ): Promise<RunOutcome> {
    return this.batches.postCreditMemoStatuses(caller, dto.provider, dto.updates, dto.connection);
  }

  @Post('remittances')
  @HttpCode(200)
  @Auth('remittances:write')
  @ApiOperation({
    operationId: 'postRemittances',
    summary: 'Post a batch of payment remittances (gep-quantum)',
  })
  @OperationRoute()
  @ApiBody({ type: RemittanceBatchDto, examples: REMITTANCE_EXAMPLES })
  @ApiOkResponse({ type: BatchResultDto, description: BATCH_ANSWER })
  @BatchProblems()
  remittances(@CallerOf() caller: Caller, @Body() dto: RemittanceBatchDto): Promise<RunOutcome> {
    return this.batches.postRemittances(caller, dto.provider, dto.remittances, dto.connection);
  }
}
