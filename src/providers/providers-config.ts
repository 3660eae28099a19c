import { DEFAULT_DEADLINE_MS } from '@lib/upstream-http';
import type { AppConfig, ConfigPart } from '../config/app-config';
import type { EnvReader } from '../config/env-reader';
import { PROVIDER_IDS, type ProviderSettingsMap } from './provider-ids';
import { PROVIDER_DEFINITIONS } from './provider-list';

/** Each provider's settings (read by its own definition), and who may run mocked in production. */
export type ProvidersConfig = ProviderSettingsMap & {
  /** Providers allowed to run against their in-process simulator in production. */
  mockAllowed: string[];
};

export function readProvidersConfig(r: EnvReader, production: boolean): ProvidersConfig {
  const mockAllowed = r.list('MOCK_PROVIDERS');
  for (const id of mockAllowed) {
    if (!(PROVIDER_IDS as readonly string[]).includes(id)) {
      r.problem(
        `MOCK_PROVIDERS lists "${id}": expected provider ids from ${PROVIDER_IDS.join(', ')}`,
      );
    }
  }
  const settings = Object.fromEntries(
    PROVIDER_DEFINITIONS.map((definition) => [definition.id, definition.readSettings(r)]),
  ) as ProviderSettingsMap;
  if (production) {
    for (const definition of PROVIDER_DEFINITIONS) {
      if (!settings[definition.id].baseUrl && !mockAllowed.includes(definition.id)) {
        r.problem(
          `${definition.id} is not configured (${definition.envPrefix}_BASE_URL unset): configure it, or list it in MOCK_PROVIDERS to run it against its simulator`,
        );
      }
    }
  }
  return { ...settings, mockAllowed };
}

/** Every provider secret in the configuration (kept out of log lines). */
export function providerSecrets(config: ProvidersConfig): (string | undefined)[] {
  return PROVIDER_DEFINITIONS.flatMap((definition) =>
    (
      definition.secrets as (s: ProviderSettingsMap[typeof definition.id]) => (string | undefined)[]
    )(config[definition.id]),
  );
}

/**
 * A running operation whose lease has passed is taken over by another worker, so the lease must
 * outlast the longest upstream call (its deadline, retries included): else a slow call still in
 * flight would be sent a second time. Every listed provider is checked.
 */
function checkLeaseOutlastsDeadlines(r: EnvReader, leaseMs: number, config: ProvidersConfig) {
  for (const { id } of PROVIDER_DEFINITIONS) {
    const deadlineMs = config[id].http.deadlineMs ?? DEFAULT_DEADLINE_MS;
    if (deadlineMs >= leaseMs) {
      r.problem(
        `ASYNC_LEASE_MS (${leaseMs}) must be longer than the ${id} deadline (${deadlineMs} ms): a call still running would be taken over`,
      );
    }
  }
}

/** The providers' part of the configuration, read after the app's own settings. */
export const providersConfigPart: ConfigPart<ProvidersConfig> = {
  read(r, app) {
    const providers = readProvidersConfig(r, app.nodeEnv === 'production');
    checkLeaseOutlastsDeadlines(r, app.async.leaseMs, providers);
    return providers;
  },
  secrets: providerSecrets,
};

/** The configuration the providers read: the app's own settings and theirs. */
export type ConfigWithProviders = AppConfig & { providers: ProvidersConfig };
