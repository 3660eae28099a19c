import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, Public } from '../../common/http/auth.decorators';
import { ApiProblems } from '../../common/http/api-problems';
import { contextOf } from '../../common/http/request-context';
import { InboundWebhooksService } from '../../events/inbound-webhooks.service';
import {
  DmsStatusWebhookDto,
  InboundListDto,
  InboundListQueryDto,
  InboundWebhookDto,
} from './inbound.dto';

const DMS_EXAMPLES = {
  invoice: {
    summary: 'An invoice approved',
    value: {
      event: 'invoice.status_changed',
      e_invoice_number: 'EINV-2025-001234',
      status: 'APPROVED',
      status_date: '2026-01-06T09:15:00Z',
      remarks: 'Approved by finance',
    },
  },
  creditNote: {
    summary: 'A credit note cancelled',
    value: { credit_note_number: 'CN-2025-001234', status: 'CANCELLED' },
  },
};

/** Webhooks upstreams send the gateway (docs/webhooks.md#inbound-dms-status-webhooks). */
@ApiTags('inbound')
@Controller('v1/inbound')
export class InboundController {
  constructor(private readonly inbound: InboundWebhooksService) {}

  @Post('dms/:connection')
  @Public()
  @ApiOperation({
    operationId: 'receiveDmsWebhook',
    summary:
      "A DMS status webhook: authenticated by the connection's webhook secret (Standard Webhooks headers, or X-DMS-Signature), matched to an invoice or credit note; 200 when applied (or a repeat), 202 when kept unmatched",
  })
  @ApiHeader({ name: 'webhook-id', required: false, description: 'Standard Webhooks' })
  @ApiHeader({ name: 'webhook-timestamp', required: false, description: 'unix seconds' })
  @ApiHeader({ name: 'webhook-signature', required: false, description: 'v1,<base64>' })
  @ApiHeader({
    name: 'X-DMS-Signature',
    required: false,
    description: 'sha256=<hex HMAC-SHA256(secret, raw body)>, when no Standard Webhooks headers',
  })
  @ApiBody({ type: DmsStatusWebhookDto, examples: DMS_EXAMPLES })
  @ApiOkResponse({ type: InboundWebhookDto, description: 'Applied to the document, or a repeat' })
  @ApiAcceptedResponse({
    type: InboundWebhookDto,
    description: 'Kept unmatched (no such document)',
  })
  @ApiProblems(400, 401, 404, 413, 415)
  async receiveDms(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('connection') connection: string,
    @Body() body: unknown,
  ): Promise<InboundWebhookDto> {
    const ctx = contextOf(request);
    ctx.provider = 'dms';
    ctx.operation = 'inbound.dms';
    const view = await this.inbound.receiveDms(
      connection,
      request.headers,
      request.rawBody ?? '',
      body,
    );
    ctx.reference =
      view.identifiers.eInvoiceNumber ??
      view.identifiers.creditNoteNumber ??
      view.identifiers.dmsNumber;
    void reply.status(view.matched ? 200 : 202);
    return view;
  }

  @Get()
  @Auth('admin')
  @ApiOperation({
    operationId: 'listInboundWebhooks',
    summary:
      'Inbound webhooks received (every connection: scope admin), newest first; matched=false lists those kept unmatched',
  })
  @ApiOkResponse({ type: InboundListDto, description: 'A page of inbound webhooks' })
  @ApiProblems(400)
  list(@Query() query: InboundListQueryDto): Promise<InboundListDto> {
    return this.inbound.list(query);
  }
}
