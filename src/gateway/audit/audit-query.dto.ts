import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIsoDateTimeWithZone } from '../validation/validators';
import { Type } from 'class-transformer';
import { nullableRef } from '../openapi/nullable-ref';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** A property holding any JSON value (null included). */
const ANY_JSON = {
  oneOf: [
    { type: 'object', additionalProperties: true, nullable: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
};

/** The filters of GET /v1/audit-logs, also those of its NDJSON export. */
export class AuditLogFilterDto {
  @ApiPropertyOptional({
    description: 'Rows at or after this time (ISO-8601 with zone)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  from?: string;

  @ApiPropertyOptional({
    description: 'Rows before this time (ISO-8601 with zone)',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  to?: string;

  @ApiPropertyOptional({ example: 'dms' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  provider?: string;

  @ApiPropertyOptional({
    description: 'Connection name (DESIGN.md section 11): rows of calls on that connection',
    example: 'dms',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  connection?: string;

  @ApiPropertyOptional({
    description: 'Operation name, e.g. invoice.create',
    example: 'invoice.create',
  })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  operation?: string;

  @ApiPropertyOptional({
    example: 'success',
    description: 'success, rejected, unavailable, timeout, error, transient_error, circuit_open',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  outcome?: string;

  @ApiPropertyOptional({ example: 'REQ-2025-0001' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reference?: string;

  @ApiPropertyOptional({ example: '6f1c2c1e-2b9b-4a53-9a43-5d1f8f3f3c11' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ApiPropertyOptional({ enum: ['inbound', 'outbound'] })
  @IsOptional()
  @IsIn(['inbound', 'outbound'])
  direction?: 'inbound' | 'outbound';
}

export class AuditLogQueryDto extends AuditLogFilterDto {
  @ApiPropertyOptional({ description: 'Page size', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, {
    message: 'cursor must be a nextCursor value from a previous page',
  })
  cursor?: string;
}

export class AuditLogDto {
  @ApiProperty({ example: '1042' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'W3C trace id (32 hex digits) of the request or upstream attempt',
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
  })
  traceId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The connection the call ran on; null when it has none',
    example: 'dms',
  })
  connection!: string | null;
  @ApiProperty({ type: String, nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, nullable: true }) clientName!: string | null;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) operation!: string | null;
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ type: 'integer', nullable: true }) status!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) attempt!: number | null;
  @ApiProperty({ example: 'success' }) outcome!: string;
  @ApiProperty({ type: String, nullable: true }) errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) operationId!: string | null;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'Redacted request body (any JSON value)' })
  requestBody!: unknown;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'Redacted response body (any JSON value)' })
  responseBody!: unknown;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The hash chain (writer process) holding the row; null for a row inserted outside the writer',
  })
  chainId!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Position in its chain, gap-free from 1',
  })
  seq!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'hash of the previous row of the chain',
  })
  prevHash!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'SHA-256 of the canonical JSON of the row and prevHash',
  })
  hash!: string | null;
}

export class AuditVerifyQueryDto {
  @ApiPropertyOptional({
    description:
      'Check the rows written at or after this time (ISO-8601 with zone); each chain from its first row in range, whose prevHash is taken as given',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  from?: string;

  @ApiPropertyOptional({
    description: 'Check the rows written before this time (ISO-8601 with zone)',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  to?: string;
}

export class ChainBreakDto {
  @ApiProperty({ type: String, nullable: true, description: 'null for a row without chain fields' })
  chainId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) seq!: number | null;
  @ApiProperty({
    example: 'hash_mismatch',
    enum: [
      'hash_mismatch',
      'prev_hash_mismatch',
      'seq_gap',
      'duplicate_seq',
      'out_of_order',
      'missing_start',
      'anchor_mismatch',
      'link_mismatch',
      'link_missing',
      'head_mismatch',
      'unchained_row',
    ],
  })
  code!: string;
  @ApiProperty({
    example:
      'hash_mismatch: the stored content does not match its hash: the row was changed after it was written',
  })
  reason!: string;
}

export class AuditVerifyResultDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: 'integer', description: 'Chains walked' }) chains!: number;
  @ApiProperty({ type: 'integer', description: 'Rows checked' }) rows!: number;
  @ApiProperty({ type: 'integer', description: 'Breaks found' }) breaks!: number;
  @ApiPropertyOptional({ type: ChainBreakDto }) firstBreak?: ChainBreakDto;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogDto] }) items!: AuditLogDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor to get the next (older) page; null on the last page',
  })
  nextCursor!: string | null;
}

export class AuditChainHeadDto {
  @ApiProperty({ format: 'uuid' }) chainId!: string;
  @ApiProperty({ type: 'integer', example: 1042 }) seq!: number;
  @ApiProperty({ example: '9f2c4e0d5b7a1c3e8f6d2b4a0c9e7f5d3b1a8c6e4f2d0b9a7c5e3f1d8b6a4c2e' })
  hash!: string;
  @ApiProperty({ format: 'date-time', description: 'When the head row was written' }) at!: string;
}

export class AuditLastVerificationDto {
  @ApiProperty({ format: 'date-time', description: 'When the walk finished' }) at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) from!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) to!: string | null;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: 'integer' }) chains!: number;
  @ApiProperty({ type: 'integer' }) rows!: number;
  @ApiProperty({ type: 'integer' }) breaks!: number;
  @ApiPropertyOptional({ type: ChainBreakDto }) firstBreak?: ChainBreakDto;
}

@ApiExtraModels(AuditLastVerificationDto)
export class AuditHeadDto {
  @ApiProperty({ type: [AuditChainHeadDto], description: "Each chain's newest row" })
  heads!: AuditChainHeadDto[];
  @ApiProperty(
    nullableRef(
      AuditLastVerificationDto,
      'The last walk of the chains (GET /v1/audit-logs/verify or audit:verify); null when none ran yet',
    ),
  )
  lastVerification!: AuditLastVerificationDto | null;
}
