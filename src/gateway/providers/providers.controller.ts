import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { CAPABILITIES } from '../../providers/provider.contract';
import { PROVIDER_IDS } from '../../providers/provider-ids';
import { ProviderHealth } from '../../providers/provider-health';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../../providers/provider-registry';
import { Auth } from '../../common/http/auth.decorators';
import { nullableRef } from '../openapi/nullable-ref';

class ProbeDto {
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ example: 12 }) latencyMs!: number;
  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:4010' }) error?: string;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
}

@ApiExtraModels(ProbeDto)
class ProviderDto {
  @ApiProperty({ enum: PROVIDER_IDS }) id!: string;
  @ApiProperty({ example: 'Dealer DMS' }) name!: string;
  @ApiProperty({ enum: ['live', 'mock'] }) mode!: string;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: string[];
  @ApiProperty({ enum: ['closed', 'open', 'half-open', 'isolated'] }) circuit!: string;
  @ApiProperty(nullableRef(ProbeDto)) lastHealth!: ProbeDto | null;
}

class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] }) items!: ProviderDto[];
}

@ApiTags('providers')
@Controller('v1/providers')
export class ProvidersController {
  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly health: ProviderHealth,
  ) {}

  @Get()
  @Auth()
  @ApiOperation({
    operationId: 'listProviders',
    summary: 'Each provider: mode (live/mock), capabilities, circuit state, last health probe',
  })
  @ApiOkResponse({ type: ProviderListDto, description: 'Every configured provider' })
  list(): ProviderListDto {
    return { items: this.registry.all().map((p) => this.health.status(p.id)) };
  }
}
