import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { OperationStatsRepository } from '../../database/repositories/operation-stats.repository';
import { validationProblem } from '../../problem/problem';
import { Auth } from '../../common/http/auth.decorators';
import { ApiProblems } from '../../common/http/api-problems';
import { VisibleClient } from '../operations/operations.controller';
import { MAX_LOOKBACK_MS, operationStats } from './operation-stats';
import { OperationStatsDto, OperationStatsQueryDto } from './stats.dto';

const DEFAULT_LOOKBACK_MS = 24 * 3_600_000;

/** Counts for the console's overview, over the operations the caller may see. */
@ApiTags('operations')
@Controller('v1/stats')
export class StatsController {
  private readonly stats: OperationStatsRepository;

  constructor(dataSource: DataSource) {
    this.stats = new OperationStatsRepository(dataSource);
  }

  @Get('operations')
  @Auth('operations:read')
  @ApiOperation({
    operationId: 'getOperationStats',
    summary:
      'Operations accepted per hour or day by status and provider, queue depth, the oldest due age, and the dead and outcome_uncertain counts',
  })
  @ApiOkResponse({ type: OperationStatsDto, description: 'The counts' })
  @ApiProblems(400)
  async operations(
    @VisibleClient() clientId: string | undefined,
    @Query() query: OperationStatsQueryDto,
  ): Promise<OperationStatsDto> {
    const bucket = query.bucket ?? 'hour';
    const until = new Date();
    const since = query.since
      ? new Date(query.since)
      : new Date(until.getTime() - DEFAULT_LOOKBACK_MS);
    if (since.getTime() > until.getTime()) {
      throw validationProblem(
        [{ path: 'since', code: 'notInFuture', message: 'since must not be in the future' }],
        'query',
      );
    }
    if (until.getTime() - since.getTime() > MAX_LOOKBACK_MS[bucket]) {
      throw validationProblem(
        [
          {
            path: 'since',
            code: 'tooFarBack',
            message: `since may be at most ${MAX_LOOKBACK_MS[bucket] / 86_400_000} days back with bucket=${bucket}`,
          },
        ],
        'query',
      );
    }
    const [counts, queue, oldestDueAgeSeconds, attention] = await Promise.all([
      this.stats.countsByBucket(since, bucket, clientId),
      this.stats.queueDepth(clientId),
      this.stats.oldestDueAgeSeconds(clientId),
      this.stats.attention(clientId),
    ]);
    return operationStats({
      since,
      until,
      bucket,
      counts,
      queue,
      oldestDueAgeSeconds,
      attention,
    });
  }
}
