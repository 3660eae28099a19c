import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from './config/app-config';
import { loadConfig, type GatewayConfig } from './load-config';
import { createApp } from './setup-app';
import { GracefulShutdown } from './shutdown';

/**
 * After the grace period, how long draining may take before the process exits anyway: longer than
 * the default upstream deadline (25 s), so a request in flight can finish.
 */
const FORCED_EXIT_AFTER_MS = 30_000;

async function bootstrap(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`invoice-gateway cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

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
      process.stderr.write('invoice-gateway: shutdown took too long, exiting\n');
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
  process.stderr.write(
    `invoice-gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
