import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { SCOPES } from '../common/http/scopes';

export class ConsoleSignInDto {
  @ApiProperty({
    description: 'A gateway API key; exchanged for a session cookie, never stored or logged',
    example: 'igw_3q2…',
    maxLength: 512,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  apiKey!: string;
}

export class ConsoleSessionDto {
  @ApiProperty({ example: '8a4e0d5c-6a52-4b0e-9a64-1f1c3d9e8b21', description: 'The API client' })
  clientId!: string;
  @ApiProperty({ example: 'finance-ops' }) clientName!: string;
  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    description: 'What the key may do; `admin` holds every scope',
  })
  scopes!: string[];
  @ApiProperty({ format: 'date-time', description: 'When the session ends by itself' })
  expiresAt!: string;
}
