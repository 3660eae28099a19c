import type { Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseOutage } from '../metrics/database-outage';
import type { Caller, RunOutcome } from '../operations/run-outcome';
import { REQUIRED_SCOPES } from '../common/http/auth.decorators';
import type { Scope } from '../common/http/scopes';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiClientsService } from './auth/api-clients.service';
import { RateLimiter } from './auth/rate-limiter';
import { ConsoleSessions } from './console/console-sessions.service';
import { BatchesController } from './batches/batches.controller';
import { CreditNotesController } from './credit-notes/credit-notes.controller';
import { InvoicesController } from './invoices/invoices.controller';
import { answerOperation, callerOf } from './idempotency/operation-call';
import { ProblemFilter } from './problem/problem.filter';
import { bodyValidationPipe } from './problem/validation';
import { Reflector } from '@nestjs/core';

/**
 * The hot routes, answered without Nest's general per-request machinery (execution context,
 * guard and interceptor chains, rxjs): a Fastify preHandler hook runs, for these routes only,
 * the same steps in the same order and sends the answer, so Nest's handler never runs for them.
 *
 * Every step is the one Nest would run, called directly: the API-key guard's `authorize` with
 * the scopes the route's `@Auth()` declares, the global validation pipe with the route's body DTO
 * (its class-validator declarations), `callerOf` (`@CallerOf()`), the controller method itself,
 * `answerOperation` (`@OperationRoute()`'s interceptor), and the problem filter for any error.
 * The controllers stay as they are: they declare the routes, their OpenAPI document, and serve
 * as the fallback if a route is left out of THIN_ROUTES.
 *
 * Each entry must be a `@CallerOf() caller, @Body() dto` operation route: checked at start-up
 * against the route's Nest metadata (path, method, scopes, body type).
 */
const THIN_ROUTES: readonly { controller: Type<object>; handler: string }[] = [
  { controller: InvoicesController, handler: 'create' },
  { controller: CreditNotesController, handler: 'create' },
  { controller: BatchesController, handler: 'invoiceStatuses' },
  { controller: BatchesController, handler: 'creditMemoStatuses' },
  { controller: BatchesController, handler: 'remittances' },
];

interface ThinRoute {
  scopes: readonly Scope[];
  body: Type<unknown>;
  run: (caller: Caller, dto: unknown) => Promise<RunOutcome>;
}

function joinPath(...parts: unknown[]): string {
  const segments = parts
    .flatMap((part) => (typeof part === 'string' ? part.split('/') : []))
    .filter(Boolean);
  return `/${segments.join('/')}`;
}

function describe(app: NestFastifyApplication, controller: Type<object>, handler: string) {
  const proto = controller.prototype as Record<string, unknown>;
  const method = proto[handler];
  if (typeof method !== 'function')
    throw new Error(`thin route ${controller.name}.${handler}: no such method`);
  const verb = Reflect.getMetadata(METHOD_METADATA, method) as RequestMethod | undefined;
  if (verb === undefined) throw new Error(`thin route ${controller.name}.${handler}: not a route`);
  const url = joinPath(
    Reflect.getMetadata(PATH_METADATA, controller),
    Reflect.getMetadata(PATH_METADATA, method),
  );
  const scopes = Reflect.getMetadata(REQUIRED_SCOPES, method) as Scope[] | undefined;
  const params = Reflect.getMetadata('design:paramtypes', proto, handler) as unknown[] | undefined;
  const body = params?.[1];
  if (!scopes || params?.length !== 2 || typeof body !== 'function' || body === Object) {
    throw new Error(`thin route ${controller.name}.${handler}: expected @Auth and (caller, dto)`);
  }
  const instance = app.get<unknown, Record<string, (c: Caller, d: unknown) => Promise<RunOutcome>>>(
    controller,
  );
  return {
    key: `${RequestMethod[verb]} ${url}`,
    route: {
      scopes,
      body: body as Type<unknown>,
      run: (caller: Caller, dto: unknown) => instance[handler](caller, dto),
    } satisfies ThinRoute,
  };
}

/** Registers the thin path for THIN_ROUTES (after the tracing and request hooks). */
export function registerThinRoutes(app: NestFastifyApplication): void {
  const routes = new Map<string, ThinRoute>();
  for (const { controller, handler } of THIN_ROUTES) {
    const { key, route } = describe(app, controller, handler);
    routes.set(key, route);
  }
  const guard = new ApiKeyGuard(
    app.get(Reflector),
    app.get(ApiClientsService),
    app.get(RateLimiter),
    app.get(ConsoleSessions),
  );
  const pipe: ValidationPipe = bodyValidationPipe();
  const problems = new ProblemFilter(app.get(DatabaseOutage));
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();

  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = routes.get(`${request.method} ${request.routeOptions.url}`);
    if (!route) return;
    try {
      await guard.authorize(request, route.scopes);
      const dto: unknown = await pipe.transform(request.body, {
        type: 'body',
        metatype: route.body,
      });
      const outcome = await route.run(callerOf(request), dto);
      const body = answerOperation(request, reply, outcome);
      if (!reply.sent) void reply.send(body);
    } catch (error) {
      problems.answer(error, request, reply);
    }
    return reply;
  });
}
