import {
  GEP_QUANTUM_DEFAULT_CREDENTIALS,
  createGepQuantumSimulator,
  defaultGepQuantumOptions,
  simText,
  type GepQuantumSimulatorOptions,
  type GepQuantumCredentials,
} from '@lib/simulators';
import type { EnvReader } from '../../config/env-reader';
import {
  type ProviderDefinition,
  readHttpOverrides,
  requireVariables,
} from '../provider-definition';
import { GepQuantumProvider } from './gep-quantum.provider';
import type { GepQuantumSettings } from './gep-quantum.types';

export type { GepQuantumSettings };

/** GEP Quantum (LEO): base URL, token URL, GEP auth key and APIM subscription key. */
export const gepQuantumDefinition: ProviderDefinition<
  'gep-quantum',
  GepQuantumSettings,
  GepQuantumSimulatorOptions,
  GepQuantumCredentials
> = {
  id: 'gep-quantum',
  envPrefix: 'GEP_QUANTUM',

  readSettings(r: EnvReader): GepQuantumSettings {
    const settings: GepQuantumSettings = {
      baseUrl: r.url('GEP_QUANTUM_BASE_URL'),
      tokenUrl: r.url('GEP_QUANTUM_TOKEN_URL'),
      authKey: r.string('GEP_QUANTUM_AUTH_KEY'),
      subscriptionKey: r.string('GEP_QUANTUM_SUBSCRIPTION_KEY'),
      http: readHttpOverrides(r, 'GEP_QUANTUM'),
    };
    if (settings.baseUrl) {
      requireVariables(r, 'gep-quantum', [
        'GEP_QUANTUM_TOKEN_URL',
        'GEP_QUANTUM_AUTH_KEY',
        'GEP_QUANTUM_SUBSCRIPTION_KEY',
      ]);
    }
    return settings;
  },

  secrets: (s) => [s.authKey, s.subscriptionKey],

  mock(settings, secret) {
    const creds = { authKey: secret(), subscriptionKey: secret() };
    return {
      simulator: createGepQuantumSimulator({ ...defaultGepQuantumOptions(), ...creds }),
      settingsFor: (baseUrl) => ({
        ...settings,
        baseUrl,
        tokenUrl: `${baseUrl}/SmartAuth2/Token`,
        ...creds,
      }),
    };
  },

  simulator: {
    defaultPort: 4103,
    defaultCredentials: GEP_QUANTUM_DEFAULT_CREDENTIALS,
    options: (env, common) => ({
      ...defaultGepQuantumOptions(),
      ...common,
      authKey: simText(env, 'SIM_GEP_AUTH_KEY', GEP_QUANTUM_DEFAULT_CREDENTIALS.authKey),
      subscriptionKey: simText(
        env,
        'SIM_GEP_SUBSCRIPTION_KEY',
        GEP_QUANTUM_DEFAULT_CREDENTIALS.subscriptionKey,
      ),
    }),
    credentials: ({ authKey, subscriptionKey }) => ({ authKey, subscriptionKey }),
    create: createGepQuantumSimulator,
  },

  build: (endpoint, deps) => GepQuantumProvider.create(endpoint, deps),
};
