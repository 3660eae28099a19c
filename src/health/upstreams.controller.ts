import { Controller, Get, HttpStatus, Inject, Param, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/http/api-problems';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/http/auth.decorators';
import { ProblemException } from '../problem/problem';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../providers/provider-ids';
import { ProviderHealth } from '../providers/provider-health';
import type { ProbeResult } from '../providers/provider.contract';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../providers/provider-registry';
import { ConnectionRegistry } from '../connections/connection-registry';
import { OneUpstreamHealthDto, UpstreamHealthDto, UpstreamsHealthDto } from './health.dto';

interface UpstreamHealth {
  status: 'up' | 'down';
  mode: string;
  reachable: boolean;
  latencyMs: number;
  circuit: string;
  error?: string;
  checkedAt: string;
}

/**
 * Informational upstream health (never part of liveness or readiness): 503 when a live
 * provider is unreachable or its circuit is open. Mock providers are reported, not judged.
 */
@ApiTags('health')
@ApiExtraModels(UpstreamHealthDto, OneUpstreamHealthDto)
@Public()
@Controller('health/upstreams')
export class UpstreamsHealthController {
  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly health: ProviderHealth,
    private readonly connections: ConnectionRegistry,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getUpstreamsHealth',
    summary: 'Every provider: mode, reachability, latency, circuit state',
  })
  @ApiOkResponse({ type: UpstreamsHealthDto, description: 'No live provider is down' })
  @ApiServiceUnavailableResponse({
    type: UpstreamsHealthDto,
    description: 'A live provider is unreachable or its circuit is open',
  })
  async all(@Res({ passthrough: true }) reply: FastifyReply) {
    const entries = await Promise.all(
      this.registry.all().map(async (p) => [p.id, await this.check(p.id)] as const),
    );
    const upstreams = Object.fromEntries(entries) as Record<ProviderId, UpstreamHealth>;
    const down = entries.some(([, h]) => h.status === 'down' && h.mode === 'live');
    if (down) void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: down ? 'error' : 'ok',
      upstreams,
      connections: await this.byConnection(upstreams),
    };
  }

  /** Every usable connection: the env ones as above, each stored one probed on its own instance. */
  private async byConnection(
    upstreams: Record<ProviderId, UpstreamHealth>,
  ): Promise<Record<string, UpstreamHealth & { provider: string }>> {
    const entries = await Promise.all(
      this.connections
        .list()
        .filter((c) => c.instance)
        .map(async (c) => {
          if (c.source === 'env')
            return [c.name, { provider: c.provider, ...upstreams[c.provider] }] as const;
          const instance = c.instance!;
          const probe = await instance.ping().catch(
            (error: unknown): ProbeResult => ({
              reachable: false,
              latencyMs: 0,
              error: error instanceof Error ? error.message : 'probe failed',
              checkedAt: new Date().toISOString(),
            }),
          );
          const circuit = instance.circuitState();
          return [
            c.name,
            {
              provider: c.provider,
              status: probe.reachable && circuit !== 'open' ? 'up' : 'down',
              mode: instance.mode,
              reachable: probe.reachable,
              latencyMs: probe.latencyMs,
              circuit,
              ...(probe.error ? { error: probe.error } : {}),
              checkedAt: probe.checkedAt,
            } satisfies UpstreamHealth & { provider: string },
          ] as const;
        }),
    );
    return Object.fromEntries(entries);
  }

  @Get(':provider')
  @ApiOperation({
    operationId: 'getUpstreamHealth',
    summary: 'One provider: mode, reachability, latency, circuit state',
  })
  @ApiParam({ name: 'provider', enum: PROVIDER_IDS })
  @ApiOkResponse({ type: OneUpstreamHealthDto, description: 'Up, or a mock provider' })
  @ApiServiceUnavailableResponse({
    type: OneUpstreamHealthDto,
    description: 'A live provider that is unreachable or whose circuit is open',
  })
  @ApiProblems(404)
  async one(@Param('provider') provider: string, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!isProviderId(provider)) {
      throw new ProblemException('not_found', {
        detail: `No provider ${provider}; known: ${PROVIDER_IDS.join(', ')}`,
      });
    }
    const health = await this.check(provider);
    if (health.status === 'down' && health.mode === 'live')
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { provider, ...health };
  }

  private async check(id: ProviderId): Promise<UpstreamHealth> {
    const probe = await this.health.probe(id);
    const status = this.health.status(id);
    return {
      status: probe.reachable && status.circuit !== 'open' ? 'up' : 'down',
      mode: status.mode,
      reachable: probe.reachable,
      latencyMs: probe.latencyMs,
      circuit: status.circuit,
      ...(probe.error ? { error: probe.error } : {}),
      checkedAt: probe.checkedAt,
    };
  }
}
