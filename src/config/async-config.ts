import { isWebhookSecret, SECRET_PREFIX } from '../common/webhooks/standard-webhooks';
import type { EnvReader } from './env-reader';

/** Settings of durable async delivery (`Prefer: respond-async`) and of operation callbacks. */
export interface AsyncConfig {
  /**
   * Whether this process's worker claims operations (ASYNC_WORKER_ENABLED). Off: the process
   * accepts and serves (202s included) but never delivers; other processes must.
   */
  workerEnabled: boolean;
  /** Deliveries running at once per provider in one process. */
  concurrency: number;
  /** How long a claimed operation is this process's before another may take it over. */
  leaseMs: number;
  /** First retry delay; doubles per attempt, with full jitter. */
  retryBaseMs: number;
  /** Ceiling of a retry delay (an upstream's longer Retry-After still wins). */
  retryMaxDelayMs: number;
  /** Attempts before a transiently failing operation ends `dead`. */
  maxAttempts: number;
  /** Age after which a transiently failing operation ends `dead`. */
  maxAgeMs: number;
}

export interface CallbackConfig {
  /** Exact hosts or `*.suffix` patterns; empty: no callbacks are allowed. */
  allowedHosts: string[];
  /** Allow `http:` callback URLs (else `https:` only). */
  allowHttp: boolean;
  /**
   * The Standard Webhooks secret callbacks are signed with (`whsec_` + base64 key bytes; any
   * other string is used as raw key bytes); set whenever callbacks are allowed.
   */
  secret?: string;
  maxAttempts: number;
}

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/;

export function readAsyncConfig(r: EnvReader): AsyncConfig {
  const config: AsyncConfig = {
    workerEnabled: r.bool('ASYNC_WORKER_ENABLED', true),
    concurrency: r.int('ASYNC_CONCURRENCY', 4, 1, 256),
    leaseMs: r.int('ASYNC_LEASE_MS', 60_000, 1000, 3_600_000),
    retryBaseMs: r.int('ASYNC_RETRY_BASE_MS', 1000, 10, 3_600_000),
    retryMaxDelayMs: r.int('ASYNC_RETRY_MAX_DELAY_MS', 300_000, 10, 86_400_000),
    maxAttempts: r.int('ASYNC_MAX_ATTEMPTS', 12, 1, 1000),
    maxAgeMs: r.int('ASYNC_MAX_AGE_HOURS', 24, 1, 24 * 30) * 3_600_000,
  };
  if (config.retryMaxDelayMs < config.retryBaseMs) {
    r.problem('ASYNC_RETRY_MAX_DELAY_MS must not be below ASYNC_RETRY_BASE_MS');
  }
  return config;
}

export function readCallbackConfig(r: EnvReader, production: boolean): CallbackConfig {
  const allowedHosts = r.list('CALLBACK_ALLOWED_HOSTS').map((host) => host.toLowerCase());
  for (const host of allowedHosts) {
    if (!HOST_PATTERN.test(host) && !IP_LITERAL.test(host)) {
      r.problem(
        `CALLBACK_ALLOWED_HOSTS entry "${host}" is invalid: expected a host name, *.suffix or an IP address`,
      );
    }
  }
  const secret = r.string('CALLBACK_SECRET');
  if (allowedHosts.length > 0 && !secret) {
    r.problem('CALLBACK_SECRET is required when CALLBACK_ALLOWED_HOSTS allows callbacks');
  } else if (secret?.startsWith(SECRET_PREFIX) && !isWebhookSecret(secret)) {
    r.problem('CALLBACK_SECRET is invalid: expected whsec_ followed by base64 of 24 to 64 bytes');
  } else if (secret && production && secret.length < 32) {
    r.problem('CALLBACK_SECRET is too short: expected at least 32 characters in production');
  }
  return {
    allowedHosts,
    allowHttp: r.bool('CALLBACK_ALLOW_HTTP', false),
    secret,
    maxAttempts: r.int('CALLBACK_MAX_ATTEMPTS', 10, 1, 1000),
  };
}
