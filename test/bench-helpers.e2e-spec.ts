import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { databaseUse, statementDelta, type StatementCount } from '../bench/db-probe';
import { cpuMsPerDelivery, drainOutcome, drainRate, topUpCount } from '../bench/drain';
import { runLoad } from '../bench/load';
import { readSettings, watchdogBudgetS } from '../bench/settings';
import { sampleProcess } from '../bench/processes';
import { compare, summarize } from '../bench/stats';

/** The bench's own arithmetic (`npm run bench` measures; these check how it counts). */

const stmt = (id: string, calls: number, query = `q${id}`, bench = false): StatementCount => ({
  id,
  calls,
  query,
  bench,
});

describe('bench: process samples', () => {
  it('counts write system calls (syscw) of a process: each socket write adds one', async () => {
    const before = sampleProcess(process.pid);
    expect(before?.syscw).toEqual(expect.any(Number));
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < 20; i++) await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await new Promise<void>((done) => server.close(() => done()));
    const after = sampleProcess(process.pid);
    // 20 requests written and 20 answers written, by this one process
    expect(after!.syscw! - before!.syscw!).toBeGreaterThanOrEqual(40);
    expect(after!.cpuMs).toBeGreaterThanOrEqual(before!.cpuMs);
  });
});

describe('bench: statement counts', () => {
  it('takes the calls made between two samples, leaves out the bench and idle statements', () => {
    const before = [stmt('1', 10), stmt('2', 5), stmt('9', 3, '/* probe */ SELECT', true)];
    const after = [
      stmt('1', 40),
      stmt('2', 5),
      stmt('3', 7, 'a new statement'),
      stmt('9', 8, '/* probe */ SELECT', true),
    ];
    expect(statementDelta(before, after)).toEqual([stmt('1', 30), stmt('3', 7, 'a new statement')]);
  });

  it('orders equal counts by text, so the top list is stable', () => {
    expect(statementDelta([], [stmt('1', 2, 'b'), stmt('2', 2, 'a'), stmt('3', 5, 'c')])).toEqual([
      stmt('3', 5, 'c'),
      stmt('2', 2, 'a'),
      stmt('1', 2, 'b'),
    ]);
  });

  it('per operation: subtracts the bench statements from the commits, lists the top statements', () => {
    const before = {
      commits: 1000,
      nextXid: 7000,
      rowsWritten: 500,
      benchStatementsSent: 4,
      statements: [stmt('1', 100), stmt('2', 50)],
    };
    const after = {
      commits: 1322,
      nextXid: 7215,
      rowsWritten: 900,
      benchStatementsSent: 6,
      statements: [stmt('1', 300), stmt('2', 150), stmt('3', 1)],
    };
    expect(databaseUse(before, after, 100, 2)).toEqual({
      commitsPerOperation: 3.2,
      writeTransactionsPerOperation: 2.15,
      rowsWrittenPerOperation: 4,
      statementsPerOperation: 3.01,
      topStatements: [
        { query: 'q1', calls: 200, perOperation: 2 },
        { query: 'q2', calls: 100, perOperation: 1 },
      ],
    });
  });

  it('has no statement numbers without pg_stat_statements, and none at all without operations', () => {
    const sample = { commits: 10, nextXid: 100, rowsWritten: 10, benchStatementsSent: 0 };
    expect(databaseUse(sample, { ...sample, commits: 30, nextXid: 120 }, 10)).toEqual({
      commitsPerOperation: 2,
      writeTransactionsPerOperation: 2,
      rowsWrittenPerOperation: 0,
    });
    expect(databaseUse(sample, sample, 0)).toBeUndefined();
  });
});

describe('bench: queue drain maths', () => {
  it('deliveries/s run from the first claim to the last completion', () => {
    const first = new Date('2026-12-01T10:00:00.000Z');
    expect(drainRate(5000, first, new Date('2026-12-01T10:00:20.000Z'))).toEqual({
      windowS: 20,
      perS: 250,
    });
    expect(drainRate(3, first, new Date('2026-12-01T10:00:00.007Z'))).toEqual({
      windowS: 0.007,
      perS: 428.6,
    });
    expect(drainRate(0, null, null)).toEqual({ windowS: 0, perS: 0 });
    expect(drainRate(1, first, first)).toEqual({ windowS: 0, perS: 0 });
  });

  it('counts everything that did not end succeeded as an error, waiting ones included', () => {
    expect(drainOutcome({ succeeded: 4990, failed: 3, dead: 2, queued: 4, running: 1 })).toEqual({
      operations: 5000,
      delivered: 4995,
      succeeded: 4990,
      errors: 10,
    });
    expect(drainOutcome({})).toEqual({ operations: 0, delivered: 0, succeeded: 0, errors: 0 });
  });

  it('CPU per delivery adds up both processes, and is unknown when one was not sampled', () => {
    const p = (cpuMs: number) => ({ cpuMs, rssMb: 100, peakRssMb: 120 });
    expect(cpuMsPerDelivery([p(1000), p(2000)], [p(6000), p(8000)], 1000)).toBe(11);
    expect(cpuMsPerDelivery([p(1000), undefined], [p(6000), p(8000)], 1000)).toBeUndefined();
    expect(cpuMsPerDelivery([p(1000)], [p(6000)], 0)).toBeUndefined();
  });

  it('tops the queue up only to the target', () => {
    expect(topUpCount(1800, 5000)).toBe(3200);
    expect(topUpCount(6000, 5000)).toBe(0);
  });
});

describe('bench: settings and watchdog', () => {
  it('reads the new variables, with their defaults', () => {
    const defaults = readSettings({});
    expect(defaults).toMatchObject({
      scenarios: ['dms', 'gep-smart', 'dms-1conn', 'dms-async', 'queue-drain'],
      drainOperations: 5000,
      drainTimeoutS: 300,
      asyncConcurrency: undefined,
    });
    const set = readSettings({
      BENCH_SCENARIOS: 'queue-drain, dms',
      BENCH_DRAIN_OPERATIONS: '300',
      BENCH_DRAIN_TIMEOUT_S: '30',
      BENCH_ASYNC_CONCURRENCY: '8',
    });
    // in the order they run, whatever order they were listed in
    expect(set.scenarios).toEqual(['dms', 'queue-drain']);
    expect(set).toMatchObject({ drainOperations: 300, drainTimeoutS: 30, asyncConcurrency: 8 });
    expect(() => readSettings({ BENCH_SCENARIOS: 'dms,drain' })).toThrow(
      'BENCH_SCENARIOS lists "drain": expected dms, gep-smart, dms-1conn, dms-async, queue-drain',
    );
    expect(() => readSettings({ BENCH_DRAIN_OPERATIONS: '0' })).toThrow(
      'BENCH_DRAIN_OPERATIONS=0: expected an integer from 1 to 1000000',
    );
  });

  it('budgets every phase that runs', () => {
    const base = { warmupS: 1, durationS: 5, drainTimeoutS: 120 };
    const budget = (scenarios: string) =>
      watchdogBudgetS({ ...readSettings({ BENCH_SCENARIOS: scenarios }), ...base });
    // start-up 20 + per sync scenario 3 x 6 + 5, + 10 to stop
    expect(budget('dms,gep-smart')).toBe(20 + 2 * 23 + 10);
    // + the async gateway's start-up (20) and its window (6 + 5): dms is its baseline
    expect(budget('dms,dms-async')).toBe(20 + 23 + 20 + 11 + 10);
    // without dms, its direct and proxy baseline are measured too
    expect(budget('dms-async')).toBe(20 + 20 + 3 * 6 + 5 + 10);
    // the drain: two gateways started together (20), the top-up and the drain (2 x 120), + 5
    expect(budget('queue-drain')).toBe(20 + 20 + 20 + 240 + 5 + 10);
  });
});

describe('bench: ratios and load', () => {
  it("names the baseline when a scenario's ratios use another scenario's direct and proxy", () => {
    const result = (requests: number, latencyMs: number) => ({
      requests,
      ok: requests,
      errors: 0,
      statusCounts: { '200': requests },
      errorSamples: {},
      latenciesMs: Array.from({ length: requests }, () => latencyMs),
      elapsedMs: 1000,
    });
    const direct = summarize('dms-invoice', 'direct', '', result(1000, 1));
    const proxy = summarize('dms-invoice', 'proxy', '', result(500, 2));
    const async = summarize('dms-invoice-async', 'gateway', '', result(100, 10));
    expect(compare(direct, proxy, async)).toMatchObject({
      scenario: 'dms-invoice-async',
      baseline: 'dms-invoice',
      throughputRatio: 0.1,
      proxyThroughputRatio: 0.2,
      p50AddedMs: 9,
    });
    expect(compare(direct, proxy, { ...async, scenario: 'dms-invoice' })).not.toHaveProperty(
      'baseline',
    );
  });

  describe('runLoad with maxRequests (the top-up)', () => {
    let server: Server;
    let url: string;
    let received = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        received += 1;
        req.resume();
        req.on('end', () => res.writeHead(202).end('{}'));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('sends exactly that many requests across its connections, then stops', async () => {
      let seq = 0;
      const result = await runLoad(
        { baseUrl: url, method: 'POST', path: '/', headers: {}, body: (n) => ({ n }) },
        {
          connections: 4,
          durationMs: 10_000,
          requestTimeoutMs: 2_000,
          nextSeq: () => ++seq,
          maxRequests: 37,
        },
      );
      expect(result).toMatchObject({ requests: 37, ok: 37, errors: 0 });
      expect(received).toBe(37);
      expect(seq).toBe(37);
    });
  });
});
