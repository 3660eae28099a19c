import type { TokenRequestEvent } from '@lib/auth-strategies';
import type { CommonSimulatorOptions, Simulator } from '@lib/simulators';
import type {
  CircuitStateName,
  UpstreamClientConfig,
  UpstreamHttpFactory,
} from '@lib/upstream-http';
import type { EnvReader } from '../config/env-reader';
import { probeHttp } from './probe';
import type { FinanceProvider, ProbeResult, ProviderMode } from './provider.contract';

/** A provider's timeout and retry overrides (`<PREFIX>_TIMEOUT_MS`, ...). */
export interface UpstreamHttpOverrides {
  connectTimeoutMs?: number;
  timeoutMs?: number;
  deadlineMs?: number;
  maxAttempts?: number;
  /** Circuit breaker: failure share that opens it (`<PREFIX>_BREAKER_FAILURE_RATIO`, default 0.5). */
  breakerFailureRatio?: number;
  /** Calls in the window before it may open (`<PREFIX>_BREAKER_MIN_CALLS`, default 10). */
  breakerMinCalls?: number;
  /** Open time before a half-open test call (`<PREFIX>_BREAKER_HALF_OPEN_MS`, default 30 000). */
  breakerHalfOpenMs?: number;
}

/** What every provider's settings have: a base URL (unset: mock mode) and HTTP overrides. */
export interface BaseSettings {
  baseUrl?: string;
  http: UpstreamHttpOverrides;
}

/** Where and how to reach one upstream: its configuration, or its in-process simulator. */
export interface Endpoint<S extends BaseSettings = BaseSettings> {
  mode: ProviderMode;
  settings: S & { baseUrl: string };
  http: UpstreamHttpOverrides;
}

/** What building a provider may use besides its endpoint. */
export interface ProviderDeps {
  http: UpstreamHttpFactory;
  /** Observes every token request (audit row and metrics), for token-based auth. */
  onTokenRequest?: (event: TokenRequestEvent) => void;
}

/**
 * The deps of one named connection's instance: every HTTP client it creates and every token
 * request it makes carry the connection's name (audit rows and the metrics' `connection` label).
 * The environment's instances are built with the plain deps: their connection is the provider's
 * name.
 */
export function connectionDeps(deps: ProviderDeps, connection: string): ProviderDeps {
  const http = Object.create(deps.http) as UpstreamHttpFactory;
  http.create = (config: UpstreamClientConfig) => deps.http.create({ ...config, connection });
  const observe = deps.onTokenRequest;
  return {
    ...deps,
    http,
    ...(observe ? { onTokenRequest: (event) => observe({ ...event, connection }) } : {}),
  };
}

/** Mock mode: a simulator with freshly generated credentials, and the settings that reach it. */
export interface MockUpstream<S extends BaseSettings> {
  simulator: Simulator;
  settingsFor(baseUrl: string): S & { baseUrl: string };
}

/**
 * How a provider's simulator is built, and started standalone (`npm run simulators`) from SIM_*
 * variables: the library builds simulators, the definition says which and with what.
 */
export interface SimulatorRecipe<O extends CommonSimulatorOptions, C> {
  /** Its port unless `SIM_<PREFIX>_PORT` says otherwise. */
  readonly defaultPort: number;
  /** The credentials it accepts unless its SIM_* variables say otherwise. */
  readonly defaultCredentials: Readonly<C>;
  /** Its options: the common ones, and its credentials from its own SIM_* variables. */
  options(env: NodeJS.ProcessEnv, common: CommonSimulatorOptions): O;
  /** The credentials part of its options. */
  credentials(options: O): C;
  create(options: O): Simulator;
}

/**
 * Everything the gateway knows about one upstream, in its own folder: its settings (which
 * environment variables, how they are checked), its simulator (for mock mode and standalone),
 * and how the provider is built. Listing the definition in `provider-list.ts` is all it takes
 * to add one.
 */
export interface ProviderDefinition<
  Id extends string,
  S extends BaseSettings,
  O extends CommonSimulatorOptions = CommonSimulatorOptions,
  C = unknown,
> {
  readonly id: Id;
  /** Prefix of its environment variables: `DMS` reads DMS_BASE_URL, DMS_TIMEOUT_MS, ... */
  readonly envPrefix: string;
  /** Reads its settings, recording one problem per bad or missing variable. */
  readSettings(r: EnvReader): S;
  /** Values that must never reach a log line. */
  secrets(settings: S): (string | undefined)[];
  /** Its simulator, for mock mode; `secret()` makes a fresh credential. */
  mock(settings: S, secret: () => string): MockUpstream<S>;
  /** Its simulator, started standalone by `npm run simulators`. */
  readonly simulator: SimulatorRecipe<O, C>;
  build(endpoint: Endpoint<S>, deps: ProviderDeps): FinanceProvider;
}

/** Reads `<prefix>_CONNECT_TIMEOUT_MS`, `_TIMEOUT_MS`, `_DEADLINE_MS`, `_RETRY_MAX_ATTEMPTS`. */
export function readHttpOverrides(r: EnvReader, prefix: string): UpstreamHttpOverrides {
  const optionalInt = (name: string, min: number, max: number) =>
    r.has(name) ? r.int(name, 0, min, max) : undefined;
  return {
    connectTimeoutMs: optionalInt(`${prefix}_CONNECT_TIMEOUT_MS`, 1, 120_000),
    timeoutMs: optionalInt(`${prefix}_TIMEOUT_MS`, 1, 600_000),
    deadlineMs: optionalInt(`${prefix}_DEADLINE_MS`, 1, 600_000),
    maxAttempts: optionalInt(`${prefix}_RETRY_MAX_ATTEMPTS`, 1, 10),
    breakerFailureRatio: r.has(`${prefix}_BREAKER_FAILURE_RATIO`)
      ? r.decimal(`${prefix}_BREAKER_FAILURE_RATIO`, 0.5, 0, 1)
      : undefined,
    breakerMinCalls: optionalInt(`${prefix}_BREAKER_MIN_CALLS`, 1, 10_000),
    breakerHalfOpenMs: optionalInt(`${prefix}_BREAKER_HALF_OPEN_MS`, 100, 3_600_000),
  };
}

/** Names the variables a live provider still needs. */
export function requireVariables(r: EnvReader, provider: string, names: string[]): void {
  const missing = names.filter((n) => !r.has(n));
  if (missing.length) {
    r.problem(`${provider} has a base URL but is missing ${missing.join(', ')}`);
  }
}

/**
 * A provider's timeout, retry and circuit-breaker overrides as upstream-http client settings
 * (`retryableStatuses`: the provider's own list, when it has one).
 */
export function httpSettings(
  http: UpstreamHttpOverrides,
  retryableStatuses?: readonly number[],
): Pick<
  UpstreamClientConfig,
  'connectTimeoutMs' | 'timeoutMs' | 'deadlineMs' | 'retry' | 'breaker'
> {
  const retry = {
    ...(retryableStatuses ? { retryableStatuses } : {}),
    ...(http.maxAttempts !== undefined ? { maxAttempts: http.maxAttempts } : {}),
  };
  const breaker = {
    ...(http.breakerFailureRatio !== undefined ? { failureRatio: http.breakerFailureRatio } : {}),
    ...(http.breakerMinCalls !== undefined ? { minimumCalls: http.breakerMinCalls } : {}),
    ...(http.breakerHalfOpenMs !== undefined ? { halfOpenAfterMs: http.breakerHalfOpenMs } : {}),
  };
  return {
    connectTimeoutMs: http.connectTimeoutMs,
    timeoutMs: http.timeoutMs,
    deadlineMs: http.deadlineMs,
    retry: Object.keys(retry).length > 0 ? retry : undefined,
    breaker: Object.keys(breaker).length > 0 ? breaker : undefined,
  };
}

/** A setting a live provider cannot work without (start-up validation has already checked it). */
export function requiredSetting<S extends object>(
  provider: string,
  settings: S,
  name: keyof S & string,
): string {
  const value = settings[name];
  if (typeof value !== 'string' || value === '')
    throw new Error(`${provider}: ${name} is not configured`);
  return value;
}

/** Default wait of the reachability probe when no connect timeout is configured. */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * What the four provider classes share: their mode, the reachability probe (an unauthenticated
 * HEAD to the base URL; no upstream publishes a health route, and any HTTP answer means
 * reachable: no credentials, no circuit), the circuit state of their HTTP client, and closing
 * what its auth strategies hold (the HTTP pools belong to the upstream-http factory).
 */
export abstract class UpstreamProvider {
  readonly mode: ProviderMode;
  private readonly baseUrl: string;
  private readonly probeTimeoutMs: number;

  protected constructor(
    endpoint: Endpoint,
    private readonly link: {
      circuitState(): CircuitStateName;
      close?(): void;
      verify?(): Promise<void>;
    },
  ) {
    this.mode = endpoint.mode;
    this.baseUrl = endpoint.settings.baseUrl;
    this.probeTimeoutMs = endpoint.http.connectTimeoutMs ?? PROBE_TIMEOUT_MS;
  }

  ping(): Promise<ProbeResult> {
    return probeHttp(this.baseUrl, this.probeTimeoutMs);
  }

  circuitState(): CircuitStateName {
    return this.link.circuitState();
  }

  /** The cheapest authenticated call: resolves when the upstream accepts the credentials. */
  verify(): Promise<void> {
    if (!this.link.verify) {
      return Promise.reject(new Error(`${this.constructor.name} has no credentials check`));
    }
    return this.link.verify();
  }

  close(): void {
    this.link.close?.();
  }
}
