import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  createSimulator,
  defaultDeliverySolutionsOptions,
  defaultDmsOptions,
  defaultGepQuantumOptions,
  defaultGepSmartOptions,
  type RunningSimulator,
} from '@lib/simulators';
import { APP_CONFIG } from '../config/config.module';
import { registerSecrets } from '../logging/secret-values';
import type { AppConfig } from '../config/app-config';
import type {
  DeliverySolutionsSettings,
  DmsSettings,
  GepQuantumSettings,
  GepSmartSettings,
  UpstreamHttpOverrides,
} from '../config/providers-config';
import type { UpstreamClientConfig } from '@lib/upstream-http';
import type { ProviderId, ProviderMode } from './provider.contract';

/** Where and how to reach one upstream: its configuration, or its in-process simulator. */
export interface Endpoint<S> {
  mode: ProviderMode;
  settings: S & { baseUrl: string };
  http: UpstreamHttpOverrides;
}

export interface EndpointSettings {
  dms: DmsSettings;
  'gep-smart': GepSmartSettings;
  'gep-quantum': GepQuantumSettings;
  'delivery-solutions': DeliverySolutionsSettings;
}

/** A provider's timeout and retry overrides as upstream-http client settings. */
export function httpSettings(
  http: UpstreamHttpOverrides,
): Pick<UpstreamClientConfig, 'connectTimeoutMs' | 'timeoutMs' | 'deadlineMs' | 'retry'> {
  return {
    connectTimeoutMs: http.connectTimeoutMs,
    timeoutMs: http.timeoutMs,
    deadlineMs: http.deadlineMs,
    retry: http.maxAttempts === undefined ? undefined : { maxAttempts: http.maxAttempts },
  };
}

/** A setting a live provider cannot work without (start-up validation has already checked it). */
export function requiredSetting<S extends object>(
  provider: ProviderId,
  settings: S,
  name: keyof S & string,
): string {
  const value = settings[name];
  if (typeof value !== 'string' || value === '')
    throw new Error(`${provider}: ${name} is not configured`);
  return value;
}

const secret = () => {
  const value = randomBytes(18).toString('base64url');
  registerSecrets(value);
  return value;
};

/**
 * Resolves each provider's endpoint. A provider whose base URL is not configured runs in mock
 * mode: its simulator starts here on a loopback port with freshly generated credentials, so
 * the real client, auth strategy and mapper run end to end. Simulators stop at shutdown.
 */
@Injectable()
export class ProviderEndpoints implements OnApplicationShutdown {
  private readonly logger = new Logger('ProviderEndpoints');
  private readonly running: RunningSimulator[] = [];
  private readonly mocks = new Map<ProviderId, string>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async resolve<K extends ProviderId>(id: K): Promise<Endpoint<EndpointSettings[K]>> {
    const configured = this.config.providers[id] as EndpointSettings[K];
    if (configured.baseUrl) {
      return {
        mode: 'live',
        settings: configured as EndpointSettings[K] & { baseUrl: string },
        http: configured.http,
      };
    }
    const settings = await this.startMock(id);
    this.mocks.set(id, settings.baseUrl);
    this.logger.warn(
      `${id} is not configured: running against its simulator at ${settings.baseUrl} (mock mode)`,
    );
    return {
      mode: 'mock',
      settings: settings as EndpointSettings[K] & { baseUrl: string },
      http: configured.http,
    };
  }

  /** Base URL of a mocked provider's in-process simulator (tests drive its faults with it). */
  simulatorUrl(id: ProviderId): string | undefined {
    return this.mocks.get(id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.running.map((sim) => sim.stop()));
    this.running.length = 0;
  }

  private async startMock(
    id: ProviderId,
  ): Promise<EndpointSettings[ProviderId] & { baseUrl: string }> {
    switch (id) {
      case 'dms': {
        const creds = { apiKey: secret(), username: 'gateway', password: secret() };
        const url = await this.launch(createSimulator('dms', { ...defaultDmsOptions(), ...creds }));
        const base = this.config.providers.dms;
        return {
          ...base,
          baseUrl: url,
          apiKey: creds.apiKey,
          username: undefined,
          password: undefined,
        };
      }
      case 'gep-smart': {
        const creds = { authKey: secret(), sharedSecret: secret() };
        const url = await this.launch(
          createSimulator('gep-smart', { ...defaultGepSmartOptions(), ...creds }),
        );
        const base = this.config.providers['gep-smart'];
        return {
          ...base,
          baseUrl: url,
          tokenUrl: `${url}/token/gep`,
          authKey: creds.authKey,
          sharedSecret: creds.sharedSecret,
          clientCertFile: undefined,
          clientKeyFile: undefined,
          caFile: undefined,
        };
      }
      case 'gep-quantum': {
        const creds = { authKey: secret(), subscriptionKey: secret() };
        const url = await this.launch(
          createSimulator('gep-quantum', { ...defaultGepQuantumOptions(), ...creds }),
        );
        const base = this.config.providers['gep-quantum'];
        return { ...base, baseUrl: url, tokenUrl: `${url}/SmartAuth2/Token`, ...creds };
      }
      case 'delivery-solutions': {
        const creds = {
          clientId: secret(),
          clientSecret: secret(),
          apiKey: secret(),
          tenantId: 'gateway-mock',
        };
        const url = await this.launch(
          createSimulator('delivery-solutions', { ...defaultDeliverySolutionsOptions(), ...creds }),
        );
        const base = this.config.providers['delivery-solutions'];
        // OAuth2 in mock mode, so the token flow runs too
        return {
          ...base,
          baseUrl: url,
          tokenUrl: `${url}/ent-services/security/v1/oauth/token`,
          clientId: creds.clientId,
          clientSecret: creds.clientSecret,
          apiKey: undefined,
          tenantId: undefined,
        };
      }
    }
  }

  private async launch(simulator: ReturnType<typeof createSimulator>): Promise<string> {
    const running = await simulator.start(0, '127.0.0.1');
    this.running.push(running);
    return running.url;
  }
}
