import type { TokenRequestEvent } from '@lib/auth-strategies';
import { type LoggedRequest, type RunningSimulator, type Simulator } from '@lib/simulators';
import { createSimulator, type SimulatorOptionsById } from '../../src/providers/simulators';
import { type OutboundAuditEntry, UpstreamError, UpstreamHttpFactory } from '@lib/upstream-http';
import { loadConfig } from '../../src/load-config';
import type {
  Endpoint,
  ProviderDeps,
  UpstreamHttpOverrides,
} from '../../src/providers/provider-definition';
import { ProviderEndpoints } from '../../src/providers/provider-endpoints';
import { definitionOf, type ProviderId, type SettingsOf } from '../../src/providers/provider-ids';
import type { FinanceProvider } from '../../src/providers/provider.contract';

/**
 * The shared part of the provider contract suites: each suite builds its provider with real
 * HTTP against its simulator (no Nest app) through this harness, which records every outbound
 * audit entry and token request, starts and stops simulators, and reads their request logs
 * and faults. `describeProviderContract` adds the cases every provider must pass.
 */
export interface ProviderHarness<Id extends ProviderId, P extends FinanceProvider> {
  readonly id: Id;
  /** Every outbound attempt recorded by the providers built here. */
  readonly audit: OutboundAuditEntry[];
  /** Every token request the providers built here made. */
  readonly tokens: TokenRequestEvent[];
  /** What building a provider needs: a recording HTTP factory and token observer. */
  deps(): ProviderDeps;
  /** Builds the provider for a live endpoint. */
  provider(settings: SettingsOf<Id> & { baseUrl: string }, http?: UpstreamHttpOverrides): P;
  startSim(options?: Partial<SimulatorOptionsById[Id]>): Promise<RunningSimulator>;
  /** The simulator's log of requests, optionally for one path. */
  simRequests(url: string, path?: string): Promise<LoggedRequest[]>;
  addFault(url: string, fault: Record<string, unknown>): Promise<void>;
  /** Stops simulators, closes providers and factories (afterAll). */
  cleanup(): Promise<void>;
}

export function providerHarness<Id extends ProviderId, P extends FinanceProvider>(
  id: Id,
  build: (endpoint: Endpoint<SettingsOf<Id>>, deps: ProviderDeps) => P,
  options: {
    /** Timeouts and retries of the providers built here. */
    http: UpstreamHttpOverrides;
    /** The simulator's options, before each suite's own. */
    simulator: () => SimulatorOptionsById[Id];
    /** Runs on each simulator before it starts (e.g. to watch what it receives). */
    prepare?: (simulator: Simulator) => void;
  },
): ProviderHarness<Id, P> {
  const options_ = options;
  const defaultHttp = options.http;
  const simulatorDefaults = options.simulator;
  const audit: OutboundAuditEntry[] = [];
  const tokens: TokenRequestEvent[] = [];
  const factories: UpstreamHttpFactory[] = [];
  const sims: RunningSimulator[] = [];
  const built: P[] = [];
  const deps = (): ProviderDeps => {
    const http = new UpstreamHttpFactory({ record: (entry) => void audit.push(entry) });
    factories.push(http);
    return { http, onTokenRequest: (event) => void tokens.push(event) };
  };
  return {
    id,
    audit,
    tokens,
    deps,
    provider(settings, http = defaultHttp) {
      const provider = build({ mode: 'live', settings: { ...settings, http }, http }, deps());
      built.push(provider);
      return provider;
    },
    async startSim(options = {}) {
      const simulator = createSimulator(id, { ...simulatorDefaults(), ...options });
      options_.prepare?.(simulator);
      const running = await simulator.start(0, '127.0.0.1');
      sims.push(running);
      return running;
    },
    async simRequests(url, path) {
      const res = await fetch(`${url}/__sim/requests`);
      const body = (await res.json()) as { requests: LoggedRequest[] };
      return path === undefined ? body.requests : body.requests.filter((r) => r.path === path);
    },
    async addFault(url, fault) {
      const res = await fetch(`${url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      });
      expect(res.status).toBe(201);
    },
    async cleanup() {
      for (const provider of built) provider.close?.();
      for (const factory of factories) factory.onApplicationShutdown();
      await Promise.all(sims.map((s) => s.stop()));
    },
  };
}

/** The UpstreamError a call fails with (and that it does fail). */
export async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

export interface ContractCases<Id extends ProviderId, P extends FinanceProvider> {
  /** Settings of a live provider against a simulator at `baseUrl`. */
  live(baseUrl: string): SettingsOf<Id> & { baseUrl: string };
  /** Calls the provider end to end and checks what the simulator answered. */
  exercise(provider: P): Promise<void>;
  /** The probe's error once the upstream is gone, when the suite knows it. */
  probeError?: string;
  /** Values no audit entry or token event may hold. */
  secrets(): string[];
  /** True when the provider fetches tokens (the audit must then have seen token requests). */
  tokens: boolean;
}

/**
 * What every provider must do, whoever it is: a probe that follows its upstream, mock mode
 * through its own definition (simulator, generated credentials, build), and no secret in any
 * audit entry or token event. Call it last in the suite: the audit case reads every entry the
 * suite's calls recorded.
 */
export function describeProviderContract<Id extends ProviderId, P extends FinanceProvider>(
  name: string,
  h: ProviderHarness<Id, P>,
  cases: ContractCases<Id, P>,
): void {
  describe(`${name} probe`, () => {
    it('is reachable while the upstream runs and unreachable after it stops', async () => {
      const own = await h.startSim();
      const probed = h.provider(cases.live(own.url), { connectTimeoutMs: 500 });
      await expect(probed.ping()).resolves.toMatchObject({ reachable: true });
      await own.stop();
      const down = await probed.ping();
      expect(down.reachable).toBe(false);
      expect(down.error).toBeDefined();
      if (cases.probeError) expect(down.error).toBe(cases.probeError);
    });
  });

  describe(`${name} in mock mode`, () => {
    it('resolves a mock endpoint from its definition and runs the real client against it', async () => {
      const endpoints = new ProviderEndpoints(loadConfig({ NODE_ENV: 'test' }));
      const before = h.audit.length;
      const mockTokens = h.tokens.length;
      let provider: FinanceProvider | undefined;
      try {
        const endpoint = await endpoints.resolve(h.id);
        expect(endpoint.mode).toBe('mock');
        provider = definitionOf(h.id).build(endpoint, h.deps());
        expect(provider.mode).toBe('mock');
        expect(provider.circuitState()).toBe('closed');
        await cases.exercise(provider as P);
        await expect(provider.ping()).resolves.toMatchObject({ reachable: true });
        const generated = definitionOf(h.id)
          .secrets(endpoint.settings)
          .filter((s): s is string => Boolean(s));
        expect(generated.length).toBeGreaterThan(0);
        const text = JSON.stringify([h.audit.slice(before), h.tokens.slice(mockTokens)]);
        expect(h.audit.length).toBeGreaterThan(before);
        for (const secret of generated) expect(text).not.toContain(secret);
      } finally {
        provider?.close?.();
        await endpoints.onApplicationShutdown();
      }
    });
  });

  describe(`${name} audit`, () => {
    it('never records a secret in an audit entry or a token event', () => {
      expect(h.audit.length).toBeGreaterThan(10);
      const text = JSON.stringify(h.audit);
      const tokenText = JSON.stringify(h.tokens);
      for (const secret of cases.secrets()) {
        expect(text).not.toContain(secret);
        expect(tokenText).not.toContain(secret);
      }
      expect(text).toContain('[REDACTED]');
      if (cases.tokens) {
        expect(h.tokens.length).toBeGreaterThan(0);
        expect(h.tokens.every((t) => t.provider === h.id)).toBe(true);
      } else {
        expect(h.tokens).toEqual([]);
      }
    });
  });
}
