import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  ExecutionContext,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth } from '../../common/http/auth.decorators';
import { ApiProblems } from '../../common/http/api-problems';
import { contextOf } from '../../common/http/request-context';
import {
  type EndpointOwner,
  WebhookEndpointsService,
} from '../../events/webhook-endpoints.service';
import { validationProblem } from '../../problem/problem';
import {
  CreateWebhookEndpointDto,
  DeliveryListQueryDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './events.dto';
import type { PipeTransform } from '@nestjs/common';

/** The calling client, and whether it holds `admin` (it manages and receives every client's). */
const Owner = createParamDecorator((_data: unknown, ctx: ExecutionContext): EndpointOwner => {
  const principal = contextOf(ctx.switchToHttp().getRequest<FastifyRequest>()).principal;
  return {
    clientId: principal?.clientId ?? 'unknown',
    admin: principal !== undefined && (principal.bootstrap || principal.scopes.has('admin')),
  };
});

/** A path id of the given prefix (`ep_`, `dlv_`) and 32 hex digits, else 400 naming it. */
function idParam(name: string, prefix: string): PipeTransform<string, string> {
  const pattern = new RegExp(`^${prefix}[0-9a-f]{32}$`);
  return {
    transform: (value: string) => {
      if (!pattern.test(value)) {
        throw validationProblem([
          { path: name, code: 'invalidId', message: `${name} must be ${prefix} + 32 hex digits` },
        ]);
      }
      return value;
    },
  };
}

const ENDPOINT_ID = idParam('id', 'ep_');
const DELIVERY_ID = idParam('deliveryId', 'dlv_');

const CREATE_EXAMPLES = {
  someTypes: {
    summary: 'Invoices created and dead operations',
    value: {
      url: 'https://erp.example.com/hooks/invoice-gateway',
      eventTypes: ['invoice.created', 'operation.dead'],
      description: 'ERP production listener',
    },
  },
  allTypes: {
    summary: 'Every event type',
    value: { url: 'https://erp.example.com/hooks/all' },
  },
};

const UPDATE_EXAMPLES = {
  disable: { summary: 'Stop deliveries for now', value: { disabled: true } },
  retarget: {
    summary: 'A new URL and types',
    value: { url: 'https://erp.example.com/hooks/v2', eventTypes: ['operation.failed'] },
  },
};

/** Webhook endpoints of the calling client (an admin key manages every client's). */
@ApiTags('webhooks')
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'createWebhookEndpoint',
    summary: 'Subscribe a URL to event types; the answer carries the signing secret, once',
  })
  @ApiBody({ type: CreateWebhookEndpointDto, examples: CREATE_EXAMPLES })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto, description: 'Created' })
  @ApiProblems(400, 413, 415)
  create(
    @Owner() owner: EndpointOwner,
    @Body() dto: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.create(owner, dto);
  }

  @Get()
  @Auth('webhooks:manage')
  @ApiOperation({ operationId: 'listWebhookEndpoints', summary: 'Webhook endpoints' })
  @ApiOkResponse({ type: WebhookEndpointListDto, description: 'The endpoints' })
  list(@Owner() owner: EndpointOwner): Promise<WebhookEndpointListDto> {
    return this.endpoints.list(owner);
  }

  @Get(':id')
  @Auth('webhooks:manage')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'One webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointDto, description: 'The endpoint' })
  @ApiProblems(400, 404)
  get(
    @Owner() owner: EndpointOwner,
    @Param('id', ENDPOINT_ID) id: string,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.get(owner, id);
  }

  @Patch(':id')
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'updateWebhookEndpoint',
    summary: 'Change the URL, event types or description; disable or enable it',
  })
  @ApiBody({ type: UpdateWebhookEndpointDto, examples: UPDATE_EXAMPLES })
  @ApiOkResponse({ type: WebhookEndpointDto, description: 'The endpoint as changed' })
  @ApiProblems(400, 404, 413, 415)
  update(
    @Owner() owner: EndpointOwner,
    @Param('id', ENDPOINT_ID) id: string,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.update(owner, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete the endpoint and its deliveries',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  remove(@Owner() owner: EndpointOwner, @Param('id', ENDPOINT_ID) id: string): Promise<void> {
    return this.endpoints.remove(owner, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'rotateWebhookEndpointSecret',
    summary:
      'A new signing secret, shown once; the previous one keeps signing beside it for 24 hours',
  })
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto, description: 'The new secret' })
  @ApiProblems(400, 404)
  rotate(
    @Owner() owner: EndpointOwner,
    @Param('id', ENDPOINT_ID) id: string,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.rotateSecret(owner, id);
  }

  @Get(':id/deliveries')
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: 'Deliveries to the endpoint, newest first, each with every attempt',
  })
  @ApiOkResponse({ type: WebhookDeliveryListDto, description: 'A page of deliveries' })
  @ApiProblems(400, 404)
  deliveries(
    @Owner() owner: EndpointOwner,
    @Param('id', ENDPOINT_ID) id: string,
    @Query() query: DeliveryListQueryDto,
  ): Promise<WebhookDeliveryListDto> {
    return this.endpoints.deliveries(owner, id, query);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'retryWebhookDelivery',
    summary: 'Send a delivery again now, whatever its state or the retry schedule',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'Due now' })
  @ApiProblems(400, 404)
  retry(
    @Owner() owner: EndpointOwner,
    @Param('id', ENDPOINT_ID) id: string,
    @Param('deliveryId', DELIVERY_ID) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.endpoints.retry(owner, id, deliveryId);
  }

  @Post(':id/test')
  @HttpCode(202)
  @Auth('webhooks:manage')
  @ApiOperation({
    operationId: 'testWebhookEndpoint',
    summary: 'Send a webhook.test event to this endpoint (delivered like any other)',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'The test delivery, due now' })
  @ApiProblems(400, 404)
  test(
    @Owner() owner: EndpointOwner,
    @Param('id', ENDPOINT_ID) id: string,
  ): Promise<WebhookDeliveryDto> {
    return this.endpoints.test(owner, id);
  }
}
