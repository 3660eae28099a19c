import { defaultLogFormat, LOG_FORMATS, type LogFormat } from './log-format-setting';
import { registerSecrets } from '@lib/redaction';
import {
  readAsyncConfig,
  readCallbackConfig,
  type AsyncConfig,
  type CallbackConfig,
} from './async-config';
import { EnvReader } from './env-reader';
import { readWebhookConfig, type WebhookConfig } from './webhook-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Well-known local key: accepted only outside production, and refused there. */
export const DEV_BOOTSTRAP_API_KEY = 'local-dev-bootstrap-key';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  logLevel: LogLevel;
  /** LOG_FORMAT: json, or pretty (human-readable); unset: pretty on a terminal, else json. */
  logFormat: LogFormat;
  bodyLimitBytes: number;
  /** Milliseconds readiness stays 503 before the server stops accepting connections. */
  shutdownGraceMs: number;
  database: {
    /** Set: that Postgres. Unset: an embedded PostgreSQL 15 with its data under `dataDir`. */
    url?: string;
    dataDir: string;
    /** DATA_IN_MEMORY: the embedded server keeps its data in a temporary folder removed at exit. */
    inMemory: boolean;
    /** Loopback port of the embedded Postgres (0: any free port). */
    embeddedPort: number;
    /**
     * As root: where the embedded server's binaries are copied and where a cluster whose DATA_DIR
     * the `postgres` user cannot reach is kept (unset: /var/lib/invoice-gateway/embedded-postgres).
     */
    embeddedRuntimeDir?: string;
    poolSize: number;
    runMigrations: boolean;
  };
  auth: {
    /** Key granted every scope; undefined when none is configured. */
    bootstrapApiKey?: string;
    /** True when the well-known local default is in use. */
    bootstrapIsDefault: boolean;
  };
  api: {
    /** Sustained requests per second per API client. */
    rateLimitPerSecond: number;
    /** Requests a client may send at once above the sustained rate. */
    rateLimitBurst: number;
    /**
     * Set: the rate limit is one budget per client shared by every replica through this Redis;
     * unset: each process keeps its own (see rate-limiter.ts).
     */
    redisUrl?: string;
    /** Prefix of the gateway's Redis keys (several deployments or test runs can share one Redis). */
    redisKeyPrefix: string;
    /** Items per status or remittance batch. */
    batchMaxItems: number;
    /** How long an Idempotency-Key is remembered. */
    idempotencyTtlMs: number;
  };
  /** Durable async delivery (`Prefer: respond-async`). */
  async: AsyncConfig;
  /** Stored connections (DESIGN section 11). */
  connections: {
    /** CONNECTIONS_ENCRYPTION_KEYS: the key ring (`kid:<base64>`, comma-separated; first seals). */
    encryptionKeys?: string;
    /** How soon a change made on another replica is live here (the version poll). */
    refreshMs: number;
  };
  callbacks: CallbackConfig;
  /** Events and webhook endpoints (docs/webhooks.md). */
  webhooks: WebhookConfig;
  /** OpenTelemetry: spans are exported over OTLP/HTTP only when an endpoint is set. */
  tracing: {
    /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL (spans go to `/v1/traces`). */
    otlpEndpoint?: string;
    serviceName: string;
  };
  audit: {
    retentionDays: number;
    retentionIntervalMs: number;
    /** Largest serialized body kept in an audit row; larger ones are truncated. */
    maxBodyBytes: number;
    /**
     * Group commit window: a row waits at most this long for others to share its insert (0:
     * inserted as soon as no insert is running). Rows recorded in the last window before a
     * kill -9 are lost; a graceful shutdown flushes them.
     */
    flushMs: number;
  };
  /** The operations console at /console (docs/console.md). */
  console: {
    /** Lifetime of a console session from sign-in. */
    sessionTtlMinutes: number;
    /** Sign-in attempts per minute from one IP address. */
    signInPerMinute: number;
    /** Always mark the session cookie Secure (it is Secure anyway on a TLS connection). */
    secureCookie: boolean;
  };
}

/**
 * A part of the configuration owned by a layer above config (the providers' settings, read by
 * their definitions): read with the same reader after the app's own settings, so one error
 * lists every bad variable, and its secrets kept out of log lines like the app's own.
 */
export interface ConfigPart<T> {
  read(r: EnvReader, app: AppConfig): T;
  secrets(value: T): (string | undefined)[];
}

/** The configuration with each part's value under its key. */
export type WithParts<P extends Record<string, ConfigPart<unknown>>> = AppConfig & {
  [K in keyof P]: P[K] extends ConfigPart<infer T> ? T : never;
};

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * The one place the environment is read: the app's own settings and the given parts (the entry
 * points pass the providers' part, see src/load-config.ts). Throws ConfigValidationError listing
 * every problem.
 */
export function loadAppConfig<P extends Record<string, ConfigPart<unknown>>>(
  env: Record<string, string | undefined>,
  parts: P,
): WithParts<P> {
  const r = new EnvReader(env);
  const nodeEnv = r.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const production = nodeEnv === 'production';

  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = r.url('REDIS_URL', ['redis:', 'rediss:']);
  const redisKeyPrefix = r.string('REDIS_KEY_PREFIX', 'invoice-gateway:');
  if (!/^[\w:.-]{1,64}$/.test(redisKeyPrefix)) {
    r.problem(
      `REDIS_KEY_PREFIX="${redisKeyPrefix}" is invalid: expected 1-64 letters, digits or _ : . -`,
    );
  }

  let bootstrapApiKey = r.string('GATEWAY_BOOTSTRAP_API_KEY');
  let bootstrapIsDefault = false;
  if (production) {
    if (bootstrapApiKey === DEV_BOOTSTRAP_API_KEY) {
      r.problem(
        'GATEWAY_BOOTSTRAP_API_KEY is the well-known local default: set your own secret (32+ characters) or leave it unset in production',
      );
    } else if (bootstrapApiKey !== undefined && bootstrapApiKey.length < 32) {
      r.problem(
        'GATEWAY_BOOTSTRAP_API_KEY is too short: expected at least 32 characters in production',
      );
    }
  } else if (bootstrapApiKey === undefined) {
    bootstrapApiKey = DEV_BOOTSTRAP_API_KEY;
    bootstrapIsDefault = true;
  }
  if (bootstrapApiKey !== undefined && bootstrapApiKey.length > 512) {
    r.problem('GATEWAY_BOOTSTRAP_API_KEY is too long: expected at most 512 characters');
  }

  const config: AppConfig = {
    nodeEnv,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', '0.0.0.0'),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: r.oneOf('LOG_FORMAT', LOG_FORMATS, defaultLogFormat()),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', production ? 5000 : 0, 0, 120_000),
    database: {
      url: databaseUrl,
      dataDir: r.string('DATA_DIR', './.data'),
      inMemory: r.bool('DATA_IN_MEMORY', false),
      embeddedPort: r.int('EMBEDDED_PG_PORT', 0, 0, 65535),
      embeddedRuntimeDir: r.string('EMBEDDED_PG_RUNTIME_DIR'),
      poolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 200),
      runMigrations: r.bool('DATABASE_RUN_MIGRATIONS', true),
    },
    auth: { bootstrapApiKey, bootstrapIsDefault },
    api: {
      rateLimitPerSecond: r.int('RATE_LIMIT_PER_SECOND', 50, 1, 1_000_000),
      rateLimitBurst: r.int('RATE_LIMIT_BURST', 100, 1, 1_000_000),
      redisUrl,
      redisKeyPrefix,
      batchMaxItems: r.int('BATCH_MAX_ITEMS', 100, 1, 10_000),
      idempotencyTtlMs: r.int('IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 365) * 3_600_000,
    },
    async: readAsyncConfig(r),
    connections: {
      encryptionKeys: r.string('CONNECTIONS_ENCRYPTION_KEYS'),
      refreshMs: r.int('CONNECTIONS_REFRESH_MS', 2000, 100, 600_000),
    },
    callbacks: readCallbackConfig(r, production),
    webhooks: readWebhookConfig(r),
    tracing: {
      otlpEndpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT'),
      serviceName: r.string('OTEL_SERVICE_NAME', 'invoice-gateway'),
    },
    audit: {
      retentionDays: r.int('AUDIT_RETENTION_DAYS', 400, 1, 36500),
      retentionIntervalMs: r.int('AUDIT_RETENTION_INTERVAL_MS', 3_600_000, 1000, 7 * 86_400_000),
      maxBodyBytes: r.int('AUDIT_MAX_BODY_BYTES', 64 * 1024, 256, 10 * 1024 * 1024),
      flushMs: r.int('AUDIT_FLUSH_MS', 10, 0, 1000),
    },
    console: {
      sessionTtlMinutes: r.int('CONSOLE_SESSION_TTL_MIN', 480, 1, 7 * 24 * 60),
      signInPerMinute: r.int('CONSOLE_SIGN_IN_PER_MINUTE', 10, 1, 10_000),
      secureCookie: r.bool('CONSOLE_SECURE_COOKIE', production),
    },
  };
  const values = Object.fromEntries(
    Object.entries(parts).map(([key, part]) => [key, part.read(r, config)]),
  );
  if (r.problems.length > 0) throw new ConfigValidationError(r.problems);
  registerSecrets(
    bootstrapApiKey,
    databaseUrl ? new URL(databaseUrl).password : undefined,
    ...Object.entries(parts).flatMap(([key, part]) => part.secrets(values[key])),
    config.callbacks.secret,
    ...(config.connections.encryptionKeys ?? '')
      .split(',')
      .map((entry) => entry.slice(entry.indexOf(':') + 1).trim())
      .filter((key) => key.length > 0),
    redisUrl ? new URL(redisUrl).password : undefined,
  );
  return { ...config, ...values } as WithParts<P>;
}
