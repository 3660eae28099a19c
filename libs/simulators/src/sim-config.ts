import { SIMULATOR_IDS, type CommonSimulatorOptions, type SimulatorId } from './sim-types';

/** Credentials the DMS simulator accepts: `Bearer <apiKey>` or `Basic username:password`. */
export interface DmsCredentials {
  apiKey: string;
  username: string;
  password: string;
}

/** GEP SMART: `gep-auth-key` for `GET /token/gep`; `sharedSecret` in credit-memo `header.sender`. */
export interface GepSmartCredentials {
  authKey: string;
  sharedSecret: string;
}

/** GEP Quantum: `gep-auth-key` + `Ocp-Apim-Subscription-Key` (token and every call). */
export interface GepQuantumCredentials {
  authKey: string;
  subscriptionKey: string;
}

/** Delivery Solutions: OAuth2 client credentials, or `x-api-key` + `tenantid`. */
export interface DeliverySolutionsCredentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  tenantId: string;
}

/** Credentials per simulator, keyed by simulator id. */
export interface SimulatorCredentials {
  dms: DmsCredentials;
  'gep-smart': GepSmartCredentials;
  'gep-quantum': GepQuantumCredentials;
  'delivery-solutions': DeliverySolutionsCredentials;
}

export interface DmsDealer {
  code: string;
  name: string;
}

export interface DmsSimulatorOptions extends CommonSimulatorOptions, DmsCredentials {
  /** Registered dealers (default: `fixtures/dms-dealers.json`). */
  dealers?: readonly DmsDealer[];
  /** Known internal-order numbers (default: `fixtures/dms-io-numbers.json`). */
  ioNumbers?: readonly string[];
  /** Base of `invoice_url` / `credit_note_url` (default `https://dms.example.com`). */
  documentBaseUrl: string;
}

export interface GepSmartSimulatorOptions extends CommonSimulatorOptions, GepSmartCredentials {
  /** Accepted status values, matched case-insensitively. */
  statuses: readonly string[];
}

export interface GepQuantumSimulatorOptions extends CommonSimulatorOptions, GepQuantumCredentials {
  /** Accepted `statusInfo` values, matched case-insensitively. */
  statuses: readonly string[];
  /** Base of the `documentURL` in success details. */
  documentBaseUrl: string;
}

export type DeliverySolutionsSimulatorOptions = CommonSimulatorOptions &
  DeliverySolutionsCredentials;

export interface SimulatorOptionsById {
  dms: DmsSimulatorOptions;
  'gep-smart': GepSmartSimulatorOptions;
  'gep-quantum': GepQuantumSimulatorOptions;
  'delivery-solutions': DeliverySolutionsSimulatorOptions;
}

/** Everything `npm run simulators` and the gateway's mock mode need, read from SIM_* variables. */
export interface SimulatorsConfig {
  host: string;
  ports: Record<SimulatorId, number>;
  options: SimulatorOptionsById;
}

export const DEFAULT_SIM_HOST = '127.0.0.1';
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_REQUEST_LOG_SIZE = 200;

export const DEFAULT_PORTS: Readonly<Record<SimulatorId, number>> = {
  dms: 4101,
  'gep-smart': 4102,
  'gep-quantum': 4103,
  'delivery-solutions': 4104,
};

export const DEFAULT_CREDENTIALS: Readonly<SimulatorCredentials> = {
  dms: { apiKey: 'sim-dms-key', username: 'sim-dms-user', password: 'sim-dms-password' },
  'gep-smart': { authKey: 'sim-gep-auth-key', sharedSecret: 'sim-gep-shared-secret' },
  'gep-quantum': { authKey: 'sim-gep-auth-key', subscriptionKey: 'sim-gep-subscription-key' },
  'delivery-solutions': {
    clientId: 'sim-ds-client-id',
    clientSecret: 'sim-ds-client-secret',
    apiKey: 'sim-ds-api-key',
    tenantId: 'sim-tenant',
  },
};

/** Status values GEP shows in its examples (`Exception` is implied by the exceptionType rules). */
export const DEFAULT_GEP_SMART_STATUSES: readonly string[] = [
  'SentForPayment',
  'ReadyForPayment',
  'Cancelled',
  'Exception',
];

/** GEP publishes no list for Quantum `statusInfo`; these are the simulator's choice. */
export const DEFAULT_GEP_QUANTUM_STATUSES: readonly string[] = [
  'ReadyForPayment',
  'SentForPayment',
  'PartiallyPaid',
  'Paid',
  'PaymentFailed',
  'Cancelled',
];

export function defaultCommonOptions(): CommonSimulatorOptions {
  return {
    tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
    now: () => Date.now(),
    requestLogSize: DEFAULT_REQUEST_LOG_SIZE,
  };
}

export function defaultDmsOptions(): DmsSimulatorOptions {
  return {
    ...defaultCommonOptions(),
    ...DEFAULT_CREDENTIALS.dms,
    documentBaseUrl: 'https://dms.example.com',
  };
}

export function defaultGepSmartOptions(): GepSmartSimulatorOptions {
  return {
    ...defaultCommonOptions(),
    ...DEFAULT_CREDENTIALS['gep-smart'],
    statuses: DEFAULT_GEP_SMART_STATUSES,
  };
}

export function defaultGepQuantumOptions(): GepQuantumSimulatorOptions {
  return {
    ...defaultCommonOptions(),
    ...DEFAULT_CREDENTIALS['gep-quantum'],
    statuses: DEFAULT_GEP_QUANTUM_STATUSES,
    documentBaseUrl: 'https://leo.gep.example.com/documents',
  };
}

export function defaultDeliverySolutionsOptions(): DeliverySolutionsSimulatorOptions {
  return { ...defaultCommonOptions(), ...DEFAULT_CREDENTIALS['delivery-solutions'] };
}

/** Thrown for a SIM_* variable that is set but unusable; names the variable. */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimulatorConfigError(
      `${name} must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

const PORT_VARIABLES: Record<SimulatorId, string> = {
  dms: 'SIM_DMS_PORT',
  'gep-smart': 'SIM_GEP_SMART_PORT',
  'gep-quantum': 'SIM_GEP_QUANTUM_PORT',
  'delivery-solutions': 'SIM_DELIVERY_SOLUTIONS_PORT',
};

/**
 * The one place SIM_* variables are read. Unset or empty variables take the defaults:
 *
 * | variable | default |
 * |---|---|
 * | SIM_HOST | 127.0.0.1 |
 * | SIM_DMS_PORT / SIM_GEP_SMART_PORT / SIM_GEP_QUANTUM_PORT / SIM_DELIVERY_SOLUTIONS_PORT | 4101 / 4102 / 4103 / 4104 |
 * | SIM_TOKEN_TTL_SECONDS | 3600 |
 * | SIM_REQUEST_LOG_SIZE | 200 |
 * | SIM_DMS_API_KEY, SIM_DMS_USERNAME, SIM_DMS_PASSWORD | sim-dms-key, sim-dms-user, sim-dms-password |
 * | SIM_GEP_AUTH_KEY (SMART and Quantum) | sim-gep-auth-key |
 * | SIM_GEP_SUBSCRIPTION_KEY | sim-gep-subscription-key |
 * | SIM_GEP_SHARED_SECRET | sim-gep-shared-secret |
 * | SIM_DS_CLIENT_ID, SIM_DS_CLIENT_SECRET | sim-ds-client-id, sim-ds-client-secret |
 * | SIM_DS_API_KEY, SIM_DS_TENANT_ID | sim-ds-api-key, sim-tenant |
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): SimulatorsConfig {
  const common: CommonSimulatorOptions = {
    tokenTtlSeconds: integer(
      env,
      'SIM_TOKEN_TTL_SECONDS',
      DEFAULT_TOKEN_TTL_SECONDS,
      1,
      31_536_000,
    ),
    now: () => Date.now(),
    requestLogSize: integer(env, 'SIM_REQUEST_LOG_SIZE', DEFAULT_REQUEST_LOG_SIZE, 1, 100_000),
  };
  const ports = {} as Record<SimulatorId, number>;
  for (const id of SIMULATOR_IDS) {
    ports[id] = integer(env, PORT_VARIABLES[id], DEFAULT_PORTS[id], 0, 65_535);
  }
  const gepAuthKey = text(env, 'SIM_GEP_AUTH_KEY', DEFAULT_CREDENTIALS['gep-smart'].authKey);
  const ds = DEFAULT_CREDENTIALS['delivery-solutions'];
  const dms = DEFAULT_CREDENTIALS.dms;
  return {
    host: text(env, 'SIM_HOST', DEFAULT_SIM_HOST),
    ports,
    options: {
      dms: {
        ...defaultDmsOptions(),
        ...common,
        apiKey: text(env, 'SIM_DMS_API_KEY', dms.apiKey),
        username: text(env, 'SIM_DMS_USERNAME', dms.username),
        password: text(env, 'SIM_DMS_PASSWORD', dms.password),
      },
      'gep-smart': {
        ...defaultGepSmartOptions(),
        ...common,
        authKey: gepAuthKey,
        sharedSecret: text(
          env,
          'SIM_GEP_SHARED_SECRET',
          DEFAULT_CREDENTIALS['gep-smart'].sharedSecret,
        ),
      },
      'gep-quantum': {
        ...defaultGepQuantumOptions(),
        ...common,
        authKey: gepAuthKey,
        subscriptionKey: text(
          env,
          'SIM_GEP_SUBSCRIPTION_KEY',
          DEFAULT_CREDENTIALS['gep-quantum'].subscriptionKey,
        ),
      },
      'delivery-solutions': {
        ...defaultDeliverySolutionsOptions(),
        ...common,
        clientId: text(env, 'SIM_DS_CLIENT_ID', ds.clientId),
        clientSecret: text(env, 'SIM_DS_CLIENT_SECRET', ds.clientSecret),
        apiKey: text(env, 'SIM_DS_API_KEY', ds.apiKey),
        tenantId: text(env, 'SIM_DS_TENANT_ID', ds.tenantId),
      },
    },
  };
}

/** The credentials part of a config, e.g. for the gateway's mock-mode client settings. */
export function simulatorCredentials(config: SimulatorsConfig): SimulatorCredentials {
  const { dms, 'gep-smart': smart, 'gep-quantum': quantum } = config.options;
  const ds = config.options['delivery-solutions'];
  return {
    dms: { apiKey: dms.apiKey, username: dms.username, password: dms.password },
    'gep-smart': { authKey: smart.authKey, sharedSecret: smart.sharedSecret },
    'gep-quantum': { authKey: quantum.authKey, subscriptionKey: quantum.subscriptionKey },
    'delivery-solutions': {
      clientId: ds.clientId,
      clientSecret: ds.clientSecret,
      apiKey: ds.apiKey,
      tenantId: ds.tenantId,
    },
  };
}
