import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { RunningSimulator } from '@lib/simulators';
import { APP_CONFIG } from '../config/config.module';
import type { ConfigWithProviders } from './providers-config';
import { registerSecrets } from '@lib/redaction';
import type { Endpoint } from './provider-definition';
import { definitionOf, type ProviderId, type SettingsOf } from './provider-ids';

const secret = () => {
  const value = randomBytes(18).toString('base64url');
  registerSecrets(value);
  return value;
};

/**
 * Resolves each provider's endpoint. A provider whose base URL is not configured runs in mock
 * mode: its simulator (from its definition) starts here on a loopback port with freshly
 * generated credentials, so the real client, auth strategy and mapper run end to end.
 * Simulators stop at shutdown.
 */
@Injectable()
export class ProviderEndpoints implements OnApplicationShutdown {
  private readonly logger = new Logger('ProviderEndpoints');
  private readonly running: RunningSimulator[] = [];
  private readonly mocks = new Map<ProviderId, string>();

  constructor(@Inject(APP_CONFIG) private readonly config: ConfigWithProviders) {}

  async resolve<K extends ProviderId>(id: K): Promise<Endpoint<SettingsOf<K>>> {
    const configured = this.config.providers[id] as unknown as SettingsOf<K>;
    if (configured.baseUrl) {
      return {
        mode: 'live',
        settings: configured as SettingsOf<K> & { baseUrl: string },
        http: configured.http,
      };
    }
    const mock = definitionOf(id).mock(configured, secret);
    const running = await mock.simulator.start(0, '127.0.0.1');
    this.running.push(running);
    this.mocks.set(id, running.url);
    this.logger.warn(
      `${id} is not configured: running against its simulator at ${running.url} (mock mode)`,
    );
    return { mode: 'mock', settings: mock.settingsFor(running.url), http: configured.http };
  }

  /** Base URL of a mocked provider's in-process simulator (tests drive its faults with it). */
  simulatorUrl(id: ProviderId): string | undefined {
    return this.mocks.get(id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.running.map((sim) => sim.stop()));
    this.running.length = 0;
  }
}
