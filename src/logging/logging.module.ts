import {
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DatabaseError } from 'pg';
import { type Level, type Logger, type LoggerOptions, levels } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { QueryFailedError } from 'typeorm';
import { REDACTED, isSecretKey, redact, redactUrl } from '@lib/redaction';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { isOperationalPath, rawRequestContext } from '../common/http/request-context';
import { traceIdOf } from '@lib/tracing';
import { extendRequestContext, requestTraceId } from '../tracing/request-tracing';
import { REQUEST_LOGGER_KEY, runInRequestContext, setRootLogger } from './gateway-logger';
import { logDestination } from './log-format';

/**
 * Every logged object goes through the shared redaction utility: secret-named keys are masked
 * at any depth. Objects that have their own serializer (req, res, err) are left to it; an error
 * under any other key is serialized here the same way as `err`.
 */
export function redactLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (isSecretKey(key) && value !== undefined && value !== null && value !== '')
      out[key] = REDACTED;
    else if (key === 'req' || key === 'res' || key === 'err') out[key] = value;
    else if (value instanceof Error) out[key] = serializeError(value);
    else out[key] = isPlain(value) ? redact(value) : value;
  }
  return out;
}

/** Fields of a Postgres error that name schema objects only, never data. */
const DATABASE_ERROR_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'constraint'];
const MAX_CAUSE_DEPTH = 3;

/**
 * Errors as logged: type, message, code, stack and cause. A database error (TypeORM's
 * QueryFailedError, or pg's own) is logged without its SQL, bound parameters, message, detail,
 * hint, where or stack: they carry request data (and so possibly secrets) verbatim. What is kept
 * is its SQLSTATE code and the names of the table, column and constraint.
 * Accepts the Error itself or pino's serialized copy of it (which keeps the original in `raw`).
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  const value = unwrapPinoError(error);
  if (!(value instanceof Error)) {
    // a thrown or logged non-Error: text as the message, an object with secret keys masked
    return value !== null && typeof value === 'object'
      ? { value: redact(value) }
      : { message: String(value) };
  }
  const cause = (value as { cause?: unknown }).cause;
  const causeOut =
    cause !== undefined && depth < MAX_CAUSE_DEPTH
      ? { cause: serializeError(cause, depth + 1) }
      : {};
  const database = databaseErrorOf(value);
  if (database) {
    const fields: Record<string, unknown> = {};
    for (const name of DATABASE_ERROR_FIELDS) {
      const field = (database as unknown as Record<string, unknown>)[name];
      if (field !== undefined && field !== null && field !== '') fields[name] = field;
    }
    // no stack either: its first line repeats the driver's message
    return { type: value.name, message: 'database query failed', ...fields, ...causeOut };
  }
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    message: value.message,
    ...(code !== undefined ? { code } : {}),
    stack: value.stack,
    ...causeOut,
  };
}

function unwrapPinoError(error: unknown): unknown {
  if (error instanceof Error || error === null || typeof error !== 'object') return error;
  const raw = (error as { raw?: unknown }).raw;
  return raw instanceof Error ? raw : error;
}

/** The Postgres error behind a database failure, if this is one. */
function databaseErrorOf(error: Error): DatabaseError | QueryFailedError | undefined {
  if (error instanceof DatabaseError) return error;
  if (error instanceof QueryFailedError) {
    const driver = (error as { driverError?: unknown }).driverError;
    return driver instanceof DatabaseError ? driver : error;
  }
  return undefined;
}

function isPlain(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The path as the caller sent it. Nest's middleware layer rewrites `req.url` while the
 * middleware runs (pino-http's ignore test runs then) and keeps the original in `originalUrl`.
 */
function requestPath(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

/**
 * Level of a request line: 5xx (or a failed response stream) at error, 4xx at warn. A 503
 * database_unavailable is at warn: the database away is not the gateway failing, and the outage
 * has its own warn line (src/metrics/database-outage.ts).
 */
export function requestLogLevel(status: number, failed: boolean, problemCode?: string): Level {
  if (!failed && problemCode === 'database_unavailable') return 'warn';
  if (failed || status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'info';
}

/** Whether a line at `level` is written under LOG_LEVEL `threshold`. */
export function levelEnabled(level: Level, threshold: string): boolean {
  if (threshold === 'silent') return false;
  const values = levels.values;
  return values[level] >= (values[threshold] ?? values.info);
}

/** What the gateway learnt about a request while handling it: who called, and the outcome. */
export function requestFacts(req: IncomingMessage): Record<string, unknown> {
  const traceId = requestTraceId(req);
  const ctx = rawRequestContext(req);
  if (!ctx) return traceId ? { traceId } : {};
  const facts: Record<string, unknown> = {
    traceId,
    clientId: ctx.principal?.clientId,
    clientName: ctx.principal?.clientName,
    problemCode: ctx.errorCode,
    operationId: ctx.operationId,
    provider: ctx.provider,
  };
  for (const key of Object.keys(facts)) if (facts[key] === undefined) delete facts[key];
  return facts;
}

/**
 * pino-http invents `new Error('failed with status code N')` for every 5xx answer: a stack that
 * points into pino-http, not at the failure (which the exception filter logs with its own
 * stack). Only a real error (the response stream failing) is kept on the request line.
 */
function isInventedError(error: Error, res: ServerResponse & { err?: unknown }): boolean {
  return res.err === undefined && error.message === `failed with status code ${res.statusCode}`;
}

/** `traceId` of the active span on every line logged while one is active. */
export function traceMixin(): Record<string, unknown> {
  const traceId = traceIdOf();
  return traceId ? { traceId } : {};
}

/**
 * The pino options every logger of the process shares (the start-up logger of main.ts and the
 * request logger): secret-named keys masked, errors serialized without database internals, the
 * active trace id on each line.
 */
export function sharedLoggerOptions(): LoggerOptions {
  return {
    // the trace of the span active when the line is written (request, upstream attempt)
    mixin: traceMixin,
    formatters: { log: redactLogObject },
    serializers: { err: (err: unknown) => serializeError(err) },
  };
}

type RequestLogger = HttpLogger<IncomingMessage, ServerResponse, Level | 'silent'>;

/**
 * The request logger (pino-http): one line per answered request, at the level its status calls
 * for, with what the gateway learnt about the request (requestFacts). Its pino logger becomes
 * the process's logger (gateway-logger.ts), and each request's child logger (with `req` bound)
 * is the one lines logged while handling it go to.
 */
export function requestLogger(config: AppConfig): RequestLogger {
  return pinoHttp(
    {
      ...sharedLoggerOptions(),
      level: config.logLevel,
      // Fastify's id, set on the raw request by genReqId: the log and the answer agree.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      // probes, scrapes and the docs would drown the request log
      autoLogging: { ignore: (req: IncomingMessage) => isOperationalPath(requestPath(req)) },
      // `err` here is only ever a real failure of the response stream
      // a line below LOG_LEVEL is not built at all (pino-http skips 'silent')
      customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
        const code = rawRequestContext(req)?.errorCode;
        const level = requestLogLevel(res.statusCode, err !== undefined, code);
        return levelEnabled(level, config.logLevel) ? level : 'silent';
      },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({
          requestId: req.id,
          method: req.method,
          // pino's request serializer has already taken originalUrl when there is one
          url: redactUrl(req.url ?? ''),
        }),
        res: (res: ServerResponse | { statusCode?: number }) => ({
          statusCode: res.statusCode,
        }),
        err: (err: unknown) => serializeError(err),
      },
      customSuccessObject: (
        req: IncomingMessage,
        _res: ServerResponse,
        val: Record<string, unknown>,
      ) => ({ ...val, ...requestFacts(req) }),
      customErrorObject: (
        req: IncomingMessage,
        res: ServerResponse,
        error: Error,
        val: Record<string, unknown>,
      ) => {
        const { err: _invented, ...rest } = val;
        return {
          ...(isInventedError(error, res) ? rest : val),
          ...requestFacts(req),
        };
      },
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse, time: number) =>
        `${req.method} ${redactUrl(requestPath(req))} ${res.statusCode} ${Math.round(time)}ms`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
        `${req.method} ${redactUrl(requestPath(req))} ${res.statusCode}`,
    },
    logDestination(config.logFormat),
  );
}

/** Mounts the request logger on every route (Nest middleware, run on the raw request). */
@Module({})
export class LoggingModule implements NestModule {
  private readonly http: RequestLogger;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.http = requestLogger(config);
    // pino's custom-level typing only: pino-http's logger is a plain pino logger
    setRootLogger(this.http.logger as unknown as Logger);
  }

  configure(consumer: MiddlewareConsumer): void {
    const http = this.http;
    consumer
      .apply(
        (req: IncomingMessage, res: ServerResponse, next: () => void) => http(req, res, next),
        // pino-http's own child is the last of allLogs (req.log may be another's already)
        (req: IncomingMessage & { allLogs?: Logger[] }, _res: ServerResponse, next: () => void) => {
          const own = req.allLogs?.[req.allLogs.length - 1];
          if (own) runInRequestContext(extendRequestContext(req, REQUEST_LOGGER_KEY, own), next);
          else next();
        },
      )
      .forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}
