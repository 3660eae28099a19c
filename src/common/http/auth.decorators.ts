import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiProblems } from './api-problems';
import type { Scope } from './scopes';

export const REQUIRED_SCOPES = 'gateway:required-scopes';
export const PUBLIC_ROUTE = 'gateway:public-route';

/** Marks public operations in the OpenAPI document (finishDocument turns it into `security: []`). */
export const PUBLIC_EXTENSION = 'x-gateway-public';

/** A route anyone may call (health, docs, metrics). */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_EXTENSION, true));

/**
 * Requires a valid API key holding every listed scope ('admin' holds them all); declares the
 * 401, 403 and 429 problems the guard answers with.
 */
export function Auth(...scopes: Scope[]) {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiBearerAuth('api-key'),
    ApiProblems(401, 403, 429),
  );
}
