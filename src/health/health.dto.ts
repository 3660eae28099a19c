import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { PROVIDER_IDS } from '../providers/provider-ids';

/** The health answers as the OpenAPI document declares them. */

export class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

const INDICATORS: { type: 'object'; additionalProperties: SchemaObject; example: object } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
  example: { lifecycle: { status: 'up' }, database: { status: 'up' } },
};

/** @nestjs/terminus's answer: the overall status and each check (lifecycle, database). */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'degraded', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ ...INDICATORS, description: 'The checks that are up' })
  info?: Record<string, unknown>;
  @ApiPropertyOptional({ ...INDICATORS, description: 'The checks that are down' })
  error?: Record<string, unknown>;
  @ApiProperty({ ...INDICATORS, description: 'Every check' })
  details!: Record<string, unknown>;
}

export class UpstreamHealthDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ enum: ['live', 'mock'] }) mode!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ example: 12 }) latencyMs!: number;
  @ApiProperty({ enum: ['closed', 'open', 'half-open', 'isolated'] }) circuit!: string;
  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:4010' }) error?: string;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
}

export class OneUpstreamHealthDto extends UpstreamHealthDto {
  @ApiProperty({ enum: PROVIDER_IDS }) provider!: string;
}

export class UpstreamsHealthDto {
  @ApiProperty({
    enum: ['ok', 'error'],
    description: 'error when a live provider is down (mock providers are reported, not judged)',
  })
  status!: 'ok' | 'error';
  @ApiProperty({
    description: 'Each provider by id',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/UpstreamHealthDto' },
  })
  upstreams!: Record<string, UpstreamHealthDto>;
  @ApiProperty({
    description:
      'Each usable connection by name (the environment ones are named after their provider); a stored connection that is down does not turn the status to error',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/OneUpstreamHealthDto' },
  })
  connections!: Record<string, OneUpstreamHealthDto>;
}
