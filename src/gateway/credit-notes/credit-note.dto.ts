import { StatusChangeDto } from '../invoices/invoice.dto';
import { ConnectionProperty } from '../validation/connection-property';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PROVIDER_IDS, type ProviderId } from '../../providers/provider-ids';
import { IsAmount, MAX_AMOUNT } from '../validation/validators';
import { nullableRef } from '../openapi/nullable-ref';
import { AnswerWarningDto } from '../openapi/warning.dto';
import { CallbackUrlProperty } from '../validation/callback-url';

export class CreditNotePartyDto {
  @ApiProperty({ example: 'DLR001' }) @IsString() @IsNotEmpty() @MaxLength(50) code!: string;
  @ApiProperty({ example: 'ABC Motors' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
}

export class CreateCreditNoteDto {
  @ConnectionProperty()
  connection?: string;

  @CallbackUrlProperty()
  callbackUrl?: string;

  @ApiPropertyOptional({
    enum: PROVIDER_IDS,
    example: 'dms',
    description: 'Default: the only provider that issues credit notes (dms)',
  })
  @IsOptional()
  @IsIn(PROVIDER_IDS, {
    message: `provider must be one of ${PROVIDER_IDS.join(', ')}`,
  })
  provider?: ProviderId;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The gateway invoice id (give this or providerInvoiceId)',
  })
  @ValidateIf(
    (o: CreateCreditNoteDto) => o.invoiceId !== undefined || o.providerInvoiceId === undefined,
  )
  @IsUUID('all', {
    message: 'invoiceId must be a gateway invoice id (UUID); or give providerInvoiceId',
  })
  invoiceId?: string;

  @ApiPropertyOptional({
    example: 'EINV-2025-001234',
    description: "The provider's invoice number (DMS e_invoice_number)",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  providerInvoiceId?: string;

  @ApiProperty({ example: 'REQ-2025-001234', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  reference!: string;

  @ApiProperty({ type: CreditNotePartyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreditNotePartyDto)
  party!: CreditNotePartyDto;

  @ApiProperty({ example: 150000.0, minimum: 0 })
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  amount!: number;

  @ApiProperty({ example: 'Claim settlement', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reason!: string;

  @ApiPropertyOptional({
    example: 'Credit note for claim request REQ-2025-001234',
    maxLength: 1000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

@ApiExtraModels(CreditNotePartyDto)
export class CreditNoteDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'dms' }) provider!: string;
  @ApiProperty({
    example: 'dms',
    description: "The connection it was created on (its provider's name: the env connection)",
  })
  connection!: string;
  @ApiProperty({ example: 'REQ-2025-001234' }) reference!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) invoiceId!: string | null;
  @ApiProperty({ example: 'EINV-2025-001234' }) providerInvoiceId!: string;
  @ApiProperty({ type: String, example: 'CN-2025-001234', nullable: true })
  providerCreditNoteId!: string | null;
  @ApiProperty({ example: 'issued' }) status!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2025-12-17T10:30:00.000Z',
    nullable: true,
  })
  issuedAt!: string | null;
  @ApiProperty({ example: 150000 }) amount!: number;
  @ApiProperty({ example: 'Claim settlement' }) reason!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty(nullableRef(CreditNotePartyDto)) party!: Record<string, unknown> | null;
  @ApiProperty({
    type: String,
    example: 'https://dms.example.com/credit-notes/CN-2025-001234',
    nullable: true,
  })
  documentUrl!: string | null;
  @ApiProperty({ example: true }) mock!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) operationId!: string | null;
  @ApiProperty({
    type: [StatusChangeDto],
    description:
      'Status changes the upstream reported through its webhooks (DMS), oldest first; status is the latest',
  })
  statusHistory!: StatusChangeDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({
    type: [AnswerWarningDto],
    description:
      'Present when DMS issued the credit note for another amount than asked (`amount_mismatch`): `amount` is the one DMS issued.',
  })
  warnings?: AnswerWarningDto[];
}
