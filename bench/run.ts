/**
 * `npm run bench`: the same business request sent straight to the upstream simulator and through
 * the gateway, in one run, with the same closed-loop load; prints throughput and p50/p90/p99
 * latency of each, and the gateway/direct ratios. Measured, never asserted (DESIGN.md section 9).
 *
 * Three processes on loopback: this one (load generator), the simulators (bench/simulator-process)
 * and the gateway (`node dist/src/main.js`, LIVE mode against the simulators, embedded Postgres in
 * memory). See bench/README.md.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { runningEmbeddedUrl } from '../src/database/database';
import { CLUSTER_FOLDER, stopLeftoverServer } from '../src/database/embedded-postgres';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fetchJson, runLoad, type LoadTarget } from './load';
import { buildScenario, SCENARIO_NAMES, type ScenarioName } from './scenarios';
import type { SimulatorChildMessage, SimulatorParentMessage } from './simulator-process';
import { compare, round, summarize, table, type Comparison, type ScenarioStats } from './stats';

const DIST_ROOT = resolve(__dirname, '..');
const REPO_ROOT = resolve(DIST_ROOT, '..');
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const RESULTS_FILE = join(RESULTS_DIR, 'latest.json');
/** Everything the gateway printed (LOG_LEVEL=warn by default: its warnings and errors). */
const GATEWAY_LOG_FILE = join(RESULTS_DIR, 'gateway.log');
const LOOPBACK = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

interface Settings {
  durationS: number;
  warmupS: number;
  connections: number;
  batchItems: number;
  requestTimeoutMs: number;
  scenarios: ScenarioName[];
  /** Set: the gateway uses that Postgres instead of an embedded one in a temporary folder. */
  databaseUrl?: string;
  /** DATABASE_POOL_SIZE for the gateway (BENCH_DATABASE_POOL_SIZE); unset: the gateway default. */
  databasePoolSize?: number;
  gatewayLogLevel: string;
  /** Extra node arguments for the gateway process, e.g. `--cpu-prof` (BENCH_GATEWAY_NODE_ARGS). */
  gatewayNodeArgs: string[];
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name}=${raw}: expected an integer from 1 to ${max}`);
  }
  return value;
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
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
    warmupS: positiveInt(env, 'BENCH_WARMUP_S', 1, 60),
    connections: positiveInt(env, 'BENCH_CONNECTIONS', 16, 1024),
    batchItems: positiveInt(env, 'BENCH_BATCH_ITEMS', 10, 100),
    requestTimeoutMs: positiveInt(env, 'BENCH_REQUEST_TIMEOUT_MS', 5_000, 60_000),
    scenarios: scenarios as ScenarioName[],
    databaseUrl: env.BENCH_DATABASE_URL?.trim() || undefined,
    databasePoolSize: env.BENCH_DATABASE_POOL_SIZE?.trim()
      ? positiveInt(env, 'BENCH_DATABASE_POOL_SIZE', 10, 200)
      : undefined,
    gatewayLogLevel: env.BENCH_GATEWAY_LOG_LEVEL?.trim() || 'warn',
    gatewayNodeArgs: (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  };
}

/** Keeps the last characters a child printed, to show them if it fails. */
class OutputTail {
  private text = '';
  append(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  }
  toString(): string {
    return this.text.trim();
  }
}

const children = new Set<ChildProcess>();

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Waits for `child` to exit, SIGKILLing it after `timeoutMs`. */
function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit();
    });
  });
}

function killAll(): void {
  for (const child of children) if (!exited(child)) child.kill('SIGKILL');
}

/** The gateway's embedded data folder, once made (removed at the end). */
let embeddedDataDir: string | undefined;

/**
 * Stops everything at once and exits. A SIGKILLed gateway leaves its embedded postmaster
 * running: stop it through postmaster.pid before the data folder goes.
 */
async function abort(code: number): Promise<never> {
  killAll();
  if (embeddedDataDir) {
    await stopLeftoverServer(join(embeddedDataDir, CLUSTER_FOLDER)).catch(() => undefined);
    rmSync(embeddedDataDir, { recursive: true, force: true });
  }
  process.exit(code);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Simulators {
  dmsUrl: string;
  gepSmartUrl: string;
  stop(): Promise<void>;
}

async function startSimulators(keys: {
  dmsApiKey: string;
  gepAuthKey: string;
  gepSharedSecret: string;
}): Promise<Simulators> {
  const tail = new OutputTail();
  const child = fork(join(__dirname, 'simulator-process.js'), [], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  });
  children.add(child);
  child.stdout?.on('data', (chunk: Buffer) => tail.append(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.append(chunk));
  const ready = await new Promise<{ dmsUrl: string; gepSmartUrl: string }>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error('simulators did not start in time')),
      STARTUP_TIMEOUT_MS,
    );
    child.on('message', (message: SimulatorChildMessage) => {
      clearTimeout(timer);
      if (message.type === 'ready') ok(message);
      else fail(new Error(`simulators failed to start: ${message.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`simulator process exited (${code}) before it was ready\n${tail.toString()}`));
    });
    const start: SimulatorParentMessage = { type: 'start', ...keys };
    child.send(start);
  });
  return {
    ...ready,
    stop: async () => {
      if (exited(child)) return;
      if (child.connected) child.send({ type: 'stop' } satisfies SimulatorParentMessage);
      else child.kill('SIGTERM');
      await waitForExit(child, STOP_TIMEOUT_MS);
    },
  };
}

interface Gateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** CPU time (user + system, ms) and memory (current and peak RSS, MB) of a process, from /proc. */
interface ProcessSample {
  cpuMs: number;
  rssMb: number;
  peakRssMb: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { cpuMs, rssMb: round(kb('VmRSS') / 1024, 1), peakRssMb: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return undefined;
  }
}

/** Commits and rows written in the gateway's database, from pg_stat_database. */
interface DatabaseSample {
  commits: number;
  rowsWritten: number;
}

async function sampleDatabase(client: Client | undefined): Promise<DatabaseSample | undefined> {
  if (!client) return undefined;
  // the statistics collector publishes at most once a second: wait for the last window's counts
  await sleep(1100);
  const { rows } = await client.query<{ c: string; w: string }>(
    `SELECT xact_commit AS c, tup_inserted + tup_updated + tup_deleted AS w
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { commits: Number(rows[0].c), rowsWritten: Number(rows[0].w) };
}

interface BareProxy {
  url: string;
  stop(): Promise<void>;
}

async function startBareProxy(env: Record<string, string>): Promise<BareProxy> {
  const tail = new OutputTail();
  const child = spawn(process.execPath, [join(__dirname, 'bare-proxy.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  children.add(child);
  child.stderr?.on('data', (chunk: Buffer) => tail.append(chunk));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error('the bare proxy did not start in time')),
      STARTUP_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      tail.append(chunk);
      const match = /listening (http:\/\/\S+)/.exec(tail.toString());
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the bare proxy exited (${code}):\n${tail.toString()}`));
    });
  });
  return {
    url,
    stop: async () => {
      if (exited(child)) return;
      child.kill('SIGTERM');
      await waitForExit(child, STOP_TIMEOUT_MS);
    },
  };
}

async function startGateway(env: Record<string, string>, nodeArgs: string[]): Promise<Gateway> {
  const port = await freePort();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const tail = new OutputTail();
  const child = spawn(process.execPath, [...nodeArgs, join(DIST_ROOT, 'src', 'main.js')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env, HOST: LOOPBACK, PORT: String(port) },
  });
  children.add(child);
  const log = createWriteStream(GATEWAY_LOG_FILE);
  const onOutput = (chunk: Buffer) => {
    tail.append(chunk);
    log.write(chunk);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  child.once('exit', () => log.end());
  const url = `http://${LOOPBACK}:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited(child)) {
      throw new Error(
        `the gateway exited (${child.exitCode ?? child.signalCode}):\n${tail.toString()}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the gateway was not ready within ${STARTUP_TIMEOUT_MS} ms:\n${tail.toString()}`,
      );
    }
    const answer = await fetchJson(url, 'GET', '/health/ready', {}, 1000).catch(() => undefined);
    if (answer?.status === 200) break;
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (exited(child)) return;
      child.kill('SIGTERM');
      await waitForExit(child, STOP_TIMEOUT_MS);
      if (child.exitCode !== 0) {
        console.error(
          `gateway stopped with ${child.exitCode ?? child.signalCode}:\n${tail.toString()}`,
        );
      }
    },
  };
}

async function fetchGepToken(gepSmartUrl: string, authKey: string): Promise<string> {
  const answer = await fetchJson(gepSmartUrl, 'GET', '/token/gep', { 'gep-auth-key': authKey });
  const token = (answer.body as { Token?: unknown } | undefined)?.Token;
  if (answer.status !== 200 || typeof token !== 'string') {
    throw new Error(`GEP SMART token request answered ${answer.status}`);
  }
  return token;
}

async function checkProvidersLive(gatewayUrl: string, key: string): Promise<void> {
  const answer = await fetchJson(gatewayUrl, 'GET', '/v1/providers', {
    authorization: `Bearer ${key}`,
  });
  const items = (answer.body as { items?: { id?: string; mode?: string }[] } | undefined)?.items;
  const mode = (id: string) => items?.find((p) => p.id === id)?.mode;
  if (mode('dms') !== 'live' || mode('gep-smart') !== 'live') {
    throw new Error(
      `expected dms and gep-smart in live mode, got ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
  }
}

async function measure(
  target: LoadTarget,
  settings: Settings,
  nextSeq: () => number,
  connections: number,
  afterWarmup: () => Promise<void> = () => Promise.resolve(),
): Promise<ReturnType<typeof runLoad>> {
  const common = {
    connections,
    requestTimeoutMs: settings.requestTimeoutMs,
    nextSeq,
  };
  await runLoad(target, { ...common, durationMs: settings.warmupS * 1000 });
  await afterWarmup();
  return runLoad(target, { ...common, durationMs: settings.durationS * 1000 });
}

function report(stats: ScenarioStats[], comparisons: Comparison[]): void {
  console.log('');
  console.log(
    table(
      ['scenario', 'path', 'requests', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      stats.map((s) => [
        s.scenario,
        s.path,
        s.requests,
        s.errors,
        s.throughput.toFixed(1),
        s.p50Ms.toFixed(2),
        s.p90Ms.toFixed(2),
        s.p99Ms.toFixed(2),
        s.maxMs.toFixed(2),
      ]),
    ),
  );
  console.log('');
  console.log(
    table(
      [
        'gateway vs',
        'direct tput',
        'proxy tput',
        'p50 added ms',
        'p99 added ms',
        'CPU ms/req',
        'RSS MB',
        'commits/req',
        'rows/req',
      ],
      comparisons.map((c) => [
        c.scenario,
        `${c.throughputRatio.toFixed(2)}x`,
        `${c.proxyThroughputRatio.toFixed(2)}x`,
        c.p50AddedMs.toFixed(2),
        c.p99AddedMs.toFixed(2),
        c.gatewayCpuMsPerRequest?.toFixed(2) ?? '-',
        c.gatewayRssMb?.toFixed(0) ?? '-',
        c.commitsPerRequest?.toFixed(2) ?? '-',
        c.rowsWrittenPerRequest?.toFixed(2) ?? '-',
      ]),
    ),
  );
  for (const s of stats.filter((x) => x.errors > 0)) {
    console.log('');
    console.log(`${s.scenario} ${s.path}: ${s.errors} of ${s.requests} requests were not 2xx`);
    for (const [status, count] of Object.entries(s.statusCounts)) {
      const sample = s.errorSamples[status];
      console.log(`  ${status}: ${count}${sample ? `  e.g. ${sample}` : ''}`);
    }
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  // three paths per scenario, plus the database statistics pauses (about 2 s)
  const perScenarioS = 3 * (settings.warmupS + settings.durationS) + 5;
  const budgetMs = STARTUP_TIMEOUT_MS / 1000 + settings.scenarios.length * perScenarioS + 10;
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${budgetMs} s, stopping everything`);
    void abort(2);
  }, budgetMs * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abort(130));

  const secret = () => randomBytes(18).toString('base64url');
  const keys = {
    dmsApiKey: `bench-dms-${secret()}`,
    gepAuthKey: `bench-gep-${secret()}`,
    gepSharedSecret: `bench-gep-shared-${secret()}`,
  };
  const gatewayKey = `bench-gateway-${randomBytes(24).toString('hex')}`;
  const runId = Date.now().toString(36).toUpperCase();

  console.log(
    `invoice-gateway bench: ${settings.scenarios.join(', ')}; ${settings.connections} connections, ` +
      `${settings.warmupS} s warm-up + ${settings.durationS} s each; ` +
      `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
  );

  const stoppers: (() => Promise<void>)[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'invoice-gateway-bench-'));
  embeddedDataDir = dataDir;
  stoppers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const sims = await startSimulators(keys);
    stoppers.push(() => sims.stop());
    const gatewayEnv: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: settings.gatewayLogLevel,
      SHUTDOWN_GRACE_MS: '0',
      GATEWAY_BOOTSTRAP_API_KEY: gatewayKey,
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      DMS_BASE_URL: sims.dmsUrl,
      DMS_API_KEY: keys.dmsApiKey,
      GEP_SMART_BASE_URL: sims.gepSmartUrl,
      GEP_SMART_TOKEN_URL: `${sims.gepSmartUrl}/token/gep`,
      GEP_SMART_AUTH_KEY: keys.gepAuthKey,
      GEP_SMART_SHARED_SECRET: keys.gepSharedSecret,
      // the two providers not measured run against the gateway's in-process simulators
      MOCK_PROVIDERS: 'gep-quantum,delivery-solutions',
      // embedded: a data folder of its own (fsync on, as `npm start` runs), removed afterwards
      ...(settings.databaseUrl ? { DATABASE_URL: settings.databaseUrl } : { DATA_DIR: dataDir }),
      ...(settings.databasePoolSize
        ? { DATABASE_POOL_SIZE: String(settings.databasePoolSize) }
        : {}),
    };
    const started = Date.now();
    const gateway = await startGateway(gatewayEnv, settings.gatewayNodeArgs);
    stoppers.unshift(() => gateway.stop());
    await checkProvidersLive(gateway.url, gatewayKey);
    console.log(
      `simulators: dms ${sims.dmsUrl}, gep-smart ${sims.gepSmartUrl}; gateway ${gateway.url} ` +
        `(ready in ${Date.now() - started} ms, ${settings.databaseUrl ? 'DATABASE_URL' : 'embedded PostgreSQL 15 (temporary folder)'})`,
    );

    const gepToken = await fetchGepToken(sims.gepSmartUrl, keys.gepAuthKey);
    const proxy = await startBareProxy({
      PROXY_DMS_URL: sims.dmsUrl,
      PROXY_DMS_API_KEY: keys.dmsApiKey,
      PROXY_GEP_SMART_URL: sims.gepSmartUrl,
      PROXY_GEP_TOKEN: gepToken,
    });
    stoppers.unshift(() => proxy.stop());
    const dbUrl = settings.databaseUrl ?? (await runningEmbeddedUrl(dataDir));
    const db = dbUrl ? new Client({ connectionString: dbUrl }) : undefined;
    await db?.connect();
    stoppers.unshift(async () => db?.end());
    let seq = 0;
    const nextSeq = () => ++seq;
    const stats: ScenarioStats[] = [];
    const comparisons: Comparison[] = [];
    for (const name of settings.scenarios) {
      const pair = buildScenario(name, {
        runId,
        dmsUrl: sims.dmsUrl,
        dmsApiKey: keys.dmsApiKey,
        gepSmartUrl: sims.gepSmartUrl,
        gepToken,
        gatewayUrl: gateway.url,
        gatewayKey,
        proxyUrl: proxy.url,
        batchItems: settings.batchItems,
      });
      const connections = pair.connections ?? settings.connections;
      const results: ScenarioStats[] = [];
      let before: { process?: ProcessSample; db?: DatabaseSample } = {};
      for (const path of ['direct', 'proxy', 'gateway'] as const) {
        process.stdout.write(`measuring ${pair.name} ${path} (${connections} connections)... `);
        const result = await measure(
          pair[path].target,
          settings,
          nextSeq,
          connections,
          async () => {
            // sampled between warm-up and the measured window, with no request in flight
            if (path === 'gateway')
              before = { process: sampleProcess(gateway.pid), db: await sampleDatabase(db) };
          },
        );
        const summary = summarize(pair.name, path, pair[path].description, result);
        console.log(
          `${summary.throughput.toFixed(1)} req/s, p50 ${summary.p50Ms.toFixed(2)} ms` +
            (summary.errors ? `, ${summary.errors} errors` : ''),
        );
        results.push(summary);
      }
      const after = { process: sampleProcess(gateway.pid), db: await sampleDatabase(db) };
      const comparison = compare(results[0], results[1], results[2]);
      const served = results[2].requests;
      if (before.process && after.process && served > 0) {
        comparison.gatewayCpuMsPerRequest = round(
          (after.process.cpuMs - before.process.cpuMs) / served,
          3,
        );
        comparison.gatewayRssMb = after.process.peakRssMb;
      }
      if (before.db && after.db && served > 0) {
        comparison.commitsPerRequest = round((after.db.commits - before.db.commits) / served, 2);
        comparison.rowsWrittenPerRequest = round(
          (after.db.rowsWritten - before.db.rowsWritten) / served,
          2,
        );
      }
      stats.push(...results);
      comparisons.push(comparison);
    }

    report(stats, comparisons);
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model.trim(),
            memoryGiB: round(totalmem() / 2 ** 30, 1),
            platform: `${process.platform} ${process.arch}`,
            node: process.version,
          },
          settings: { ...settings, databaseUrl: settings.databaseUrl ? '(set)' : undefined },
          database: settings.databaseUrl
            ? 'DATABASE_URL'
            : 'embedded PostgreSQL 15 (temporary folder)',
          scenarios: stats,
          comparisons,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nresults written to ${relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}`);
    if (stats.some((s) => s.path === 'gateway' && s.errors > 0)) {
      console.log(`the gateway's log: ${relative(process.cwd(), GATEWAY_LOG_FILE)}`);
    }
    if (stats.some((s) => s.ok === 0)) {
      console.error('bench: a scenario had no successful request; its numbers mean nothing');
      process.exitCode = 1;
    }
  } finally {
    for (const stop of stoppers) await stop().catch(() => undefined);
    killAll();
    clearTimeout(watchdog);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  void abort(1);
});
