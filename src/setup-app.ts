import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyHttpOptions } from 'fastify';
import { AppModule, type ModuleImport } from './app.module';
import { AuditWriter } from './audit/audit-writer.service';
import type { GatewayConfig } from './load-config';
import { registerJsonBodyParser } from './gateway/context/json-body';
import { saneRequestId } from './common/http/request-context';
import { registerRequestHooks } from './gateway/context/request-hooks';
import { registerInputChecks } from './gateway/context/request-input';
import { registerThinRoutes } from './gateway/thin-routes';
import { ClientErrorResponder, MAX_PARAM_LENGTH } from './gateway/problem/client-errors';
import { learnRouteMethods } from './gateway/problem/method-not-allowed';
import { NestLogger, startupLogger } from './logging/gateway-logger';
import { sharedLoggerOptions } from './logging/logging.module';
import { setupSwagger } from './gateway/openapi/document';
import { bodyValidationPipe } from './gateway/problem/validation';
import { MetricsService } from './metrics/metrics.service';
import { registerTracingHooks } from './tracing/request-tracing';
import { startTracing } from './tracing/tracing-bootstrap';

/** Keep-alive longer than any load balancer's idle timeout (AWS ALB: 60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Builds the gateway (not yet listening): used by main.ts and by the e2e tests. */
export interface CreateAppOptions {
  /** Extra modules mounted beside the gateway's own (tests use this for fault routes). */
  imports?: ModuleImport[];
}

export async function createApp(
  config: GatewayConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  // Fastify's and Node's own refusals (bad URL, unparsable headers, Expect) as problem+json
  const clientErrors = new ClientErrorResponder();
  const fastifyOptions: FastifyHttpOptions<Server> = {
    bodyLimit: config.bodyLimitBytes,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const id = saneRequestId(req.headers['x-request-id']) ?? randomUUID();
      // pino-http reads the same id from the raw request
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
    logger: false,
    frameworkErrors: clientErrors.frameworkErrors,
    clientErrorHandler: clientErrors.clientError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // a missing Host is answered by registerInputChecks, as problem+json
    http: { requireHostHeader: false },
  };
  const adapter = new FastifyAdapter(fastifyOptions);
  // Nest's start-up lines at LOG_LEVEL, in LOG_FORMAT, until the request logger takes over
  startupLogger({ level: config.logLevel, format: config.logFormat }, sharedLoggerOptions());
  // OpenTelemetry first: its context manager is global, set once before any module is built
  const tracing = startTracing(config.tracing);
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, tracing, options.imports),
      adapter,
      {
        // Nest's own lines in the gateway's format from the first one (logging/gateway-logger.ts)
        logger: new NestLogger(),
        // start-up errors reach the caller (main.ts prints them; tests see them) instead of exiting
        abortOnError: false,
        // the gateway's own JSON parser is registered below; nothing else is accepted
        bodyParser: false,
      },
    );
  } catch (error) {
    await tracing.shutdown();
    throw error;
  }
  clientErrors.attach(app.get(AuditWriter));
  app.getHttpAdapter().getHttpServer().on('checkExpectation', clientErrors.checkExpectation);
  registerJsonBodyParser(app.getHttpAdapter().getInstance(), config.bodyLimitBytes);
  app.useGlobalPipes(bodyValidationPipe());
  registerTracingHooks(app.getHttpAdapter().getInstance());
  registerRequestHooks(
    app.getHttpAdapter().getInstance(),
    app.get(AuditWriter),
    app.get(MetricsService),
  );
  // after the request hooks, so a refused request still carries its X-Request-Id
  registerInputChecks(app.getHttpAdapter().getInstance());
  // the hot routes, after the tracing and request hooks (gateway/thin-routes.ts)
  registerThinRoutes(app);
  learnRouteMethods(app.getHttpAdapter().getInstance());
  setupSwagger(app);
  return app;
}
