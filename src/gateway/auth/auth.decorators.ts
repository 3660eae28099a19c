import { SetMetadata, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ProblemDetails } from '../problem/problem';
import type { Scope } from './scopes';

export const REQUIRED_SCOPES = 'gateway:required-scopes';
export const PUBLIC_ROUTE = 'gateway:public-route';

/** A route anyone may call (health, docs, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Requires a valid API key holding every listed scope ('admin' holds them all). */
export function Auth(...scopes: Scope[]) {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiBearerAuth('api-key'),
    ApiUnauthorizedResponse({
      description: 'Missing, unknown or revoked API key',
      type: ProblemDetails,
    }),
    ApiForbiddenResponse({
      description: `The key lacks scope ${scopes.join(', ')}`,
      type: ProblemDetails,
    }),
    ApiTooManyRequestsResponse({ description: 'Rate limit reached', type: ProblemDetails }),
  );
}
