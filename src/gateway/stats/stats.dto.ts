import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsIsoDateTimeWithZone } from '../validation/validators';

export const STATS_BUCKETS = ['hour', 'day'] as const;

export class OperationStatsQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Count operations accepted from this time (default: 24 hours ago); at most 31 days back with bucket=hour, 400 days with bucket=day',
    example: '2026-01-05T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  since?: string;

  @ApiPropertyOptional({ enum: STATS_BUCKETS, default: 'hour', description: 'Bucket width (UTC)' })
  @IsOptional()
  @IsIn(STATS_BUCKETS)
  bucket?: (typeof STATS_BUCKETS)[number];
}

/** Operations per status; every status is present, zero when none. */
export class StatusCountsDto {
  @ApiProperty({ type: 'integer', example: 0 }) queued!: number;
  @ApiProperty({ type: 'integer', example: 0 }) running!: number;
  @ApiProperty({ type: 'integer', example: 41 }) succeeded!: number;
  @ApiProperty({ type: 'integer', example: 2 }) failed!: number;
  @ApiProperty({ type: 'integer', example: 1 }) dead!: number;
}

const BY_PROVIDER = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  example: { dms: 30, 'gep-smart': 14 },
  description: 'Operations per provider id (`none` for operations without one)',
} as const;

export class StatsBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the bucket (UTC)' }) start!: string;
  @ApiProperty({ type: 'integer', example: 44 }) total!: number;
  @ApiProperty({ type: StatusCountsDto }) byStatus!: StatusCountsDto;
  @ApiProperty(BY_PROVIDER) byProvider!: Record<string, number>;
}

export class StatsTotalsDto {
  @ApiProperty({ type: 'integer', example: 44 }) total!: number;
  @ApiProperty({ type: StatusCountsDto }) byStatus!: StatusCountsDto;
  @ApiProperty(BY_PROVIDER) byProvider!: Record<string, number>;
}

export class ProviderQueueDto {
  @ApiProperty({ example: 'dms' }) provider!: string;
  @ApiProperty({ type: 'integer', example: 3 }) queued!: number;
  @ApiProperty({ type: 'integer', example: 1 }) running!: number;
}

export class QueueStatsDto {
  @ApiProperty({ type: 'integer', description: 'Operations waiting now', example: 3 })
  queued!: number;
  @ApiProperty({ type: 'integer', description: 'Operations being delivered now', example: 1 })
  running!: number;
  @ApiProperty({ type: [ProviderQueueDto] }) byProvider!: ProviderQueueDto[];
  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 12.5,
    description:
      'Seconds the oldest due queued operation has waited past its due time; null when none is due',
  })
  oldestDueAgeSeconds!: number | null;
}

export class AttentionStatsDto {
  @ApiProperty({ type: 'integer', description: 'Dead operations (any age)', example: 1 })
  dead!: number;
  @ApiProperty({
    type: 'integer',
    description:
      'Failed operations whose outcome the gateway could not know (lastError.code outcome_uncertain, any age)',
    example: 0,
  })
  outcomeUncertain!: number;
}

export class OperationStatsDto {
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ format: 'date-time', description: 'When the counts were taken' }) until!: string;
  @ApiProperty({ enum: STATS_BUCKETS }) bucket!: string;
  @ApiProperty({
    type: [StatsBucketDto],
    description:
      'Operations accepted in each bucket, oldest first, by their current status and provider; every bucket from since to now is present',
  })
  buckets!: StatsBucketDto[];
  @ApiProperty({ type: StatsTotalsDto }) totals!: StatsTotalsDto;
  @ApiProperty({ type: QueueStatsDto }) queue!: QueueStatsDto;
  @ApiProperty({ type: AttentionStatsDto }) attention!: AttentionStatsDto;
}
