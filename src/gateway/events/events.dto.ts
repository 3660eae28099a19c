import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { EVENT_TYPES, type EventType } from '../../common/webhooks/event-types';
import { KeysetPageQueryDto } from '../paging/page-query.dto';
import { IsIsoDateTimeWithZone } from '../validation/validators';

export class EventDto {
  @ApiProperty({ example: 'msg_0194a3c2b1e07f3a9c1d2e4b5a6f7081' }) id!: string;
  @ApiProperty({ enum: EVENT_TYPES, example: 'invoice.created' }) type!: string;
  @ApiProperty({ format: 'date-time', example: '2026-01-05T10:00:00.000Z' }) occurredAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Whose call caused it; null for system events',
    example: 'erp-prod',
  })
  clientId!: string | null;
  @ApiProperty({
    example: 'dms',
    description: 'The connection (for now the provider id; empty when none applies)',
  })
  connection!: string;
  @ApiProperty({ type: String, nullable: true, example: 'dms' }) provider!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The operation, invoice, credit note or endpoint it is about',
    example: '7d0e5f5a-6a1e-4b3f-9a53-5d1f8f3f3c11',
  })
  subject!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What happened: the invoice or credit note answer, the batch answer, the operation summary, the status change',
  })
  data!: unknown;
}

export class EventListDto {
  @ApiProperty({ type: [EventDto] }) items!: EventDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor to get the next (newer) page; null on the last page',
  })
  nextCursor!: string | null;
}

export class EventListQueryDto extends KeysetPageQueryDto {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: EventType;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only events that occurred at or after this time',
    example: '2026-01-05T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  since?: string;
}

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://erp.example.com/hooks/invoice-gateway',
    maxLength: 2048,
    description:
      'https (http with CALLBACK_ALLOW_HTTP), host in CALLBACK_ALLOWED_HOSTS, never a loopback, private, link-local or metadata address unless listed exactly',
  })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({
    enum: EVENT_TYPES,
    isArray: true,
    description: 'Types delivered; empty or absent: all',
    example: ['invoice.created', 'operation.dead'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  eventTypes?: EventType[];

  @ApiPropertyOptional({ maxLength: 500, example: 'ERP production listener' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://erp.example.com/hooks/v2', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, description: 'Empty: all types' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  eventTypes?: EventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    description: 'true stops deliveries (they wait); false enables it again and clears a disable',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class WebhookEndpointDto {
  @ApiProperty({ example: 'ep_5f1c2c1e2b9b4a539a435d1f8f3f3c11' }) id!: string;
  @ApiProperty({ example: 'https://erp.example.com/hooks/invoice-gateway' }) url!: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true, description: 'Empty: all types' })
  eventTypes!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it is disabled (its owner, or failing for WEBHOOK_DISABLE_AFTER_HOURS)',
  })
  disabledReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({
    description: "Created by an admin client: receives every client's events and system events",
  })
  receivesAll!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'After a rotation: until when the previous secret still signs beside the new one',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret, shown this once: store it',
  })
  secret!: string;
}

export class WebhookEndpointListDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) items!: WebhookEndpointDto[];
}

export class DeliveryAttemptDto {
  @ApiProperty({ type: 'integer', example: 1 }) attempt!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 500 }) httpStatus!: number | null;
  @ApiProperty({ type: 'integer', example: 42 }) durationMs!: number;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 500' }) error!: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ example: 'dlv_0c1d2e4b5a6f70819c1d2e4b5a6f7081' }) id!: string;
  @ApiProperty({ example: 'msg_0194a3c2b1e07f3a9c1d2e4b5a6f7081', description: 'The webhook-id' })
  eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES }) eventType!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) lastHttpStatus!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog!: DeliveryAttemptDto[];
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor to get the next (older) page; null on the last page',
  })
  nextCursor!: string | null;
}

/** `limit` and `cursor` of an endpoint's deliveries. */
export class DeliveryListQueryDto extends KeysetPageQueryDto {}
