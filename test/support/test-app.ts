import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type GatewayConfig } from '../../src/load-config';
import { createApp, type CreateAppOptions } from '../../src/setup-app';
import { AuditWriter } from '../../src/audit/audit-writer.service';
import { registerGateway } from './contract-recorder';

export const TEST_BOOTSTRAP_KEY = 'test-bootstrap-key-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  config: GatewayConfig;
  /** Base URL of the listening gateway, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Waits until every audit row recorded so far is stored. */
  flushAudit(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real gateway on a loopback port against the test run's database. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: CreateAppOptions = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_POOL_SIZE: '4',
    DATABASE_RUN_MIGRATIONS: 'false',
    GATEWAY_BOOTSTRAP_API_KEY: TEST_BOOTSTRAP_KEY,
    ...env,
  });
  const app = await createApp(config, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await registerGateway(url);
  return {
    app,
    config,
    url,
    flushAudit: () => app.get(AuditWriter).flush(),
    close: () => app.close(),
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
