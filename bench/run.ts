/**
 * `npm run bench`: the same business request sent straight to the upstream simulator, through a
 * bare proxy and through the gateway, in one run, with the same closed-loop load; then the DMS
 * create accepted asynchronously, and the queue it leaves delivered by two gateway processes.
 * Prints throughput, latency, the gateway's CPU, memory and database work, and the ratios.
 * Measured, never asserted (docs/benchmarks.md).
 *
 * Processes on loopback: this one (load generator), the simulators (bench/simulator-process),
 * the bare proxy, an embedded PostgreSQL 15 the bench starts (or BENCH_DATABASE_URL) and the
 * gateways (`node dist/src/main.js`, LIVE mode against the simulators), one phase after the
 * other. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import {
  CLUSTER_FOLDER,
  startEmbeddedPostgres,
  stopLeftoverServer,
} from '../src/database/embedded-postgres';
import { DatabaseProbe, databaseUse, type DatabaseSample } from './db-probe';
import { DRAIN_PROCESSES, drainQueue, topUpQueue, type DrainResult, type TopUp } from './drain';
import { fetchJson, runLoad, type LoadTarget } from './load';
import {
  killAll,
  RESULTS_DIR,
  sampleProcess,
  startBareProxy,
  startGateway,
  startSimulators,
  type Gateway,
  type ProcessSample,
} from './processes';
import {
  buildScenario,
  type BenchEndpoints,
  type PairName,
  type ScenarioName,
  type ScenarioPair,
} from './scenarios';
import { readSettings, SYNC_SCENARIOS, watchdogBudgetS, type Settings } from './settings';
import { round } from './round';
import { compare, summarize, table, type Comparison, type ScenarioStats } from './stats';

const RESULTS_FILE = join(RESULTS_DIR, 'latest.json');
const EMBEDDED_LABEL = 'embedded PostgreSQL 15 (started by the bench, temporary folder, fsync on)';
/** Connections a gateway may open beyond its pool (the lock pool, migrations), as `npm start` allows. */
const SPARE_CONNECTIONS_PER_GATEWAY = 20;

/** The bench's embedded data folder, once made (removed at the end). */
let embeddedDataDir: string | undefined;

/** Stops everything at once and exits; the embedded postmaster is stopped through postmaster.pid. */
async function abort(code: number): Promise<never> {
  killAll();
  if (embeddedDataDir) {
    await stopLeftoverServer(join(embeddedDataDir, CLUSTER_FOLDER)).catch(() => undefined);
    rmSync(embeddedDataDir, { recursive: true, force: true });
  }
  process.exit(code);
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

/** Everything one measurement needs besides its target. */
interface Run {
  settings: Settings;
  nextSeq: () => number;
  probe: DatabaseProbe;
}

async function measure(
  target: LoadTarget,
  run: Run,
  connections: number,
  afterWarmup: () => Promise<void> = () => Promise.resolve(),
): Promise<ReturnType<typeof runLoad>> {
  const common = {
    connections,
    requestTimeoutMs: run.settings.requestTimeoutMs,
    nextSeq: run.nextSeq,
  };
  await runLoad(target, { ...common, durationMs: run.settings.warmupS * 1000 });
  await afterWarmup();
  return runLoad(target, { ...common, durationMs: run.settings.durationS * 1000 });
}

interface Measured {
  /** The paths measured here (without a reused baseline's). */
  stats: ScenarioStats[];
  comparison: Comparison;
}

/**
 * One scenario: direct, proxy and gateway (or only the gateway, with the direct and proxy
 * measurements of `baseline`), and the gateway process and database around its window.
 */
async function measureScenario(
  pair: ScenarioPair,
  gateway: Gateway,
  run: Run,
  baseline?: { direct: ScenarioStats; proxy: ScenarioStats },
): Promise<Measured> {
  const connections = pair.connections ?? run.settings.connections;
  const paths = baseline ? (['gateway'] as const) : (['direct', 'proxy', 'gateway'] as const);
  const measured: Partial<Record<'direct' | 'proxy' | 'gateway', ScenarioStats>> = {};
  let before: { process?: ProcessSample; db?: DatabaseSample } = {};
  for (const path of paths) {
    process.stdout.write(`measuring ${pair.name} ${path} (${connections} connections)... `);
    const result = await measure(pair[path].target, run, connections, async () => {
      // sampled between warm-up and the measured window, with no request in flight
      if (path === 'gateway')
        before = { db: await run.probe.sample(), process: sampleProcess(gateway.pid) };
    });
    const summary = summarize(pair.name, path, pair[path].description, result);
    console.log(
      `${summary.throughput.toFixed(1)} req/s, p50 ${summary.p50Ms.toFixed(2)} ms` +
        (summary.errors ? `, ${summary.errors} errors` : ''),
    );
    measured[path] = summary;
  }
  const afterProcess = sampleProcess(gateway.pid);
  const afterDb = await run.probe.sample();
  const gatewayStats = measured.gateway!;
  const comparison = compare(
    baseline?.direct ?? measured.direct!,
    baseline?.proxy ?? measured.proxy!,
    gatewayStats,
  );
  const served = gatewayStats.requests;
  if (before.process && afterProcess && served > 0) {
    comparison.gatewayCpuMsPerRequest = round(
      (afterProcess.cpuMs - before.process.cpuMs) / served,
      3,
    );
    comparison.gatewayRssMb = afterProcess.peakRssMb;
    if (before.process.syscw !== undefined && afterProcess.syscw !== undefined) {
      comparison.gatewaySyscwPerRequest = round(
        (afterProcess.syscw - before.process.syscw) / served,
        2,
      );
    }
  }
  const use = before.db ? databaseUse(before.db, afterDb, served) : undefined;
  if (use) {
    comparison.commitsPerRequest = use.commitsPerOperation;
    comparison.writeTransactionsPerRequest = use.writeTransactionsPerOperation;
    comparison.rowsWrittenPerRequest = use.rowsWrittenPerOperation;
    comparison.statementsPerRequest = use.statementsPerOperation;
    comparison.topStatements = use.topStatements;
  }
  return { stats: paths.map((p) => measured[p]!), comparison };
}

function formatted(value: number | undefined, digits: number, unavailable: string): string {
  return value === undefined ? unavailable : value.toFixed(digits);
}

/** A heading, then each status with its count and, when there is one, a sample. */
function printStatuses(
  heading: string,
  counts: Record<string, number>,
  samples: Record<string, string>,
): void {
  console.log('');
  console.log(heading);
  for (const [status, count] of Object.entries(counts)) {
    const sample = samples[status];
    console.log(`  ${status}: ${count}${sample ? `  e.g. ${sample}` : ''}`);
  }
}

/** The latency table and the gateway-vs table. */
function printTables(
  stats: ScenarioStats[],
  comparisons: Comparison[],
  stmts: (value: number | undefined) => string,
): void {
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
        'syscw/req',
        'RSS MB',
        'commits/req',
        'writes/req',
        'stmts/req',
        'rows/req',
      ],
      comparisons.map((c) => [
        c.baseline ? `${c.scenario} (vs ${c.baseline})` : c.scenario,
        `${c.throughputRatio.toFixed(2)}x`,
        `${c.proxyThroughputRatio.toFixed(2)}x`,
        c.p50AddedMs.toFixed(2),
        c.p99AddedMs.toFixed(2),
        formatted(c.gatewayCpuMsPerRequest, 2, '-'),
        formatted(c.gatewaySyscwPerRequest, 1, '-'),
        formatted(c.gatewayRssMb, 0, '-'),
        formatted(c.commitsPerRequest, 2, '-'),
        formatted(c.writeTransactionsPerRequest, 2, '-'),
        stmts(c.statementsPerRequest),
        formatted(c.rowsWrittenPerRequest, 2, '-'),
      ]),
    ),
  );
}

function report(
  stats: ScenarioStats[],
  comparisons: Comparison[],
  drain: { result: DrainResult; topUp: TopUp } | undefined,
  statementsUnavailable: string | undefined,
): void {
  const stmts = (value: number | undefined) =>
    formatted(value, 2, statementsUnavailable ? 'n/a' : '-');
  if (stats.length > 0) printTables(stats, comparisons, stmts);
  if (drain) {
    const d = drain.result;
    console.log('');
    console.log(
      table(
        [
          'queue drain',
          'operations',
          'errors',
          'deliveries/s',
          'window s',
          'CPU ms/delivery',
          'RSS MB',
          'commits/delivery',
          'writes/delivery',
          'stmts/delivery',
        ],
        [
          [
            `${DRAIN_PROCESSES} gateways`,
            d.operations,
            d.errors,
            d.deliveriesPerS.toFixed(1),
            d.windowS.toFixed(2),
            formatted(d.cpuMsPerDelivery, 2, '-'),
            d.processes.map((p) => formatted(p.peakRssMb, 0, '-')).join('+'),
            formatted(d.database?.commitsPerOperation, 2, '-'),
            formatted(d.database?.writeTransactionsPerOperation, 2, '-'),
            stmts(d.database?.statementsPerOperation),
          ],
        ],
      ),
    );
  }
  for (const s of stats.filter((x) => x.errors > 0)) {
    printStatuses(
      `${s.scenario} ${s.path}: ${s.errors} of ${s.requests} requests were not 2xx`,
      s.statusCounts,
      s.errorSamples,
    );
  }
  const top = drain?.topUp;
  if (top && Object.keys(top.failed).length > 0) {
    printStatuses(
      `queue top-up: ${top.requested - top.accepted} requests not accepted`,
      top.failed,
      top.errorSamples,
    );
  }
  const drained = drain?.result;
  if (drained && drained.errors > 0) {
    const { succeeded: _, ...others } = drained.statusCounts;
    printStatuses(
      `queue drain: ${drained.errors} of ${drained.operations} operations did not end succeeded`,
      others,
      drained.errorSamples,
    );
  }
  if (statementsUnavailable) {
    console.log('');
    console.log(`stmts: n/a, ${statementsUnavailable}`);
  }
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const has = (name: ScenarioName) => settings.scenarios.includes(name);
  const budgetS = watchdogBudgetS(settings);
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${budgetS} s, stopping everything`);
    void abort(2);
  }, budgetS * 1000);
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
  try {
    let databaseUrl = settings.databaseUrl;
    if (!databaseUrl) {
      // the project's own embedded server, as `npm start` runs it (a data folder: fsync on),
      // with room for two gateways at once and pg_stat_statements preloaded
      const dataDir = mkdtempSync(join(tmpdir(), 'invoice-gateway-bench-'));
      embeddedDataDir = dataDir;
      stoppers.unshift(async () => rmSync(dataDir, { recursive: true, force: true }));
      const embedded = await startEmbeddedPostgres({
        dataDir,
        maxConnections:
          DRAIN_PROCESSES * ((settings.databasePoolSize ?? 10) + SPARE_CONNECTIONS_PER_GATEWAY) +
          10,
        extraSettings: { shared_preload_libraries: 'pg_stat_statements' },
      });
      stoppers.unshift(() => embedded.stop());
      // the gateways reach it as `npm start` does: over its Unix socket (BENCH_DATABASE_TCP=1: TCP)
      databaseUrl = (!settings.databaseTcp && embedded.socketUrl) || embedded.url;
    }
    const probe = await DatabaseProbe.open(databaseUrl);
    stoppers.unshift(() => probe.end());
    const sims = await startSimulators(keys);
    stoppers.unshift(() => sims.stop());
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
      // every gateway of the run on the same database
      DATABASE_URL: databaseUrl,
      ...(settings.databasePoolSize
        ? { DATABASE_POOL_SIZE: String(settings.databasePoolSize) }
        : {}),
      ...(settings.asyncConcurrency
        ? { ASYNC_CONCURRENCY: String(settings.asyncConcurrency) }
        : {}),
    };
    const launch = async (role: string, extraEnv: Record<string, string> = {}) => {
      const gateway = await startGateway(
        role,
        { ...gatewayEnv, ...extraEnv },
        settings.gatewayNodeArgs,
      );
      stoppers.unshift(() => gateway.stop());
      await checkProvidersLive(gateway.url, gatewayKey);
      console.log(`${role} gateway ${gateway.url} ready in ${gateway.readyMs} ms`);
      return gateway;
    };
    console.log(
      `simulators: dms ${sims.dmsUrl}, gep-smart ${sims.gepSmartUrl}; database: ` +
        (settings.databaseUrl
          ? 'BENCH_DATABASE_URL'
          : `${EMBEDDED_LABEL}, over ${databaseUrl.includes('?host=') ? 'its Unix socket' : 'TCP'}`),
    );

    const gepToken = await fetchGepToken(sims.gepSmartUrl, keys.gepAuthKey);
    const proxy = await startBareProxy({
      PROXY_DMS_URL: sims.dmsUrl,
      PROXY_DMS_API_KEY: keys.dmsApiKey,
      PROXY_GEP_SMART_URL: sims.gepSmartUrl,
      PROXY_GEP_TOKEN: gepToken,
    });
    stoppers.unshift(() => proxy.stop());
    let seq = 0;
    const run: Run = { settings, nextSeq: () => ++seq, probe };
    const endpoints = (gateway: Gateway): BenchEndpoints => ({
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
    const stats: ScenarioStats[] = [];
    const comparisons: Comparison[] = [];
    const baselines = new Map<string, { direct: ScenarioStats; proxy: ScenarioStats }>();
    const record = (m: Measured) => {
      stats.push(...m.stats);
      comparisons.push(m.comparison);
      const direct = m.stats.find((s) => s.path === 'direct');
      const proxied = m.stats.find((s) => s.path === 'proxy');
      if (direct && proxied) baselines.set(direct.scenario, { direct, proxy: proxied });
    };

    // 1. the sync paths, against a gateway with its worker on (as deployed)
    const sync = settings.scenarios.filter((name) => SYNC_SCENARIOS.includes(name)) as PairName[];
    if (sync.length > 0) {
      const gateway = await launch('sync');
      for (const name of sync)
        record(await measureScenario(buildScenario(name, endpoints(gateway)), gateway, run));
      await gateway.stop();
    }

    // 2. the async accept, against a gateway whose worker is off: the accept alone
    let drain: { result: DrainResult; topUp: TopUp } | undefined;
    if (has('dms-async') || has('queue-drain')) {
      const gateway = await launch('async', { ASYNC_WORKER_ENABLED: 'false' });
      const pair = buildScenario('dms-async', endpoints(gateway));
      if (has('dms-async')) {
        record(await measureScenario(pair, gateway, run, baselines.get(pair.baseline!)));
      }
      let topUp: TopUp | undefined;
      if (has('queue-drain')) {
        topUp = await topUpQueue(probe, pair.gateway.target, settings.drainOperations, {
          connections: settings.connections,
          requestTimeoutMs: settings.requestTimeoutMs,
          nextSeq: run.nextSeq,
          timeoutS: settings.drainTimeoutS,
        });
        console.log(
          `queue: ${topUp.queuedBefore} operations queued by the async accept, ` +
            `${topUp.accepted} of ${topUp.requested} more accepted through the API`,
        );
      }
      await gateway.stop();

      // 3. the queue drain: two gateways, workers on, every default
      if (topUp) {
        process.stdout.write(`draining the queue with ${DRAIN_PROCESSES} gateways... `);
        const result = await drainQueue(
          probe,
          databaseUrl,
          () =>
            Promise.all(
              Array.from({ length: DRAIN_PROCESSES }, (_, i) => launch(`drain-${i + 1}`)),
            ),
          settings.drainTimeoutS,
        );
        drain = { result, topUp };
        console.log(
          `${result.deliveriesPerS.toFixed(1)} deliveries/s` +
            (result.errors ? `, ${result.errors} errors` : ''),
        );
      }
    }

    report(stats, comparisons, drain, probe.statementsUnavailable);
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
          database: settings.databaseUrl ? 'BENCH_DATABASE_URL' : EMBEDDED_LABEL,
          statementsUnavailable: probe.statementsUnavailable,
          scenarios: stats,
          comparisons,
          ...(drain ? { queueDrain: { ...drain.result, topUp: drain.topUp } } : {}),
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nresults written to ${relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}`);
    if (stats.some((s) => s.path !== 'direct' && s.errors > 0) || (drain?.result.errors ?? 0) > 0) {
      console.log(`the gateways' logs: ${relative(process.cwd(), RESULTS_DIR)}/gateway*.log`);
    }
    if (stats.some((s) => s.ok === 0) || (drain && drain.result.succeeded === 0)) {
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
