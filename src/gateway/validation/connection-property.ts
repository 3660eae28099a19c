import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** A connection's name: lower-case letters, digits and dashes, 1-63 characters. */
export const CONNECTION_NAME = /^[a-z0-9-]{1,63}$/;

/**
 * `connection` on every mutating body (DESIGN section 11): the connection the call runs on.
 * Without it, the provider's default connection. An unknown, disabled or other-provider one is
 * 422 unknown_connection; one the API client is not allowed is 403.
 */
export const ConnectionProperty = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'dms-uat',
      pattern: CONNECTION_NAME.source,
      description:
        "The connection to use (GET /v1/connections). Default: the provider's default connection (the one configured by its environment variables, named after the provider, unless another is marked default).",
    }),
    IsOptional(),
    IsString(),
    Matches(CONNECTION_NAME, { message: 'connection must be 1-63 of a-z, 0-9 and -' }),
  );
