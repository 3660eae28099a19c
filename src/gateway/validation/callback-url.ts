import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * `callbackUrl` on every mutating body: where the operation answer is POSTed when the operation
 * ends. Its form is checked here; the allow-list and address rules when the call is accepted.
 */
export const CallbackUrlProperty = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'https://erp.example.com/hooks/invoice-gateway',
      maxLength: 2048,
      description:
        'POSTed `{ type, timestamp, data: <operation answer> }` when the operation ends, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature) with CALLBACK_SECRET. https only (http with CALLBACK_ALLOW_HTTP), host in CALLBACK_ALLOWED_HOSTS, never a loopback, private, link-local or metadata address unless listed exactly.',
    }),
    IsOptional(),
    IsString(),
    MaxLength(2048),
  );
