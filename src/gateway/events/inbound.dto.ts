import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { KeysetPageQueryDto } from '../paging/page-query.dto';

export class DmsStatusWebhookDto {
  @ApiPropertyOptional({ example: 'invoice.status_changed', description: 'Kept as given' })
  event?: string;
  @ApiPropertyOptional({
    example: 'EINV-2025-001234',
    description: 'Matches an invoice by providerInvoiceId',
  })
  e_invoice_number?: string;
  @ApiPropertyOptional({
    example: 'DMS-2025-001234',
    description: 'Matches an invoice by providerDocumentNumber',
  })
  dms_number?: string;
  @ApiPropertyOptional({
    example: 'CN-2025-001234',
    description: 'Matches a credit note by providerCreditNoteId (tried first)',
  })
  credit_note_number?: string;
  @ApiProperty({ example: 'APPROVED', description: 'The new status (required)' })
  status!: string;
  @ApiPropertyOptional({ example: '2026-01-06T09:15:00Z', description: 'When it changed' })
  status_date?: string;
  @ApiPropertyOptional({ example: 'Approved by finance' }) remarks?: string;
}

export class InboundWebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'dms' }) connection!: string;
  @ApiProperty({ example: 'dms' }) provider!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true, example: 'invoice.status_changed' })
  event!: string | null;
  @ApiProperty({ example: 'APPROVED' }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) statusDate!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { eInvoiceNumber: 'EINV-2025-001234' },
  })
  identifiers!: Record<string, string>;
  @ApiProperty({ description: 'Whether it named a document of the ledger' }) matched!: boolean;
  @ApiPropertyOptional({
    description: 'The same delivery was received before: this one changed nothing',
  })
  duplicate?: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'invoice',
    description: 'invoice or credit_note when matched',
  })
  documentKind!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) documentId!: string | null;
  @ApiProperty({ enum: ['standard-webhooks', 'x-dms-signature'] }) signatureScheme!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body as received' })
  body!: unknown;
}

export class InboundListDto {
  @ApiProperty({ type: [InboundWebhookDto] }) items!: InboundWebhookDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor to get the next (older) page; null on the last page',
  })
  nextCursor!: string | null;
}

export class InboundListQueryDto extends KeysetPageQueryDto {
  @ApiPropertyOptional({ description: 'false: only those that named no known document' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  matched?: boolean;
}
