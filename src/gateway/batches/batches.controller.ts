import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth } from '../auth/auth.decorators';
import { respond } from '../idempotency/respond';
import {
  CREDIT_MEMO_STATUS_EXAMPLES,
  IDEMPOTENCY_HEADER,
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

const BATCH_ANSWER =
  'The upstream processed the batch; each item is accepted or rejected (items failing documented rules are rejected without being sent)';

@ApiTags('statuses and remittances')
@Controller('v1')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post('invoice-status-updates')
  @HttpCode(200)
  @Auth('statuses:write')
  @ApiOperation({ summary: 'Post a batch of invoice statuses (gep-smart)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: InvoiceStatusBatchDto, examples: INVOICE_STATUS_EXAMPLES })
  @ApiOkResponse({ type: BatchResultDto, description: BATCH_ANSWER })
  async invoiceStatuses(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: InvoiceStatusBatchDto,
  ) {
    return respond(
      reply,
      await this.batches.postInvoiceStatuses(req, dto.provider, dto.updates, dto),
    );
  }

  @Post('credit-memo-status-updates')
  @HttpCode(200)
  @Auth('statuses:write')
  @ApiOperation({
    summary: 'Post a batch of credit-memo statuses (gep-smart); the gateway adds the header block',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: CreditMemoStatusBatchDto, examples: CREDIT_MEMO_STATUS_EXAMPLES })
  @ApiOkResponse({ type: BatchResultDto, description: BATCH_ANSWER })
  async creditMemoStatuses(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: CreditMemoStatusBatchDto,
  ) {
    return respond(
      reply,
      await this.batches.postCreditMemoStatuses(req, dto.provider, dto.updates, dto),
    );
  }

  @Post('remittances')
  @HttpCode(200)
  @Auth('remittances:write')
  @ApiOperation({ summary: 'Post a batch of payment remittances (gep-quantum)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ type: RemittanceBatchDto, examples: REMITTANCE_EXAMPLES })
  @ApiOkResponse({ type: BatchResultDto, description: BATCH_ANSWER })
  async remittances(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() dto: RemittanceBatchDto,
  ) {
    return respond(
      reply,
      await this.batches.postRemittances(req, dto.provider, dto.remittances, dto),
    );
  }
}
