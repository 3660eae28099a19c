import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_MAIN } from './support/gateway-process';

interface Ended {
  code: number | null;
  stdout: string[];
  stderr: string;
}

/** Runs the built gateway with `env` until it exits (a failed start must exit on its own). */
function runGateway(env: Record<string, string | undefined>): Promise<Ended> {
  const { DATABASE_URL: _omit, LOG_FORMAT: _format, ...inherited } = process.env;
  void _omit;
  void _format;
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: { ...inherited, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the gateway did not exit within 30 s:\n${stdout}${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout: stdout.split('\n').filter(Boolean), stderr });
    });
  });
}

// a process start (Nest, the embedded PostgreSQL's checks) on 2 shared cores
jest.setTimeout(40_000);

const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe('a failed start, with real processes: one format for every line, the last says what to fix', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-start-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('bad settings (stdout a pipe): every line JSON, the last a fatal naming each bad variable; exit 1', async () => {
    const ended = await runGateway({ LOG_FORMAT: 'xml', PORT: 'abc' });
    expect(ended.code).toBe(1);
    expect(ended.stderr).toBe('');
    expect(ended.stdout.length).toBeGreaterThan(0);
    const lines = ended.stdout.map(parse);
    const last = lines[lines.length - 1];
    expect(last.level).toBe(60);
    expect(last.msg).toMatch(/^invoice-gateway cannot start: fix the configuration/);
    expect(last.msg).toContain('LOG_FORMAT="xml" is invalid: expected one of json, pretty');
    expect(last.msg).toContain('PORT="abc" is invalid');
  });

  it("DATA_DIR pointing at a file: Nest's own lines as JSON too, no colour, no stack; exit 1", async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    const ended = await runGateway({ DATA_DIR: file, LOG_LEVEL: 'info' });
    expect(ended.code).toBe(1);
    expect(ended.stderr).toBe('');
    const lines = ended.stdout.map(parse);
    expect(ended.stdout.filter((l) => l.includes('\u001b['))).toEqual([]);
    // Nest's own start-up lines went through the same logger
    expect(lines.some((l) => l.context === 'InstanceLoader')).toBe(true);
    expect(ended.stdout.filter((l) => /\\n\s+at /.test(l))).toEqual([]);
    const last = lines[lines.length - 1];
    expect(last.level).toBe(60);
    expect(last.msg).toMatch(/^invoice-gateway cannot start: /);
    expect(last.msg).toContain(`DATA_DIR: ${file} is a file, not a folder`);
    expect(last.msg).toContain('point DATA_DIR at a writable folder');
  });

  it('DATA_DIR that cannot be created (/proc/nope/data): stops at once with the line, exit 1', async () => {
    // it used to spin at 100 % CPU with no output (Node's recursive mkdir on /proc): exit 1 it must
    const ended = await runGateway({ DATA_DIR: '/proc/nope/data' });
    expect(ended.code).toBe(1);
    const last = parse(ended.stdout[ended.stdout.length - 1]);
    expect(last.msg).toBe(
      'invoice-gateway cannot start: DATA_DIR: cannot create the folder /proc/nope/data (ENOENT); point DATA_DIR at a writable folder',
    );
  });

  it('LOG_FORMAT=pretty: human-readable lines, the last one the fatal line', async () => {
    const ended = await runGateway({ LOG_FORMAT: 'pretty', PORT: 'abc' });
    expect(ended.code).toBe(1);
    expect(ended.stdout.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(ended.stdout[ended.stdout.length - 1]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} FATAL \[Bootstrap\] invoice-gateway cannot start: fix the configuration \(environment variables\): PORT="abc" is invalid/,
    );
  });
});
