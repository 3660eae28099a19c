import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ConsoleSessions } from '../console/console-sessions.service';
import { contextOf } from '../../common/http/request-context';
import { ProblemException } from '../../common/http/problem-details';
import { bearerToken } from './api-key';
import { ApiClientsService } from './api-clients.service';
import { PUBLIC_ROUTE, REQUIRED_SCOPES } from '../../common/http/auth.decorators';
import type { Scope } from '../../common/http/scopes';
import { RateLimiter } from './rate-limiter';

/**
 * Global guard: every route needs a valid key (or a console session cookie) unless marked
 * @Public(). Missing, unknown and revoked keys get the same 401; a key without the route's scope gets 403; a client over its
 * rate gets 429 with Retry-After.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly clients: ApiClientsService,
    private readonly limiter: RateLimiter,
    private readonly consoleSessions: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const required =
      this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets) ?? [];
    await this.authorize(request, required);
    return true;
  }

  /**
   * Authenticates the caller, takes its rate-limit token and checks `required` scopes; throws
   * the problem to answer otherwise. Also used by the thin routes (gateway/thin-routes.ts).
   */
  async authorize(request: FastifyRequest, required: readonly Scope[]): Promise<void> {
    // without an Authorization header, a console session cookie (docs/console.md) may stand in
    const principal =
      request.headers.authorization === undefined
        ? await this.consoleSessions.authenticate(request)
        : await this.clients.authenticate(bearerToken(request.headers.authorization));
    if (!principal) {
      throw new ProblemException('unauthorized', {
        detail: 'A valid API key is required: send Authorization: Bearer <key>',
        headers: { 'www-authenticate': 'Bearer realm="invoice-gateway"' },
      });
    }
    contextOf(request).principal = principal;
    const wait = await this.limiter.take(principal.clientId);
    if (wait > 0) {
      throw new ProblemException('rate_limited', {
        detail: `Rate limit reached for this API key; retry in ${wait} s`,
        headers: { 'retry-after': String(wait) },
      });
    }
    const missing = required.filter((scope) => !this.clients.hasScope(principal, scope));
    if (missing.length) {
      throw new ProblemException('forbidden', {
        detail: `This API key lacks the scope ${missing.join(', ')}`,
      });
    }
  }
}
