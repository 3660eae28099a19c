import {
  GEP_SMART_DEFAULT_CREDENTIALS,
  createGepSmartSimulator,
  defaultGepSmartOptions,
  simText,
  type GepSmartSimulatorOptions,
  type GepSmartCredentials,
} from '@lib/simulators';
import type { EnvReader } from '../../config/env-reader';
import {
  type ProviderDefinition,
  readHttpOverrides,
  requireVariables,
} from '../provider-definition';
import { GepSmartProvider } from './gep-smart.provider';
import type { GepSmartSettings } from './gep-smart.types';

export type { GepSmartSettings };

/** GEP SMART: base and token URLs, GEP auth key, shared secret, optional client certificate. */
export const gepSmartDefinition: ProviderDefinition<
  'gep-smart',
  GepSmartSettings,
  GepSmartSimulatorOptions,
  GepSmartCredentials
> = {
  id: 'gep-smart',
  envPrefix: 'GEP_SMART',

  readSettings(r: EnvReader): GepSmartSettings {
    const settings: GepSmartSettings = {
      baseUrl: r.url('GEP_SMART_BASE_URL'),
      tokenUrl: r.url('GEP_SMART_TOKEN_URL'),
      authKey: r.string('GEP_SMART_AUTH_KEY'),
      clientCertFile: r.string('GEP_SMART_CLIENT_CERT'),
      clientKeyFile: r.string('GEP_SMART_CLIENT_KEY'),
      caFile: r.string('GEP_SMART_CA'),
      sharedSecret: r.string('GEP_SMART_SHARED_SECRET'),
      fromDomain: r.string('GEP_SMART_FROM_DOMAIN', 'NetworkID'),
      fromIdentity: r.string('GEP_SMART_FROM_IDENTITY', 'invoice-gateway'),
      toDomain: r.string('GEP_SMART_TO_DOMAIN', 'NetworkID'),
      toIdentity: r.string('GEP_SMART_TO_IDENTITY', 'GEP'),
      senderDomain: r.string('GEP_SMART_SENDER_DOMAIN', 'NetworkID'),
      senderIdentity: r.string('GEP_SMART_SENDER_IDENTITY', 'invoice-gateway'),
      userAgent: r.string('GEP_SMART_USER_AGENT', 'invoice-gateway/1'),
      partnerInvNoForPayment:
        r.oneOf('GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT', ['0', '1'], '1') === '1',
      http: readHttpOverrides(r, 'GEP_SMART'),
    };
    if (settings.baseUrl) {
      requireVariables(r, 'gep-smart', [
        'GEP_SMART_TOKEN_URL',
        'GEP_SMART_AUTH_KEY',
        'GEP_SMART_SHARED_SECRET',
      ]);
    }
    if (Boolean(settings.clientCertFile) !== Boolean(settings.clientKeyFile)) {
      r.problem('GEP_SMART_CLIENT_CERT and GEP_SMART_CLIENT_KEY go together: set both or neither');
    }
    return settings;
  },

  secrets: (s) => [s.authKey, s.sharedSecret],

  mock(settings, secret) {
    const creds = { authKey: secret(), sharedSecret: secret() };
    return {
      simulator: createGepSmartSimulator({
        ...defaultGepSmartOptions(),
        ...creds,
        partnerInvNoForPayment: settings.partnerInvNoForPayment ?? true,
      }),
      settingsFor: (baseUrl) => ({
        ...settings,
        baseUrl,
        tokenUrl: `${baseUrl}/token/gep`,
        ...creds,
        clientCertFile: undefined,
        clientKeyFile: undefined,
        caFile: undefined,
      }),
    };
  },

  simulator: {
    defaultPort: 4102,
    defaultCredentials: GEP_SMART_DEFAULT_CREDENTIALS,
    options: (env, common) => ({
      ...defaultGepSmartOptions(),
      ...common,
      authKey: simText(env, 'SIM_GEP_AUTH_KEY', GEP_SMART_DEFAULT_CREDENTIALS.authKey),
      sharedSecret: simText(
        env,
        'SIM_GEP_SHARED_SECRET',
        GEP_SMART_DEFAULT_CREDENTIALS.sharedSecret,
      ),
    }),
    credentials: ({ authKey, sharedSecret }) => ({ authKey, sharedSecret }),
    create: createGepSmartSimulator,
  },

  build: (endpoint, deps) => GepSmartProvider.create(endpoint, deps),
};
