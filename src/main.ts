import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError, loadAppConfig, type AppConfig } from './config/app-config';
import { ShutdownState } from './health/shutdown-state';
import { createApp } from './setup-app';

/** After the grace period, how long draining may take before the process exits anyway. */
const FORCED_EXIT_AFTER_MS = 30_000;

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadAppConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`invoice-gateway cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = await createApp(config);
  const logger = new Logger('Bootstrap');
  if (config.auth.bootstrapApiKey) {
    logger.warn(
      config.auth.bootstrapIsDefault
        ? 'The local bootstrap API key (see README) is accepted with every scope: for local use only'
        : 'GATEWAY_BOOTSTRAP_API_KEY is accepted with every scope: prefer keys from `npm run cli -- clients:create`',
    );
  }
  await app.listen({ port: config.port, host: config.host });
  logger.log(`invoice-gateway listening on ${await app.getUrl()} (Swagger UI at /docs)`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: readiness now fails, draining in-flight requests`);
    app.get(ShutdownState).begin();
    setTimeout(() => {
      process.stderr.write('invoice-gateway: shutdown took too long, exiting\n');
      process.exit(1);
    }, config.shutdownGraceMs + FORCED_EXIT_AFTER_MS).unref();
    if (config.shutdownGraceMs > 0) await new Promise((r) => setTimeout(r, config.shutdownGraceMs));
    await app.close();
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
