import { ConnectionProperty } from '../validation/connection-property';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PROVIDER_IDS, type ProviderId } from '../../providers/provider-ids';
import {
  ISO_WITH_ZONE,
  IsIsoDateTimeWithZone,
  IsAmount,
  MAX_AMOUNT,
} from '../validation/validators';
import { CallbackUrlProperty } from '../validation/callback-url';

const ISO_DATE_OR_DATE_TIME = new RegExp(`^\\d{4}-\\d{2}-\\d{2}$|${ISO_WITH_ZONE.source}`);

/*
 * Batch items check only types and lengths here: the documented business rules (required
 * fields, dates not in the future, exceptionType vs status, remittance identifiers) are the
 * provider's, checked per item, so a failing item is answered `rejected` without failing the
 * whole batch.
 */

export class AttachmentDto {
  @ApiPropertyOptional({ example: 'invoice.pdf' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;
  @ApiPropertyOptional({ example: 'https://files.example.com/invoice.pdf' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  fileUri?: string;
}

export class CommentDto {
  @ApiPropertyOptional({ example: 'Approved for payment' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  text?: string;
  @ApiPropertyOptional({ example: 'Internal' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  accessType?: string;

  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

class StatusUpdateBase {
  @ApiProperty({ example: 'DEV_Inv070918A', description: 'Required (checked per item)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  documentNumber!: string;

  @ApiProperty({
    example: 'SentForPayment',
    description: 'e.g. SentForPayment, ReadyForPayment, Cancelled, Exception',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  status!: string;

  @ApiPropertyOptional({
    example: 'PC-1530698055599',
    description:
      'GEP clientPartnerCode: mandatory when the GEP SMART tenant has isPartnerInvNoForPayment=1 (GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT, default 1); rejected per item when missing',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  partnerCode!: string;

  @ApiPropertyOptional({ example: 'SAP' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sourceSystem?: string;
  @ApiPropertyOptional({ example: 'Retail' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lob?: string;

  @ApiPropertyOptional({ description: 'Required when status is Exception, forbidden otherwise' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  exceptionType?: string;

  @ApiPropertyOptional({ type: CommentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CommentDto)
  comment?: CommentDto;
}

export class InvoiceStatusUpdateDto extends StatusUpdateBase {
  @ApiProperty({
    example: '2019-12-14T11:47:24.534Z',
    description: 'ISO-8601 with zone, not in the future',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  invoiceDate!: string;
}

export class CreditMemoStatusUpdateDto extends StatusUpdateBase {
  @ApiProperty({
    example: '2019-12-14T11:47:24.534Z',
    description: 'ISO-8601 with zone, not in the future',
  })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  creditMemoDate!: string;
}

export class InvoiceStatusBatchDto {
  @ConnectionProperty()
  connection?: string;

  @CallbackUrlProperty()
  callbackUrl?: string;

  @ApiPropertyOptional({
    enum: PROVIDER_IDS,
    example: 'gep-smart',
    description: 'Default gep-smart',
  })
  @IsOptional()
  @IsIn(PROVIDER_IDS)
  provider?: ProviderId;

  @ApiProperty({ type: [InvoiceStatusUpdateDto] })
  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => InvoiceStatusUpdateDto)
  updates!: InvoiceStatusUpdateDto[];
}

export class CreditMemoStatusBatchDto {
  @ConnectionProperty()
  connection?: string;

  @CallbackUrlProperty()
  callbackUrl?: string;

  @ApiPropertyOptional({
    enum: PROVIDER_IDS,
    example: 'gep-smart',
    description: 'Default gep-smart',
  })
  @IsOptional()
  @IsIn(PROVIDER_IDS)
  provider?: ProviderId;

  @ApiProperty({ type: [CreditMemoStatusUpdateDto] })
  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CreditMemoStatusUpdateDto)
  updates!: CreditMemoStatusUpdateDto[];
}

export class PaymentDto {
  @ApiProperty({ example: 'PAY-REF-001' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  referenceNumber!: string;
  @ApiProperty({ example: 'REM-001' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  remittanceId!: string;
  @ApiPropertyOptional({ example: 'ACH' }) @IsOptional() @IsString() @MaxLength(50) method?: string;
  @ApiProperty({
    example: '2024-06-01T00:00:00Z',
    description: 'A date (2024-06-01) or an ISO-8601 date-time with zone',
  })
  @IsOptional()
  @IsString()
  @Matches(ISO_DATE_OR_DATE_TIME, {
    message: 'date must be a date (2024-06-01) or an ISO-8601 date-time with a zone',
  })
  date!: string;
  @ApiPropertyOptional({ example: 1000 })
  @IsOptional()
  @IsAmount()
  @Min(-MAX_AMOUNT)
  @Max(MAX_AMOUNT)
  grossAmount?: number;
  @ApiPropertyOptional({ example: 990 })
  @IsOptional()
  @IsAmount()
  @Min(-MAX_AMOUNT)
  @Max(MAX_AMOUNT)
  netAmount?: number;
  @ApiPropertyOptional({ example: 10 })
  @IsOptional()
  @IsAmount()
  @Min(-MAX_AMOUNT)
  @Max(MAX_AMOUNT)
  discountAmount?: number;
  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @IsAmount()
  @Min(-MAX_AMOUNT)
  @Max(MAX_AMOUNT)
  adjustmentAmount?: number;
  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @IsString()
  @MaxLength(3)
  currency?: string;
}

export class RemittanceDto {
  @ApiPropertyOptional({ example: 'INV-2024-0001' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  documentNumber?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) supplierInvoiceNumber?: string;
  @ApiPropertyOptional({ description: 'Needs sourceSystem' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  clientSupplierCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) sourceSystem?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) batchId?: string;
  @ApiProperty({ example: 'Paid' }) @IsOptional() @IsString() @MaxLength(100) status!: string;

  @ApiProperty({ type: PaymentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PaymentDto)
  payment!: PaymentDto;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export class RemittanceBatchDto {
  @ConnectionProperty()
  connection?: string;

  @CallbackUrlProperty()
  callbackUrl?: string;

  @ApiPropertyOptional({
    enum: PROVIDER_IDS,
    example: 'gep-quantum',
    description: 'Default gep-quantum',
  })
  @IsOptional()
  @IsIn(PROVIDER_IDS)
  provider?: ProviderId;

  @ApiProperty({ type: [RemittanceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RemittanceDto)
  remittances!: RemittanceDto[];
}

export class ItemErrorDto {
  @ApiProperty({ example: 'MandatoryField' }) code!: string;
  @ApiProperty({
    example: 'There was an error in processing the Invoice Status as Type is mandatory',
  })
  message!: string;
  @ApiPropertyOptional({ example: 'status' }) path?: string;
}

export class BatchItemResultDto {
  @ApiProperty({ example: 'DEV_Inv070918A' }) key!: string;
  @ApiProperty({ enum: ['accepted', 'rejected'] }) status!: 'accepted' | 'rejected';
  @ApiPropertyOptional() documentStatus?: string;
  @ApiPropertyOptional() interfaceStatus?: string;
  @ApiPropertyOptional() documentUrl?: string;
  @ApiProperty({ type: [ItemErrorDto] }) errors!: ItemErrorDto[];
  @ApiPropertyOptional({
    example: '0HN52BAMD1GUV:00000001',
    description:
      "GEP Quantum's correlationId of the call that decided this item: quote it to GEP support",
  })
  correlationId?: string;
}

export class BatchResultDto {
  @ApiProperty({ example: 'gep-smart' }) provider!: string;
  @ApiProperty({ example: 1 }) accepted!: number;
  @ApiProperty({ example: 0 }) rejected!: number;
  @ApiProperty({ type: [BatchItemResultDto] }) results!: BatchItemResultDto[];
  @ApiProperty({ format: 'uuid' }) operationId!: string;
}
