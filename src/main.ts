import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { LOG_LEVELS } from './config/app-config';
import { loadConfig, type GatewayConfig } from './load-config';
import { startupLogger } from './logging/gateway-logger';
import { logFormatOf } from './logging/log-format';
import { sharedLoggerOptions } from './logging/logging.module';
import { startFailureMessage } from './logging/start-failure';
import { createApp } from './setup-app';
import { GracefulShutdown } from './shutdown';

/**
 * After the grace period, how long draining may take before the process exits anyway: longer than
 * the default upstream deadline (25 s), so a request in flight can finish.
 */
const FORCED_EXIT_AFTER_MS = 30_000;

// every line in one format from the first (LOG_FORMAT, else JSON unless stdout is a terminal);
// read from the raw environment, since the configuration may be what fails
const rawLevel = process.env.LOG_LEVEL ?? 'info';
const startup = startupLogger(
  {
    level: (LOG_LEVELS as readonly string[]).includes(rawLevel) ? rawLevel : 'info',
    format: logFormatOf(process.env),
  },
  sharedLoggerOptions(),
);

async function bootstrap(): Promise<void> {
  const config: GatewayConfig = loadConfig(process.env);
  const app = await createApp(config);
  const logger = new Logger('Bootstrap');
  const shutdown = new GracefulShutdown(app, config.shutdownGraceMs, logger);
  if (config.auth.bootstrapApiKey) {
    logger.warn(
      config.auth.bootstrapIsDefault
        ? 'The local bootstrap API key (see docs/api.md) is accepted with every scope: for local use only'
        : 'GATEWAY_BOOTSTRAP_API_KEY is accepted with every scope: prefer keys from `npm run cli -- clients:create`',
    );
  }
  await app.listen({ port: config.port, host: config.host });
  logger.log(`invoice-gateway listening on ${await app.getUrl()} (Swagger UI at /docs)`);

  const stop = async (signal: string): Promise<void> => {
    setTimeout(() => {
      logger.fatal('invoice-gateway: shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownGraceMs + FORCED_EXIT_AFTER_MS).unref();
    await shutdown.run(`${signal} received`);
    logger.log('Stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  // the stack for whoever asks (LOG_LEVEL=debug); the last line says what to fix
  startup.debug({ err: error, context: 'Bootstrap' }, 'Start-up failed');
  startup.fatal({ context: 'Bootstrap' }, startFailureMessage(error));
  process.exit(1);
});
