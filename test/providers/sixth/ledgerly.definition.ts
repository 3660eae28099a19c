import type { EnvReader } from '../../../src/config/env-reader';
import {
  readHttpOverrides,
  requireVariables,
  type ProviderDefinition,
} from '../../../src/providers/provider-definition';
import { simText } from '@lib/simulators';
import { LedgerlyProvider, type LedgerlySettings } from './ledgerly.provider';
import {
  LEDGERLY_DEFAULT_CREDENTIALS,
  createLedgerlySimulator,
  type LedgerlyCredentials,
  type LedgerlySimulatorOptions,
} from './ledgerly.simulator';

/** Ledgerly: `LEDGERLY_BASE_URL` and `LEDGERLY_API_KEY`. A test-only sixth provider. */
export const ledgerlyDefinition: ProviderDefinition<
  'ledgerly',
  LedgerlySettings,
  LedgerlySimulatorOptions,
  LedgerlyCredentials
> = {
  id: 'ledgerly',
  envPrefix: 'LEDGERLY',

  readSettings(r: EnvReader): LedgerlySettings {
    const settings: LedgerlySettings = {
      baseUrl: r.url('LEDGERLY_BASE_URL'),
      apiKey: r.string('LEDGERLY_API_KEY'),
      http: readHttpOverrides(r, 'LEDGERLY'),
    };
    if (settings.baseUrl) requireVariables(r, 'ledgerly', ['LEDGERLY_API_KEY']);
    return settings;
  },

  secrets: (s) => [s.apiKey],

  mock(settings, secret) {
    const apiKey = secret();
    return {
      simulator: createLedgerlySimulator({ apiKey }),
      settingsFor: (baseUrl) => ({ ...settings, baseUrl, apiKey }),
    };
  },

  simulator: {
    defaultPort: 4106,
    defaultCredentials: LEDGERLY_DEFAULT_CREDENTIALS,
    options: (env, common) => ({
      ...common,
      apiKey: simText(env, 'SIM_LEDGERLY_API_KEY', LEDGERLY_DEFAULT_CREDENTIALS.apiKey),
    }),
    credentials: ({ apiKey }) => ({ apiKey }),
    create: createLedgerlySimulator,
  },

  build: (endpoint, deps) => LedgerlyProvider.create(endpoint, deps),
};
