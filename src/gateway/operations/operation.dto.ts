import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  OPERATION_STATUSES,
  type OperationEntity,
  type OperationStatus,
} from '../../database/entities/operation.entity';

export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'invoice.create' }) kind!: string;
  @ApiProperty({ type: String, example: 'dms', nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, example: 'REQ-2025-001234', nullable: true })
  reference!: string | null;
  @ApiProperty({ enum: OPERATION_STATUSES }) status!: OperationStatus;
  @ApiProperty({ type: 'integer', example: 1 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the answer' })
  responseStatus!: number | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The answer body (for succeeded operations)',
  })
  result!: unknown;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The problem answered (for failed operations), else null',
  })
  lastError!: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Milliseconds from start to completion',
  })
  durationMs!: number | null;
}

export class OperationListQueryDto {
  @ApiPropertyOptional({ enum: OPERATION_STATUSES })
  @IsOptional()
  @IsIn(OPERATION_STATUSES)
  status?: OperationStatus;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class OperationListDto {
  @ApiProperty({ type: [OperationDto] }) items!: OperationDto[];
}

export function toOperationDto(row: OperationEntity): OperationDto {
  return {
    id: row.id,
    kind: row.kind,
    provider: row.provider,
    reference: row.reference,
    status: row.status,
    attempts: row.attempts,
    idempotencyKey: row.idempotencyKey,
    requestId: row.requestId,
    responseStatus: row.responseStatus,
    result: row.status === 'succeeded' ? row.result : undefined,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    durationMs:
      row.startedAt && row.completedAt ? row.completedAt.getTime() - row.startedAt.getTime() : null,
  };
}
