import { PROVIDER_DEFINITIONS } from '../providers/provider-list';
import { PROVIDER_IDS, type ProviderSettingsMap } from '../providers/provider-ids';
import type { EnvReader } from './env-reader';

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
