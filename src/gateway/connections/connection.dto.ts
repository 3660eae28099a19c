import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { PROVIDER_IDS } from '../../providers/provider-ids';
import { CONNECTION_NAME } from '../validation/connection-property';

const SETTINGS_DESCRIPTION =
  "The provider's settings: its environment variables without the prefix, in camelCase (DMS_BASE_URL -> baseUrl, DMS_TIMEOUT_MS -> timeoutMs), checked by the provider's own rules; no secret. `mock: true` runs the connection against its own in-process simulator.";
const SECRETS_DESCRIPTION =
  "The provider's secrets, named the same way (DMS_API_KEY -> apiKey, GEP_SMART_SHARED_SECRET -> sharedSecret); stored sealed (AES-256-GCM), never answered. In a PATCH, a secret given replaces the stored one (rotation) and null removes it.";

export class CreateConnectionDto {
  @ApiProperty({ example: 'dms-uat', pattern: CONNECTION_NAME.source })
  @IsString()
  @Matches(CONNECTION_NAME, { message: 'name must be 1-63 of a-z, 0-9 and -' })
  name!: string;

  @ApiProperty({ enum: PROVIDER_IDS, example: 'dms' })
  @IsIn(PROVIDER_IDS, { message: `provider must be one of ${PROVIDER_IDS.join(', ')}` })
  provider!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: SETTINGS_DESCRIPTION,
    example: { baseUrl: 'https://dms-uat.example.com', timeoutMs: 10000 },
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: SECRETS_DESCRIPTION,
    example: { apiKey: 'uat-api-key' },
  })
  @IsOptional()
  @IsObject()
  secrets?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: "Make it its provider's default connection (calls without `connection`)",
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

export class UpdateConnectionDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `${SETTINGS_DESCRIPTION} Merged over the stored settings (null removes one).`,
    example: { timeoutMs: 15000 },
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    description: SECRETS_DESCRIPTION,
    example: { apiKey: 'rotated-api-key' },
  })
  @IsOptional()
  @IsObject()
  secrets?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'false disables it (as DELETE does)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

export class ConnectionDto {
  @ApiProperty({ example: 'dms-uat' }) name!: string;
  @ApiProperty({ enum: PROVIDER_IDS, example: 'dms' }) provider!: string;
  @ApiProperty({
    enum: ['env', 'stored'],
    description: "env: the provider's environment variables (named after the provider, read-only)",
  })
  source!: string;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ example: 3, description: 'Bumped by every change (0 for env connections)' })
  version!: number;
  @ApiProperty({
    enum: ['live', 'mock', 'unavailable'],
    description: 'unavailable: disabled, or it cannot be built (see error)',
  })
  mode!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { baseUrl: 'https://dms-uat.example.com', timeoutMs: 10000 },
  })
  settings!: Record<string, unknown>;
  @ApiProperty({ type: [String], example: ['apiKey'], description: 'Which secrets are set' })
  secretFields!: string[];
  @ApiPropertyOptional({
    example:
      'connection dms-uat, secret apiKey: the stored secret is sealed with key id k1, which CONNECTIONS_ENCRYPTION_KEYS does not hold',
    description: 'Why it cannot be used, when it cannot',
  })
  error?: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) createdAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt!: string | null;
}

export class ConnectionListDto {
  @ApiProperty({ type: [ConnectionDto] }) items!: ConnectionDto[];
}

export class ConnectionTestDto {
  @ApiProperty({ example: true }) ok!: boolean;
  @ApiProperty({ example: 84 }) latencyMs!: number;
}
