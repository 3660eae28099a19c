/**
 * The child processes of `npm run bench` (simulators, bare proxy, gateways) and what the bench
 * reads about them from /proc. Every child is tracked, so a failure or the watchdog can kill all.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fetchJson } from './load';
import { STARTUP_TIMEOUT_MS } from './settings';
import type { SimulatorChildMessage, SimulatorParentMessage } from './simulator-process';
import { round } from './round';

const DIST_ROOT = resolve(__dirname, '..');
export const REPO_ROOT = resolve(DIST_ROOT, '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
export const LOOPBACK = '127.0.0.1';
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

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

export function killAll(): void {
  for (const child of children) if (!exited(child)) child.kill('SIGKILL');
}

export function freePort(): Promise<number> {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Simulators {
  dmsUrl: string;
  gepSmartUrl: string;
  stop(): Promise<void>;
}

export async function startSimulators(keys: {
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

/**
 * CPU time (user + system, ms), memory (current and peak RSS, MB) and write system calls
 * (`syscw` of /proc/<pid>/io: every socket write, each a kernel crossing) of a process.
 */
export interface ProcessSample {
  cpuMs: number;
  rssMb: number;
  peakRssMb: number;
  /** Write-type system calls so far; undefined where /proc/<pid>/io cannot be read. */
  syscw?: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return {
      cpuMs,
      rssMb: round(kb('VmRSS') / 1024, 1),
      peakRssMb: round(kb('VmHWM') / 1024, 1),
      syscw: writeSyscalls(pid),
    };
  } catch {
    return undefined;
  }
}

/** `syscw` of /proc/<pid>/io (readable by the process's owner and root). */
function writeSyscalls(pid: number): number | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const value = /^syscw:\s+(\d+)/m.exec(io)?.[1];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  }
}

export interface BareProxy {
  url: string;
  stop(): Promise<void>;
}

export async function startBareProxy(env: Record<string, string>): Promise<BareProxy> {
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

export interface Gateway {
  /** What it is for, e.g. `sync` or `drain-1` (names its log file). */
  role: string;
  url: string;
  pid: number;
  /** Milliseconds from spawning it to its first 200 from /health/ready. */
  readyMs: number;
  /** Where everything it printed goes (LOG_LEVEL=warn by default: its warnings and errors). */
  logFile: string;
  stop(): Promise<void>;
}

/** `node dist/src/main.js` on a free loopback port; resolves once /health/ready answers 200. */
export async function startGateway(
  role: string,
  env: Record<string, string>,
  nodeArgs: string[],
): Promise<Gateway> {
  const port = await freePort();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const tail = new OutputTail();
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, join(DIST_ROOT, 'src', 'main.js')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env, HOST: LOOPBACK, PORT: String(port) },
  });
  children.add(child);
  const logFile = join(RESULTS_DIR, role === 'sync' ? 'gateway.log' : `gateway-${role}.log`);
  const log = createWriteStream(logFile);
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
        `the ${role} gateway exited (${child.exitCode ?? child.signalCode}):\n${tail.toString()}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the ${role} gateway was not ready within ${STARTUP_TIMEOUT_MS} ms:\n${tail.toString()}`,
      );
    }
    const answer = await fetchJson(url, 'GET', '/health/ready', {}, 1000).catch(() => undefined);
    if (answer?.status === 200) break;
    await sleep(100);
  }
  return {
    role,
    url,
    pid: child.pid!,
    readyMs: Date.now() - spawnedAt,
    logFile,
    stop: async () => {
      if (exited(child)) return;
      child.kill('SIGTERM');
      await waitForExit(child, STOP_TIMEOUT_MS);
      if (child.exitCode !== 0) {
        console.error(
          `the ${role} gateway stopped with ${child.exitCode ?? child.signalCode}:\n${tail.toString()}`,
        );
      }
    },
  };
}
