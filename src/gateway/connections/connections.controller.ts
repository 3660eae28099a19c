import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems';
import { Auth } from '../../common/http/auth.decorators';
import { type ConnectionView, ConnectionsService } from '../../connections/connections.service';
import {
  ConnectionDto,
  ConnectionListDto,
  ConnectionTestDto,
  CreateConnectionDto,
  UpdateConnectionDto,
} from './connection.dto';

const CREATE_EXAMPLES = {
  dmsUat: {
    summary: 'DMS UAT beside production',
    value: {
      name: 'dms-uat',
      provider: 'dms',
      settings: { baseUrl: 'https://dms-uat.example.com', timeoutMs: 10000 },
      secrets: { apiKey: 'uat-api-key' },
    },
  },
  gepSmartTenant: {
    summary: 'A second GEP SMART tenant (token exchange, shared secret)',
    value: {
      name: 'gep-smart-emea',
      provider: 'gep-smart',
      settings: {
        baseUrl: 'https://smart-emea.example.com',
        tokenUrl: 'https://smart-emea.example.com/token',
        senderIdentity: 'erp-emea',
      },
      secrets: { authKey: 'emea-auth-key', sharedSecret: 'emea-shared-secret' },
    },
  },
  mock: {
    summary: 'A mock connection (its own simulator)',
    value: { name: 'dms-sandbox', provider: 'dms', settings: { mock: true } },
  },
};

const UPDATE_EXAMPLES = {
  rotate: { summary: 'Rotate the API key', value: { secrets: { apiKey: 'rotated-api-key' } } },
  makeDefault: { summary: 'Make it the default of its provider', value: { isDefault: true } },
  enable: { summary: 'Enable it again', value: { enabled: true } },
};

/**
 * Connections (DESIGN section 11): several configured instances of one provider. Scope
 * `connections:manage`. Secrets are never answered; `secretFields` lists which are set.
 */
@ApiTags('connections')
@Controller('v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  @Auth('connections:manage')
  @ApiOperation({
    operationId: 'listConnections',
    summary:
      'Every connection: the environment ones (named after their provider) and the stored ones',
  })
  @ApiOkResponse({ type: ConnectionListDto, description: 'Every connection, no secret' })
  list(): { items: ConnectionView[] } {
    return { items: this.connections.list() };
  }

  @Get(':name')
  @Auth('connections:manage')
  @ApiOperation({ operationId: 'getConnection', summary: 'One connection (no secret)' })
  @ApiOkResponse({ type: ConnectionDto, description: 'The connection' })
  @ApiProblems(404)
  get(@Param('name') name: string): ConnectionView {
    return this.connections.get(name);
  }

  @Post()
  @Auth('connections:manage')
  @ApiOperation({
    operationId: 'createConnection',
    summary: "Add a connection; its settings are checked by the provider's own rules",
  })
  @ApiBody({ type: CreateConnectionDto, examples: CREATE_EXAMPLES })
  @ApiCreatedResponse({
    type: ConnectionDto,
    description: 'Created; live on every replica within CONNECTIONS_REFRESH_MS',
  })
  @ApiProblems(400, 409, 413, 415, 'business_rule_violated')
  create(@Body() dto: CreateConnectionDto): Promise<ConnectionView> {
    return this.connections.create(dto);
  }

  @Patch(':name')
  @Auth('connections:manage')
  @ApiOperation({
    operationId: 'updateConnection',
    summary: 'Change settings, rotate secrets, enable, disable or make default (no restart)',
  })
  @ApiBody({ type: UpdateConnectionDto, examples: UPDATE_EXAMPLES })
  @ApiOkResponse({
    type: ConnectionDto,
    description: 'Changed; calls in flight finish on the old settings',
  })
  @ApiProblems(400, 404, 409, 413, 415, 'business_rule_violated')
  update(@Param('name') name: string, @Body() dto: UpdateConnectionDto): Promise<ConnectionView> {
    return this.connections.update(name, dto);
  }

  @Delete(':name')
  @Auth('connections:manage')
  @ApiOperation({
    operationId: 'disableConnection',
    summary: 'Disable a connection (409 while its operations are queued or running)',
  })
  @ApiOkResponse({ type: ConnectionDto, description: 'Disabled' })
  @ApiProblems(404, 409)
  disable(@Param('name') name: string): Promise<ConnectionView> {
    return this.connections.disable(name);
  }

  @Post(':name/test')
  @HttpCode(200)
  @Auth('connections:manage')
  @ApiOperation({
    operationId: 'testConnection',
    summary: 'Get a token or make the cheapest authenticated call with the connection',
  })
  @ApiOkResponse({ type: ConnectionTestDto, description: 'The upstream accepted the credentials' })
  @ApiProblems(404, 409, 'unsupported_operation', 'upstream_rejected', 502, 503, 504)
  test(@Param('name') name: string): Promise<{ ok: true; latencyMs: number }> {
    return this.connections.test(name);
  }
}
