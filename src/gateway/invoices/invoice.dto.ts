/**
 * The invoice routes' DTOs in one file (about 430 lines): the canonical invoice's nested shapes
 * (party, taxes, order, address, lines) are declared once and shared by create, update and list.
 */
import { ConnectionProperty } from '../validation/connection-property';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  PartialType,
  OmitType,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PROVIDER_IDS, type ProviderId } from '../../providers/provider-ids';
import {
  E164,
  IsIanaTimeZone,
  IsIsoDateTimeWithZone,
  IsAmount,
  MAX_AMOUNT,
} from '../validation/validators';
import { nullableRef } from '../openapi/nullable-ref';
import { CallbackUrlProperty } from '../validation/callback-url';
import { AnswerWarningDto } from '../openapi/warning.dto';

export class PartyDto {
  @ApiPropertyOptional({
    example: 'DLR001',
    maxLength: 50,
    description: 'DMS: dealer_code (required)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  code?: string;

  @ApiPropertyOptional({
    example: 'ABC Motors',
    maxLength: 200,
    description: 'DMS: dealer_name (required); Delivery Solutions: customer.name',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'jane@example.com', maxLength: 254 })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'email must be an email address' })
  email?: string;

  @ApiPropertyOptional({ example: '+14155550123', description: 'E.164' })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'phone must be an E.164 number such as +14155550123' })
  phone?: string;

  @ApiPropertyOptional({ example: 'CUST-88812', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  externalId?: string;
}

export class TaxesDto {
  @ApiPropertyOptional({ example: 0, minimum: 0 })
  @IsOptional()
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  cgst?: number;
  @ApiPropertyOptional({ example: 0, minimum: 0 })
  @IsOptional()
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  sgst?: number;
  @ApiPropertyOptional({ example: 0, minimum: 0 })
  @IsOptional()
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  igst?: number;
  @ApiPropertyOptional({
    example: 0,
    minimum: 0,
    description: 'Must equal cgst + sgst + igst (DMS)',
  })
  @IsOptional()
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  total?: number;
}

export class OrderDto {
  @ApiPropertyOptional({
    example: 'DELIVERED',
    description: 'Delivery Solutions: orderInfo.status (required)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  status?: string;

  @ApiPropertyOptional({ example: 'delivery' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  type?: string;
  @ApiPropertyOptional({
    example: 5,
    minimum: 0,
    description: 'Whole units (Delivery Solutions orderInfo.amount is an integer)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  deliveryCharge?: number;
  @ApiPropertyOptional({
    example: 2,
    minimum: 0,
    description: 'Whole units (Delivery Solutions tips is an integer)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  tips?: number;

  @ApiPropertyOptional({ example: '2025-12-17T10:30:00Z', format: 'date-time' })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  deliveredAt?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

export class AddressDto {
  @ApiPropertyOptional({ example: '123 Main St' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street1?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) street2?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) apartmentNumber?: string;
  @ApiPropertyOptional({ example: 'Springfield' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string;
  @ApiPropertyOptional({ example: 'IL' }) @IsOptional() @IsString() @MaxLength(100) state?: string;
  @ApiPropertyOptional({ example: '62701' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string;

  @ApiPropertyOptional({ example: 'US', enum: ['US', 'CA', 'GB', 'AU', 'IE'] })
  @IsOptional()
  @IsIn(['US', 'CA', 'GB', 'AU', 'IE'], {
    message: 'countryCode must be one of US, CA, GB, AU, IE',
  })
  countryCode?: string;

  @ApiPropertyOptional({ example: 39.7817 })
  @IsOptional()
  @IsNumber()
  @Min(-90)
  @Max(90)
  latitude?: number;
  @ApiPropertyOptional({ example: -89.6501 })
  @IsOptional()
  @IsNumber()
  @Min(-180)
  @Max(180)
  longitude?: number;
}

export class LineDto {
  @ApiPropertyOptional({ example: 'SKU-1' }) @IsOptional() @IsString() @MaxLength(100) sku?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) upc?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) category?: string;

  @ApiProperty({ example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  quantity!: number;

  @ApiPropertyOptional({ example: 19.99, minimum: 0 })
  @IsOptional()
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  price?: number;
  @ApiPropertyOptional({ example: 17.99, minimum: 0 })
  @IsOptional()
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  salePrice?: number;
  @ApiPropertyOptional({ example: 'T-shirt' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10000) description?: string;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/p/1.png' })
  @IsOptional()
  @IsUrl({ require_protocol: true })
  @MaxLength(2000)
  image?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
  @ApiPropertyOptional({ example: 'M' }) @IsOptional() @IsString() @MaxLength(50) size?: string;
  @ApiPropertyOptional({ example: 0.3, minimum: 0 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  weight?: number;
}

export class CreateInvoiceDto {
  @ConnectionProperty()
  connection?: string;

  @CallbackUrlProperty()
  callbackUrl?: string;

  @ApiProperty({ enum: PROVIDER_IDS, example: 'dms', description: 'dms or delivery-solutions' })
  @IsIn(PROVIDER_IDS, {
    message: `provider must be one of ${PROVIDER_IDS.join(', ')}`,
  })
  provider!: ProviderId;

  @ApiProperty({
    example: 'REQ-2025-001234',
    maxLength: 100,
    description: 'Your business key; DMS request_number, Delivery Solutions orderExternalId',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  reference!: string;

  @ApiPropertyOptional({ example: 'GRP-7', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  groupReference?: string;

  @ApiPropertyOptional({ type: PartyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PartyDto)
  party?: PartyDto;

  @ApiProperty({
    example: 150000.0,
    minimum: 0,
    maximum: MAX_AMOUNT,
    description: 'At most 2 decimals',
  })
  @IsAmount()
  @Min(0)
  @Max(MAX_AMOUNT)
  amount!: number;

  @ApiPropertyOptional({ example: 'INR', description: 'ISO 4217; DMS accepts INR only' })
  @IsOptional()
  @IsString()
  @Length(3, 3)
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as INR' })
  currency?: string;

  @ApiPropertyOptional({ example: 'E-Invoice for claim request REQ-2025-001234', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ example: 'IO-2025-001', maxLength: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  internalOrderNumber?: string;

  @ApiPropertyOptional({ type: TaxesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TaxesDto)
  taxes?: TaxesDto;

  @ApiPropertyOptional({ example: 'brand-123', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  brand?: string;
  @ApiPropertyOptional({ example: 'store-9', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  location?: string;

  @ApiPropertyOptional({ example: '2025-12-17T10:30:00Z', format: 'date-time' })
  @IsOptional()
  @IsIsoDateTimeWithZone()
  issuedAt?: string;

  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsOptional()
  @IsIanaTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ type: OrderDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderDto)
  order?: OrderDto;
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  shipTo?: AddressDto;

  @ApiPropertyOptional({ type: [LineDto], maxItems: 500 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines?: LineDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Merged into the upstream body as is',
  })
  @IsOptional()
  @IsObject()
  passThrough?: Record<string, unknown>;
}

export class UpdateInvoiceDto extends PartialType(
  OmitType(CreateInvoiceDto, ['provider', 'reference'] as const),
) {}

export class StatusChangeDto {
  @ApiProperty({ example: 'APPROVED' }) status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-01-06T09:15:00.000Z' }) at!: string;
  @ApiProperty({ example: 'dms-webhook' }) source!: string;
  @ApiProperty({ format: 'uuid', description: 'The inbound webhook that carried it' })
  inboundId!: string;
  @ApiPropertyOptional({ example: 'Approved by finance' }) remarks?: string;
}

@ApiExtraModels(PartyDto)
export class InvoiceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PROVIDER_IDS, example: 'dms' }) provider!: string;
  @ApiProperty({
    example: 'dms',
    description:
      "The connection it was created on (its provider's name: the env connection); a reference is unique per connection",
  })
  connection!: string;
  @ApiProperty({ example: 'REQ-2025-001234' }) reference!: string;
  @ApiProperty({ example: 'issued' }) status!: string;
  @ApiProperty({ type: String, example: 'EINV-2025-001234', nullable: true })
  providerInvoiceId!: string | null;
  @ApiProperty({ type: String, example: 'DMS-2025-001234', nullable: true })
  providerDocumentNumber!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2025-12-17T10:30:00.000Z',
    nullable: true,
  })
  issuedAt!: string | null;
  @ApiProperty({
    type: String,
    example: 'https://dms.example.com/invoices/EINV-2025-001234',
    nullable: true,
  })
  documentUrl!: string | null;
  @ApiProperty({ example: 150000 }) amount!: number;
  @ApiProperty({ type: String, example: 'INR', nullable: true }) currency!: string | null;
  @ApiProperty(nullableRef(PartyDto)) party!: Record<string, unknown> | null;
  @ApiProperty({ example: true, description: 'Created against a simulator (mock mode)' })
  mock!: boolean;
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
      'Present when the upstream succeeded with warnings (Delivery Solutions), to pass to the end user.',
  })
  warnings?: AnswerWarningDto[];
}

export class InvoiceListQueryDto {
  @ApiPropertyOptional({ enum: PROVIDER_IDS })
  @IsOptional()
  @IsIn(PROVIDER_IDS)
  provider?: ProviderId;

  @ApiPropertyOptional({ example: 'REQ-2025-001234' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reference?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class InvoiceListDto {
  @ApiProperty({ type: [InvoiceDto] }) items!: InvoiceDto[];
}
