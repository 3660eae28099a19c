import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { readEmbeddedPassword } from '../src/database/embedded-postgres';
import { dmsInvoice } from './support/api';
import { GATEWAY_CLI, startGatewayProcess, type GatewayProcess } from './support/gateway-process';

const KEY = 'embedded-suite-bootstrap-key-0123456789';
const auth = { authorization: `Bearer ${KEY}` };

function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(join(dataDir, 'pg15', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The embedded PostgreSQL 15 as a user meets it: `npm start` with no DATABASE_URL, as real
 * processes. The gateway is killed with SIGKILL (its postmaster survives, holding the port and
 * postmaster.pid) and started again on the same DATA_DIR: the leftover is stopped, the data kept.
 */
describe('embedded PostgreSQL (real processes)', () => {
  let dataDir: string;
  let gateway: GatewayProcess | undefined;
  const env = () => ({
    DATA_DIR: dataDir,
    GATEWAY_BOOTSTRAP_API_KEY: KEY,
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '4',
  });

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'igw-embedded-e2e-'));
  });
  afterEach(async () => {
    if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
  });
  afterAll(() => {
    const pid = postmasterPid(dataDir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives kill -9: the leftover postmaster is stopped, the data is kept, SIGTERM then stops it all', async () => {
    gateway = await startGatewayProcess(env());
    const body = dmsInvoice();
    const created = await request(gateway.url)
      .post('/v1/invoices')
      .set(auth)
      .send(body)
      .expect(201);
    const firstPostmaster = postmasterPid(dataDir);
    expect(firstPostmaster).toBeGreaterThan(0);
    // scram-sha-256 with a generated password, kept beside the cluster for restarts and the CLI
    const conf = readFileSync(join(dataDir, 'pg15', 'pg_hba.conf'), 'utf8');
    expect(conf).toMatch(/scram-sha-256/);
    expect(statSync(join(dataDir, 'embedded-postgres.secret')).mode & 0o077).toBe(0);

    gateway.child.kill('SIGKILL');
    await gateway.exited;
    expect(alive(firstPostmaster!)).toBe(true); // the postmaster outlives a SIGKILLed parent

    gateway = await startGatewayProcess(env());
    expect(alive(firstPostmaster!)).toBe(false);
    const again = await request(gateway.url)
      .get(`/v1/invoices/${created.body.id}`)
      .set(auth)
      .expect(200);
    expect(again.body.reference).toBe(body.reference);
    await request(gateway.url).get('/health/ready').expect(200);
    const secondPostmaster = postmasterPid(dataDir)!;
    // a later start on an initialised cluster is quick
    expect(gateway.output()).toMatch(/Embedded PostgreSQL 15 on 127\.0\.0\.1:\d+/);

    // our shutdown order wins over embedded-postgres' own signal handlers: drain, close the
    // pool, then stop the server; exit 0 (their handler would exit 143 at once)
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toMatch(/Stopped/);
    expect(alive(secondPostmaster)).toBe(false);
    expect(postmasterPid(dataDir)).toBeUndefined();
  }, 60_000);

  it('listens on loopback TCP and a Unix socket in a 0700 folder of DATA_DIR; the CLI uses the running server', async () => {
    gateway = await startGatewayProcess(env());
    const pid = postmasterPid(dataDir)!;
    const lines = readFileSync(join(dataDir, 'pg15', 'postmaster.pid'), 'utf8').split('\n');
    // postmaster.pid: pid, data dir, start time, port, socket dir, listen address
    const socketDir = join(dataDir, 'socket');
    expect(lines[4]).toBe(socketDir);
    expect(lines[5]).toBe('127.0.0.1');
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    const sockets = execFileSync('ss', ['-lxp'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`pid=${pid},`));
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toContain(join(socketDir, `.s.PGSQL.${lines[3]}`));
    // the gateway's own connections come over the socket (client_addr is null for a Unix socket)
    const info = JSON.parse(readFileSync(join(dataDir, 'embedded-postgres.json'), 'utf8')) as {
      port: number;
    };
    const password = await readEmbeddedPassword(dataDir);
    const probe = new Client({
      host: '127.0.0.1',
      port: info.port,
      user: 'postgres',
      password,
      database: 'postgres',
    });
    await probe.connect();
    try {
      const { rows } = await probe.query<{ over: string; n: string }>(
        `SELECT CASE WHEN client_addr IS NULL THEN 'socket' ELSE 'tcp' END AS over, count(*) AS n
           FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
          GROUP BY 1`,
      );
      expect(rows.map((r) => r.over)).toEqual(['socket']);
    } finally {
      await probe.end();
    }

    // a key made by the CLI while the gateway runs lands in the gateway's own database
    const created = execFileSync(
      process.execPath,
      [GATEWAY_CLI, 'clients:create', '--name', 'embedded-cli', '--scopes', 'invoices:write'],
      { env: { PATH: process.env.PATH, DATA_DIR: dataDir }, encoding: 'utf8' },
    );
    const key = created.trim().split('\n').pop()!;
    await request(gateway.url)
      .get('/v1/invoices?provider=dms&reference=none')
      .set({ authorization: `Bearer ${key}` })
      .expect(200);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it('refuses a second gateway on the same DATA_DIR instead of stopping the first one’s server', async () => {
    gateway = await startGatewayProcess(env());
    const pid = postmasterPid(dataDir)!;
    await expect(startGatewayProcess(env(), 15_000)).rejects.toThrow(
      /belongs to a running process/,
    );
    expect(alive(pid)).toBe(true);
    await request(gateway.url).get('/health/ready').expect(200);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it('DATA_IN_MEMORY=true runs in a temporary folder that is removed at exit', async () => {
    gateway = await startGatewayProcess({
      ...env(),
      DATA_DIR: join(dataDir, 'unused'),
      DATA_IN_MEMORY: 'true',
    });
    // the folder is named after the process that made it (other suites may make their own)
    const created = listEphemeral().filter((name) =>
      name.startsWith(`invoice-gateway-pg-${gateway!.child.pid}-`),
    );
    expect(created).toHaveLength(1);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(listEphemeral()).not.toContain(created[0]);
  }, 60_000);
});

function listEphemeral(): string[] {
  return execFileSync('ls', [tmpdir()], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name.startsWith(`invoice-gateway-pg-`));
}
