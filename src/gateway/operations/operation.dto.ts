import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  CALLBACK_STATUSES,
  OPERATION_STATUSES,
  type CallbackStatus,
  type OperationStatus,
} from '../../database/entities/operation.entity';
import { CAPABILITIES } from '../../providers/provider.contract';
import { PROVIDER_IDS } from '../../providers/provider-ids';
import { KeysetPageQueryDto } from '../paging/page-query.dto';
import { nullableRef } from '../openapi/nullable-ref';
import { IsIsoDateTimeWithZone } from '../validation/validators';

export class OperationAttemptDto {
  @ApiProperty({ type: 'integer', example: 1 }) attempt!: number;
  @ApiProperty({ format: 'date-time', example: '2026-01-05T10:00:00.000Z' }) at!: string;
  @ApiProperty({ type: 'integer', example: 182 }) durationMs!: number;
  @ApiProperty({ enum: ['succeeded', 'failed', 'abandoned'] }) outcome!: string;
  @ApiPropertyOptional({ type: 'integer', example: 503 }) httpStatus?: number;
  @ApiPropertyOptional({ example: 'DMS_SERVICE_ERROR' }) code?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({
    description: 'The upstream may hold what this attempt sent although no answer said so',
  })
  outcomeUnknown?: boolean;
  @ApiPropertyOptional({ type: 'integer', description: 'Batch items this attempt sent' })
  sent?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Batch items this attempt settled' })
  settled?: number;
}

export class OperationCallbackDto {
  @ApiProperty({ example: 'https://erp.example.com/hooks/invoice-gateway' }) url!: string;
  @ApiProperty({ enum: CALLBACK_STATUSES }) status!: CallbackStatus;
  @ApiProperty({ type: 'integer', example: 1 }) attempts!: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 200 })
  lastHttpStatus!: number | null;
}

export class OperationResolutionDto {
  @ApiProperty({ example: 'finance-ops' }) by!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'Entered by hand in the DMS portal, ticket OPS-1234' }) note!: string;
}

export class OperationLinksDto {
  @ApiProperty({ example: '/v1/operations/2b1c…' }) self!: string;
  @ApiPropertyOptional({ description: 'Present for failed and dead operations' }) replay?: string;
  @ApiPropertyOptional({ example: '/v1/invoices/7d0e…' }) resource?: string;
}

@ApiExtraModels(OperationCallbackDto, OperationResolutionDto)
export class OperationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CAPABILITIES, example: 'invoice.create' }) kind!: string;
  @ApiProperty({ type: String, example: 'dms', nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, example: 'REQ-2025-001234', nullable: true })
  reference!: string | null;
  @ApiProperty({ enum: OPERATION_STATUSES }) status!: OperationStatus;
  @ApiProperty({ type: 'integer', example: 1 }) attempts!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a queued operation is due',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status a sync call answers' })
  responseStatus!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'The body a sync call answers (invoice, credit note, batch answer), once succeeded',
  })
  result!: unknown;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The problem of the last failure, else null',
  })
  lastError!: unknown;
  @ApiProperty({ type: [OperationAttemptDto] }) history!: OperationAttemptDto[];
  @ApiProperty(nullableRef(OperationCallbackDto))
  callback!: OperationCallbackDto | null;
  @ApiProperty(nullableRef(OperationResolutionDto))
  resolution!: OperationResolutionDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Milliseconds from start to completion',
  })
  durationMs!: number | null;
  @ApiProperty({ type: OperationLinksDto }) links!: OperationLinksDto;
}

export class OperationListQueryDto extends KeysetPageQueryDto {
  @ApiPropertyOptional({ enum: OPERATION_STATUSES })
  @IsOptional()
  @IsIn(OPERATION_STATUSES)
  status?: OperationStatus;

  @ApiPropertyOptional({ enum: CAPABILITIES })
  @IsOptional()
  @IsIn(CAPABILITIES)
  kind?: string;

  @ApiPropertyOptional({ enum: PROVIDER_IDS })
  @IsOptional()
  @IsIn(PROVIDER_IDS)
  provider?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reference?: string;

  @ApiPropertyOptional({
    maxLength: 60,
    description: 'The code of lastError, e.g. outcome_uncertain (with status=failed)',
    example: 'outcome_uncertain',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,59}$/, {
    message: 'errorCode must be a problem code: lower-case letters, digits and _',
  })
  errorCode?: string;
}

export class OperationListDto {
  @ApiProperty({ type: [OperationDto] }) items!: OperationDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor to get the next (older) page; null on the last page',
  })
  nextCursor!: string | null;
}

export class ResolveOperationDto {
  @ApiProperty({ example: 'Entered by hand in the DMS portal while it was down (ticket OPS-1234)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  note!: string;

  @ApiPropertyOptional({ example: 'EINV-2025-001234', description: 'Required for invoice.create' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  providerInvoiceId?: string;

  @ApiPropertyOptional({ example: 'DMS-2025-001234' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  providerDocumentNumber?: string;

  @ApiPropertyOptional({
    example: 'CN-2025-001234',
    description: 'Required for credit-note.create',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  providerCreditNoteId?: string;

  @ApiPropertyOptional({ example: '2026-01-05T10:00:00Z' })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  issuedAt?: string;
}
