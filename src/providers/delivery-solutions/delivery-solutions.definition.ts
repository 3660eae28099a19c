import {
  DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS,
  createDeliverySolutionsSimulator,
  defaultDeliverySolutionsOptions,
  simText,
  type DeliverySolutionsCredentials,
  type DeliverySolutionsSimulatorOptions,
} from '@lib/simulators';
import type { EnvReader } from '../../config/env-reader';
import { type ProviderDefinition, readHttpOverrides } from '../provider-definition';
import { DeliverySolutionsProvider } from './delivery-solutions.provider';
import type { DeliverySolutionsSettings } from './delivery-solutions.types';

export type { DeliverySolutionsSettings };

const OAUTH_VARS = [
  'DELIVERY_SOLUTIONS_TOKEN_URL',
  'DELIVERY_SOLUTIONS_CLIENT_ID',
  'DELIVERY_SOLUTIONS_CLIENT_SECRET',
];
const KEY_VARS = ['DELIVERY_SOLUTIONS_API_KEY', 'DELIVERY_SOLUTIONS_TENANT_ID'];

/** Delivery Solutions: OAuth2 client credentials, or an API key with a tenant id. */
export const deliverySolutionsDefinition: ProviderDefinition<
  'delivery-solutions',
  DeliverySolutionsSettings,
  DeliverySolutionsSimulatorOptions,
  DeliverySolutionsCredentials
> = {
  id: 'delivery-solutions',
  envPrefix: 'DELIVERY_SOLUTIONS',

  readSettings(r: EnvReader): DeliverySolutionsSettings {
    const settings: DeliverySolutionsSettings = {
      baseUrl: r.url('DELIVERY_SOLUTIONS_BASE_URL'),
      tokenUrl: r.url('DELIVERY_SOLUTIONS_TOKEN_URL'),
      clientId: r.string('DELIVERY_SOLUTIONS_CLIENT_ID'),
      clientSecret: r.string('DELIVERY_SOLUTIONS_CLIENT_SECRET'),
      scope: r.string('DELIVERY_SOLUTIONS_SCOPE'),
      apiKey: r.string('DELIVERY_SOLUTIONS_API_KEY'),
      tenantId: r.string('DELIVERY_SOLUTIONS_TENANT_ID'),
      http: readHttpOverrides(r, 'DELIVERY_SOLUTIONS'),
    };
    const complete = (names: string[]) => names.every((n) => r.has(n));
    if (settings.baseUrl && !complete(OAUTH_VARS) && !complete(KEY_VARS)) {
      const started = OAUTH_VARS.some((n) => r.has(n))
        ? OAUTH_VARS
        : KEY_VARS.some((n) => r.has(n))
          ? KEY_VARS
          : [];
      const missing = started.filter((n) => !r.has(n));
      r.problem(
        `delivery-solutions has a base URL but no complete credentials: set ${OAUTH_VARS.join(', ')}, or ${KEY_VARS.join(' and ')}${
          missing.length ? ` (missing ${missing.join(', ')})` : ''
        }`,
      );
    }
    return settings;
  },

  secrets: (s) => [s.clientSecret, s.apiKey],

  mock(settings, secret) {
    const creds = {
      clientId: secret(),
      clientSecret: secret(),
      apiKey: secret(),
      tenantId: 'gateway-mock',
    };
    return {
      simulator: createDeliverySolutionsSimulator({
        ...defaultDeliverySolutionsOptions(),
        ...creds,
      }),
      // OAuth2 in mock mode, so the token flow runs too
      settingsFor: (baseUrl) => ({
        ...settings,
        baseUrl,
        tokenUrl: `${baseUrl}/ent-services/security/v1/oauth/token`,
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        apiKey: undefined,
        tenantId: undefined,
      }),
    };
  },

  simulator: {
    defaultPort: 4104,
    defaultCredentials: DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS,
    options: (env, common) => ({
      ...defaultDeliverySolutionsOptions(),
      ...common,
      clientId: simText(env, 'SIM_DS_CLIENT_ID', DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS.clientId),
      clientSecret: simText(
        env,
        'SIM_DS_CLIENT_SECRET',
        DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS.clientSecret,
      ),
      apiKey: simText(env, 'SIM_DS_API_KEY', DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS.apiKey),
      tenantId: simText(env, 'SIM_DS_TENANT_ID', DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS.tenantId),
    }),
    credentials: ({ clientId, clientSecret, apiKey, tenantId }) => ({
      clientId,
      clientSecret,
      apiKey,
      tenantId,
    }),
    create: createDeliverySolutionsSimulator,
  },

  build: (endpoint, deps) => DeliverySolutionsProvider.fromEndpoint(endpoint, deps),
};
