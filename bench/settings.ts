import { SCENARIO_NAMES, type ScenarioName } from './scenarios';

/** What `npm run bench` does, from its BENCH_ variables (bench/README.md, "Settings"). */
export interface Settings {
  durationS: number;
  warmupS: number;
  connections: number;
  batchItems: number;
  requestTimeoutMs: number;
  scenarios: ScenarioName[];
  /** Set: every gateway uses that Postgres instead of the embedded one the bench starts. */
  databaseUrl?: string;
  /** The gateways reach the embedded server over TCP instead of its Unix socket (BENCH_DATABASE_TCP=1). */
  databaseTcp: boolean;
  /** DATABASE_POOL_SIZE for the gateways (BENCH_DATABASE_POOL_SIZE); unset: the gateway default. */
  databasePoolSize?: number;
  /** ASYNC_CONCURRENCY for the gateways (BENCH_ASYNC_CONCURRENCY); unset: the gateway default. */
  asyncConcurrency?: number;
  /** Operations the queue drain delivers at least (topped up through the API). */
  drainOperations: number;
  /** Longest the top-up, and then the drain, may take before the bench reports what is left. */
  drainTimeoutS: number;
  gatewayLogLevel: string;
  /** Extra node arguments for the gateway process, e.g. `--cpu-prof` (BENCH_GATEWAY_NODE_ARGS). */
  gatewayNodeArgs: string[];
}

/** Time for one process (simulators, embedded Postgres, a gateway) to start. */
export const STARTUP_TIMEOUT_MS = 20_000;

/** The scenarios measured direct, through the proxy and through the gateway's sync path. */
export const SYNC_SCENARIOS: readonly ScenarioName[] = ['dms', 'gep-smart', 'dms-1conn'];

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name}=${raw}: expected an integer from 1 to ${max}`);
  }
  return value;
}

function optionalInt(env: NodeJS.ProcessEnv, name: string, max: number): number | undefined {
  return env[name]?.trim() ? positiveInt(env, name, 1, max) : undefined;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const scenarios = (env.BENCH_SCENARIOS?.trim() || SCENARIO_NAMES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new Error(`BENCH_SCENARIOS lists "${name}": expected ${SCENARIO_NAMES.join(', ')}`);
    }
  }
  return {
    durationS: positiveInt(env, 'BENCH_DURATION_S', 5, 600),
    warmupS: positiveInt(env, 'BENCH_WARMUP_S', 3, 60),
    connections: positiveInt(env, 'BENCH_CONNECTIONS', 16, 1024),
    batchItems: positiveInt(env, 'BENCH_BATCH_ITEMS', 10, 100),
    requestTimeoutMs: positiveInt(env, 'BENCH_REQUEST_TIMEOUT_MS', 5_000, 60_000),
    // run in a fixed order whatever order the variable lists them in
    scenarios: SCENARIO_NAMES.filter((name) => scenarios.includes(name)),
    databaseUrl: env.BENCH_DATABASE_URL?.trim() || undefined,
    databaseTcp: env.BENCH_DATABASE_TCP?.trim() === '1',
    databasePoolSize: optionalInt(env, 'BENCH_DATABASE_POOL_SIZE', 200),
    asyncConcurrency: optionalInt(env, 'BENCH_ASYNC_CONCURRENCY', 256),
    drainOperations: positiveInt(env, 'BENCH_DRAIN_OPERATIONS', 5_000, 1_000_000),
    drainTimeoutS: positiveInt(env, 'BENCH_DRAIN_TIMEOUT_S', 300, 3_600),
    gatewayLogLevel: env.BENCH_GATEWAY_LOG_LEVEL?.trim() || 'warn',
    gatewayNodeArgs: (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  };
}

/**
 * The watchdog's budget in seconds: the first start-ups, then per sync scenario its three
 * measurements plus the database statistics pauses (about 2 s); the async accept (its own
 * gateway, and the direct and proxy DMS baseline when `dms` is not measured); the queue drain
 * (two gateways started together, the top-up and the drain, each at most BENCH_DRAIN_TIMEOUT_S);
 * and 10 s to stop everything.
 */
export function watchdogBudgetS(settings: Settings): number {
  const startS = STARTUP_TIMEOUT_MS / 1000;
  const windowS = settings.warmupS + settings.durationS;
  const has = (name: ScenarioName) => settings.scenarios.includes(name);
  const sync = settings.scenarios.filter((name) => SYNC_SCENARIOS.includes(name)).length;
  let budget = startS + sync * (3 * windowS + 5);
  if (has('dms-async') || has('queue-drain')) budget += startS;
  if (has('dms-async')) budget += (has('dms') ? 1 : 3) * windowS + 5;
  if (has('queue-drain')) budget += startS + 2 * settings.drainTimeoutS + 5;
  return budget + 10;
}
