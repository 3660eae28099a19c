import {
  DMS_DEFAULT_CREDENTIALS,
  createDmsSimulator,
  defaultDmsOptions,
  simText,
  type DmsSimulatorOptions,
  type DmsCredentials,
} from '@lib/simulators';
import type { EnvReader } from '../../config/env-reader';
import { type ProviderDefinition, readHttpOverrides } from '../provider-definition';
import { DmsProvider } from './dms.provider';
import type { DmsSettings } from './dms.types';

export type { DmsSettings };

/** Dealer DMS: `DMS_BASE_URL`, and `DMS_API_KEY` or `DMS_USERNAME` + `DMS_PASSWORD`. */
export const dmsDefinition: ProviderDefinition<
  'dms',
  DmsSettings,
  DmsSimulatorOptions,
  DmsCredentials
> = {
  id: 'dms',
  envPrefix: 'DMS',

  readSettings(r: EnvReader): DmsSettings {
    const settings: DmsSettings = {
      baseUrl: r.url('DMS_BASE_URL'),
      apiKey: r.string('DMS_API_KEY'),
      username: r.string('DMS_USERNAME'),
      password: r.string('DMS_PASSWORD'),
      webhookSecret: r.string('DMS_WEBHOOK_SECRET'),
      http: readHttpOverrides(r, 'DMS'),
    };
    if (settings.baseUrl && !settings.apiKey && !(settings.username && settings.password)) {
      r.problem(
        `dms has a base URL but no credentials: set DMS_API_KEY, or DMS_USERNAME and DMS_PASSWORD${
          settings.username || settings.password
            ? ` (missing ${settings.username ? 'DMS_PASSWORD' : 'DMS_USERNAME'})`
            : ''
        }`,
      );
    }
    return settings;
  },

  secrets: (s) => [s.apiKey, s.password, s.webhookSecret],

  mock(settings, secret) {
    const apiKey = secret();
    return {
      simulator: createDmsSimulator({
        ...defaultDmsOptions(),
        apiKey,
        username: 'gateway',
        password: secret(),
        webhookSecret: settings.webhookSecret,
      }),
      settingsFor: (baseUrl) => ({
        ...settings,
        baseUrl,
        apiKey,
        username: undefined,
        password: undefined,
      }),
    };
  },

  simulator: {
    defaultPort: 4101,
    defaultCredentials: DMS_DEFAULT_CREDENTIALS,
    options: (env, common) => ({
      ...defaultDmsOptions(),
      ...common,
      apiKey: simText(env, 'SIM_DMS_API_KEY', DMS_DEFAULT_CREDENTIALS.apiKey),
      username: simText(env, 'SIM_DMS_USERNAME', DMS_DEFAULT_CREDENTIALS.username),
      password: simText(env, 'SIM_DMS_PASSWORD', DMS_DEFAULT_CREDENTIALS.password),
      webhookSecret: env.SIM_DMS_WEBHOOK_SECRET,
    }),
    credentials: ({ apiKey, username, password }) => ({ apiKey, username, password }),
    create: createDmsSimulator,
  },

  build: (endpoint, deps) => DmsProvider.fromEndpoint(endpoint, deps),
};
