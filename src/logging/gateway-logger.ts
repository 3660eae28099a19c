import type { LoggerService } from '@nestjs/common';
import { type Context, context, createContextKey } from '@opentelemetry/api';
import { pino, type Level, type Logger, type LoggerOptions } from 'pino';
import { logDestination, type LogFormat } from './log-format';

/**
 * The process's one pino logger and the Nest LoggerService over it, so that every line (Nest's
 * own start-up lines, the gateway's `new Logger(context)` lines, request lines and a failed
 * start's last line) has one format (log-format.ts). Until the logging module has built the
 * request logger (pino-http, logging.module.ts), lines go to a start-up logger with the same
 * options, made from the raw environment since the configuration may be what fails.
 */

/**
 * The request's own child logger (its `req` bound) while a request is handled: a value of the
 * request's OpenTelemetry context (the process's one AsyncLocalStorage, see
 * tracing/request-tracing.ts), so the handler finds it after body parsing too.
 */
export const REQUEST_LOGGER_KEY = createContextKey('invoice-gateway request logger');
let root: Logger | undefined;

/**
 * Runs `next` in `ctx` (the request's context with `logger` in it, extendRequestContext): the
 * logger of every line logged within it.
 */
export function runInRequestContext(ctx: Context, next: () => void): void {
  context.with(ctx, next);
}

/** Lines logged from now on go to `logger` (the request logger's root). */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

/** The logger for a line logged now: the current request's, else the process's. */
export function currentLogger(): Logger {
  return (
    (context.active().getValue(REQUEST_LOGGER_KEY) as Logger | undefined) ??
    root ??
    startupLogger({ level: 'info', format: 'json' })
  );
}

/**
 * The start-up logger (main.ts makes it first thing): `options` are the shared pino options of
 * logging.module.ts (redaction, error serializer, trace id), passed in to keep this file free of
 * the request side.
 */
export function startupLogger(
  settings: { level: string; format: LogFormat },
  options: LoggerOptions = {},
): Logger {
  root = pino({ ...options, level: settings.level }, logDestination(settings.format));
  return root;
}

const NEST_LEVELS: Record<string, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * Nest's LoggerService over pino. Nest's `Logger` calls it as `(message, ...params, context)`:
 * an object message is merged into the line (an Error becomes `err`), a string is the line's
 * message, and (message, stack) is an error with that stack; the context is the last
 * parameter. What Nest's own exception handler logs of a failed start is kept at debug, since
 * main.ts ends a failed start with one line saying what to fix.
 */
export class NestLogger implements LoggerService {
  verbose(message: unknown, ...params: unknown[]): void {
    this.call('verbose', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.call('log', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  private call(method: string, message: unknown, params: unknown[]): void {
    let level = NEST_LEVELS[method];
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    // Nest's start-up exception handler: the stack for LOG_LEVEL=debug, main.ts says what to fix
    if (level === 'error' && fields.context === 'ExceptionHandler') level = 'debug';
    const logger = currentLogger();
    if (message !== null && typeof message === 'object') {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      logger[level](fields, ...(rest as [string?]));
      return;
    }
    const stack = rest.length === 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (level === 'error' && stack !== undefined && /\n\s*at /.test(stack)) {
      // Nest's exception handlers pass (message, stack)
      const err = new Error(String(message));
      err.stack = stack;
      logger[level]({ ...fields, err }, String(message));
      return;
    }
    logger[level](fields, String(message), ...(rest as [unknown?]));
  }
}
