import { createSimulator, defaultDmsOptions } from '@lib/simulators';
import type { EnvReader } from '../../config/env-reader';
import { type ProviderDefinition, readHttpOverrides } from '../provider-definition';
import { DmsProvider } from './dms.provider';
import type { DmsSettings } from './dms.types';

export type { DmsSettings };

/** Dealer DMS: `DMS_BASE_URL`, and `DMS_API_KEY` or `DMS_USERNAME` + `DMS_PASSWORD`. */
export const dmsDefinition: ProviderDefinition<'dms', DmsSettings> = {
  id: 'dms',
  envPrefix: 'DMS',

  readSettings(r: EnvReader): DmsSettings {
    const settings: DmsSettings = {
      baseUrl: r.url('DMS_BASE_URL'),
      apiKey: r.string('DMS_API_KEY'),
      username: r.string('DMS_USERNAME'),
      password: r.string('DMS_PASSWORD'),
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

  secrets: (s) => [s.apiKey, s.password],

  mock(settings, secret) {
    const apiKey = secret();
    return {
      simulator: createSimulator('dms', {
        ...defaultDmsOptions(),
        apiKey,
        username: 'gateway',
        password: secret(),
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

  build: (endpoint, deps) => DmsProvider.fromEndpoint(endpoint, deps),
};
