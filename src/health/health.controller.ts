import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Db } from '../database/db';
import { Public } from '../common/http/auth.decorators';
import { DatabaseOutage } from '../metrics/database-outage';
import { DeliveryWorker } from '../operations/delivery-worker';
import { LiveDto, ReadinessDto } from './health.dto';
import { ShutdownState } from '../common/shutdown-state';

const DB_PING_TIMEOUT_MS = 1000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: Db,
    private readonly shutdown: ShutdownState,
    private readonly worker: DeliveryWorker,
    private readonly outage: DatabaseOutage,
  ) {}

  @Get('live')
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness: the process answers. Checks no dependency.',
  })
  @ApiOkResponse({ type: LiveDto, description: 'The process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness: database reachable (1 s), the queue worker polling, and not shutting down',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({
    type: ReadinessDto,
    description: 'Not ready: the checks that are down are in `error`',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run(reply, [
      () =>
        this.shutdown.isShuttingDown
          ? this.indicators.check('lifecycle').down({ message: 'shutting down' })
          : this.indicators.check('lifecycle').up(),
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.db.ping();
            this.outage.available();
          })
          .withTimeout(DB_PING_TIMEOUT_MS),
      () => {
        const status = this.worker.status();
        const details = { ...status };
        // a worker switched off by configuration is not a fault: this process claims nothing
        const working = !status.enabled || status.claiming || this.shutdown.isShuttingDown;
        return status.lastError === undefined && working
          ? this.indicators.check('worker').up(details)
          : this.indicators.check('worker').down(details);
      },
    ]);
  }

  /** Terminus answers failures by throwing; probes get its JSON body with a 503 instead. */
  private async run(
    reply: FastifyReply,
    checks: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      const body = (error as { getResponse?: () => unknown }).getResponse?.();
      if (body && typeof body === 'object' && 'status' in body) {
        void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
        return body as HealthCheckResult;
      }
      throw error;
    }
  }
}
