import type { EnvReader } from './env-reader';

export interface UpstreamHttpOverrides {
  connectTimeoutMs?: number;
  timeoutMs?: number;
  deadlineMs?: number;
  maxAttempts?: number;
}

export interface DmsSettings {
  baseUrl?: string;
  apiKey?: string;
  username?: string;
  password?: string;
  http: UpstreamHttpOverrides;
}

export interface GepSmartSettings {
  baseUrl?: string;
  tokenUrl?: string;
  authKey?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  caFile?: string;
  sharedSecret?: string;
  fromDomain: string;
  fromIdentity: string;
  toDomain: string;
  toIdentity: string;
  senderDomain: string;
  senderIdentity: string;
  userAgent: string;
  http: UpstreamHttpOverrides;
}

export interface GepQuantumSettings {
  baseUrl?: string;
  tokenUrl?: string;
  authKey?: string;
  subscriptionKey?: string;
  http: UpstreamHttpOverrides;
}

export interface DeliverySolutionsSettings {
  baseUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  apiKey?: string;
  tenantId?: string;
  http: UpstreamHttpOverrides;
}

export interface ProvidersConfig {
  dms: DmsSettings;
  'gep-smart': GepSmartSettings;
  'gep-quantum': GepQuantumSettings;
  'delivery-solutions': DeliverySolutionsSettings;
  /** Providers allowed to run against their in-process simulator in production. */
  mockAllowed: string[];
}

const PROVIDER_PREFIXES = {
  dms: 'DMS',
  'gep-smart': 'GEP_SMART',
  'gep-quantum': 'GEP_QUANTUM',
  'delivery-solutions': 'DELIVERY_SOLUTIONS',
} as const;

function httpOverrides(r: EnvReader, prefix: string): UpstreamHttpOverrides {
  const optionalInt = (name: string, min: number, max: number) =>
    r.has(name) ? r.int(name, 0, min, max) : undefined;
  return {
    connectTimeoutMs: optionalInt(`${prefix}_CONNECT_TIMEOUT_MS`, 1, 120_000),
    timeoutMs: optionalInt(`${prefix}_TIMEOUT_MS`, 1, 600_000),
    deadlineMs: optionalInt(`${prefix}_DEADLINE_MS`, 1, 600_000),
    maxAttempts: optionalInt(`${prefix}_RETRY_MAX_ATTEMPTS`, 1, 10),
  };
}

/** Names the variables a live provider still needs: "set A, or B and C". */
function requireAll(r: EnvReader, provider: string, names: string[]): void {
  const missing = names.filter((n) => !r.has(n));
  if (missing.length) {
    r.problem(`${provider} has a base URL but is missing ${missing.join(', ')}`);
  }
}

export function readProvidersConfig(r: EnvReader, production: boolean): ProvidersConfig {
  const mockAllowed = r.list('MOCK_PROVIDERS');
  for (const id of mockAllowed) {
    if (!(id in PROVIDER_PREFIXES)) {
      r.problem(
        `MOCK_PROVIDERS lists "${id}": expected provider ids from ${Object.keys(PROVIDER_PREFIXES).join(', ')}`,
      );
    }
  }

  const dms: DmsSettings = {
    baseUrl: r.url('DMS_BASE_URL'),
    apiKey: r.string('DMS_API_KEY'),
    username: r.string('DMS_USERNAME'),
    password: r.string('DMS_PASSWORD'),
    http: httpOverrides(r, 'DMS'),
  };
  if (dms.baseUrl && !dms.apiKey && !(dms.username && dms.password)) {
    r.problem(
      `dms has a base URL but no credentials: set DMS_API_KEY, or DMS_USERNAME and DMS_PASSWORD${
        dms.username || dms.password
          ? ` (missing ${dms.username ? 'DMS_PASSWORD' : 'DMS_USERNAME'})`
          : ''
      }`,
    );
  }

  const gepSmart: GepSmartSettings = {
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
    http: httpOverrides(r, 'GEP_SMART'),
  };
  if (gepSmart.baseUrl) {
    requireAll(r, 'gep-smart', [
      'GEP_SMART_TOKEN_URL',
      'GEP_SMART_AUTH_KEY',
      'GEP_SMART_SHARED_SECRET',
    ]);
  }
  if (Boolean(gepSmart.clientCertFile) !== Boolean(gepSmart.clientKeyFile)) {
    r.problem('GEP_SMART_CLIENT_CERT and GEP_SMART_CLIENT_KEY go together: set both or neither');
  }

  const gepQuantum: GepQuantumSettings = {
    baseUrl: r.url('GEP_QUANTUM_BASE_URL'),
    tokenUrl: r.url('GEP_QUANTUM_TOKEN_URL'),
    authKey: r.string('GEP_QUANTUM_AUTH_KEY'),
    subscriptionKey: r.string('GEP_QUANTUM_SUBSCRIPTION_KEY'),
    http: httpOverrides(r, 'GEP_QUANTUM'),
  };
  if (gepQuantum.baseUrl) {
    requireAll(r, 'gep-quantum', [
      'GEP_QUANTUM_TOKEN_URL',
      'GEP_QUANTUM_AUTH_KEY',
      'GEP_QUANTUM_SUBSCRIPTION_KEY',
    ]);
  }

  const ds: DeliverySolutionsSettings = {
    baseUrl: r.url('DELIVERY_SOLUTIONS_BASE_URL'),
    tokenUrl: r.url('DELIVERY_SOLUTIONS_TOKEN_URL'),
    clientId: r.string('DELIVERY_SOLUTIONS_CLIENT_ID'),
    clientSecret: r.string('DELIVERY_SOLUTIONS_CLIENT_SECRET'),
    scope: r.string('DELIVERY_SOLUTIONS_SCOPE'),
    apiKey: r.string('DELIVERY_SOLUTIONS_API_KEY'),
    tenantId: r.string('DELIVERY_SOLUTIONS_TENANT_ID'),
    http: httpOverrides(r, 'DELIVERY_SOLUTIONS'),
  };
  if (ds.baseUrl) {
    const oauthVars = [
      'DELIVERY_SOLUTIONS_TOKEN_URL',
      'DELIVERY_SOLUTIONS_CLIENT_ID',
      'DELIVERY_SOLUTIONS_CLIENT_SECRET',
    ];
    const keyVars = ['DELIVERY_SOLUTIONS_API_KEY', 'DELIVERY_SOLUTIONS_TENANT_ID'];
    const complete = (names: string[]) => names.every((n) => r.has(n));
    if (!complete(oauthVars) && !complete(keyVars)) {
      const started = oauthVars.some((n) => r.has(n))
        ? oauthVars
        : keyVars.some((n) => r.has(n))
          ? keyVars
          : [];
      const missing = started.filter((n) => !r.has(n));
      r.problem(
        `delivery-solutions has a base URL but no complete credentials: set ${oauthVars.join(', ')}, or ${keyVars.join(' and ')}${
          missing.length ? ` (missing ${missing.join(', ')})` : ''
        }`,
      );
    }
  }

  const config: ProvidersConfig = {
    dms,
    'gep-smart': gepSmart,
    'gep-quantum': gepQuantum,
    'delivery-solutions': ds,
    mockAllowed,
  };
  if (production) {
    for (const [id, prefix] of Object.entries(PROVIDER_PREFIXES)) {
      const settings = config[id as keyof typeof PROVIDER_PREFIXES];
      if (!settings.baseUrl && !mockAllowed.includes(id)) {
        r.problem(
          `${id} is not configured (${prefix}_BASE_URL unset): configure it, or list it in MOCK_PROVIDERS to run it against its simulator`,
        );
      }
    }
  }
  return config;
}
