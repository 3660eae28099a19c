import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactUrl } from '@lib/upstream-http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { scrubbingStdout } from './secret-values';

/** Paths pino-http keeps out of the request log (probes and scrapes would drown it). */
const QUIET = /^\/(health|metrics)(\/|\?|$)/;

/** Log keys whose values are always masked, wherever they appear in a log object. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  '*.password',
  '*.token',
  '*.access_token',
  '*.client_secret',
  '*.sharedSecret',
  '*.apiKey',
  '*["x-api-key"]',
  '*["gep-auth-key"]',
  '*["ocp-apim-subscription-key"]',
];

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
            redact: { paths: LOG_REDACT_PATHS, censor: '[REDACTED]' },
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
