import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REDACTED, isSecretKey, redact, redactUrl } from '@lib/upstream-http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { scrubbingStdout } from './secret-values';

/** Paths pino-http keeps out of the request log (probes and scrapes would drown it). */
const QUIET = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Every logged object goes through the shared redaction utility: secret-named keys are masked
 * at any depth. Objects that have their own serializer (req, res, err) are left to it.
 */
export function redactLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (isSecretKey(key) && value !== undefined && value !== null && value !== '')
      out[key] = REDACTED;
    else if (key === 'req' || key === 'res' || key === 'err' || value instanceof Error)
      out[key] = value;
    else out[key] = isPlain(value) ? redact(value) : value;
  }
  return out;
}

/**
 * Errors as logged: type, message, code and stack. A database error's SQL, bound parameters
 * and row detail are left out: they carry request data (and so possibly secrets) verbatim.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { code?: unknown; driverError?: { code?: unknown } };
  const code = e.code ?? e.driverError?.code;
  return {
    type: e.name,
    message: e.name === 'QueryFailedError' ? 'database query failed' : e.message,
    ...(code !== undefined ? { code } : {}),
    stack: e.name === 'QueryFailedError' ? undefined : e.stack,
  };
}

function isPlain(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        pinoHttp: [
          {
            level: config.logLevel,
            // Fastify's id, set on the raw request by genReqId: the log and the answer agree.
            genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
            autoLogging: { ignore: (req: IncomingMessage) => QUIET.test(req.url ?? '') },
            formatters: { log: redactLogObject },
            serializers: {
              req: (req: { id?: string; method?: string; url?: string }) => ({
                requestId: req.id,
                method: req.method,
                url: redactUrl(req.url ?? ''),
              }),
              res: (res: ServerResponse | { statusCode?: number }) => ({
                statusCode: res.statusCode,
              }),
            },
            customSuccessMessage: (req: IncomingMessage, res: ServerResponse, time: number) =>
              `${req.method} ${redactUrl(req.url ?? '')} ${res.statusCode} ${Math.round(time)}ms`,
            customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
              `${req.method} ${redactUrl(req.url ?? '')} ${res.statusCode}`,
          },
          scrubbingStdout,
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
