import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { KeysetPageQueryDto } from '../paging/page-query.dto';
import { PROVIDER_IDS } from '../../providers/provider-ids';

export const DOCUMENT_KINDS = [
  'invoice',
  'credit_note',
  'credit_memo',
  'remittance_target',
] as const;
export const DOCUMENT_CHANGES = [
  'created',
  'updated',
  'status_posted',
  'remittance_posted',
  'status_changed',
  'credit_note_created',
] as const;

export class DocumentListQueryDto extends KeysetPageQueryDto {
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'A reference, an upstream document number or a party code (exact match)',
    example: 'INV-2026-0042',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: PROVIDER_IDS })
  @IsOptional()
  @IsIn(PROVIDER_IDS)
  provider?: string;

  @ApiPropertyOptional({ enum: DOCUMENT_KINDS })
  @IsOptional()
  @IsIn(DOCUMENT_KINDS)
  kind?: (typeof DOCUMENT_KINDS)[number];
}

export class DocumentLinksDto {
  @ApiProperty({ example: '/v1/documents/5f0c2a8e-3c1d-4c52-9e43-2f7a1b0d9e61' }) self!: string;
  @ApiProperty({ example: '/v1/documents/5f0c2a8e-3c1d-4c52-9e43-2f7a1b0d9e61/timeline' })
  timeline!: string;
}

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'gep-smart',
    description:
      "The connection the document was written through (the provider's env connection, named after the provider, unless a call named another)",
  })
  connection!: string;
  @ApiProperty({ enum: PROVIDER_IDS, example: 'gep-smart' }) provider!: string;
  @ApiProperty({
    enum: DOCUMENT_KINDS,
    description:
      'remittance_target: a document known only from a remittance (it becomes the invoice when one is posted for its number)',
  })
  kind!: string;
  @ApiProperty({ example: 'INV-2026-0042', description: 'The reference or upstream number' })
  key!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { providerInvoiceId: 'EINV-2026-0042', providerDocumentNumber: 'DMS-2026-0042' },
  })
  providerIds!: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, example: 'SUP-100' }) partyCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Approved' }) lastStatus!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastStatusAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a remittance for the document was first accepted',
  })
  paidAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: DocumentLinksDto }) links!: DocumentLinksDto;
}

export class DocumentListDto {
  @ApiProperty({ type: [DocumentDto] }) items!: DocumentDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor to get the next (older) page; null on the last page',
  })
  nextCursor!: string | null;
}

export class DocumentChangeDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: DOCUMENT_CHANGES }) change!: string;
  @ApiProperty({
    example: 'status Approved posted to gep-smart: accepted',
  })
  summary!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) operationId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The inbound message that reported the change (status_changed)',
  })
  inboundId!: string | null;
  @ApiPropertyOptional({ example: '/v1/operations/2b1c7a90-0d7e-4a57-9f5c-5d1b9f6c2e10' })
  operation?: string;
}

export class DocumentTimelineDto {
  @ApiProperty({ type: DocumentDto }) document!: DocumentDto;
  @ApiProperty({ type: [DocumentChangeDto], description: 'Oldest first' })
  changes!: DocumentChangeDto[];
}
