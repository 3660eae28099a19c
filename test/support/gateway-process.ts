import { registerGateway } from './contract-recorder';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built gateway (`npm test` builds first: see `pretest` in package.json). */
export const GATEWAY_MAIN = resolve(__dirname, '../../dist/src/main.js');
export const GATEWAY_CLI = resolve(__dirname, '../../dist/src/cli.js');

export interface GatewayProcess {
  child: ChildProcess;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Milliseconds from spawn to the "listening" line. */
  startedInMs: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Starts `node dist/src/main.js` as a real process on a free port, resolving once it logs that it
 * listens. Used by the suites that kill the gateway or run two of them.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_MAIN)) {
    throw new Error(`${GATEWAY_MAIN} is missing: run npm run build (npm test does it first)`);
  }
  const began = Date.now();
  const { DATABASE_URL: _omit, ...inherited } = process.env;
  void _omit;
  const child = spawn(process.execPath, [GATEWAY_MAIN], {
    env: { ...inherited, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`gateway did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s"()]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1].replace('[::1]', '127.0.0.1'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`gateway exited (${code}) before listening:\n${output}`));
    });
  });
  const startedInMs = Date.now() - began;
  await registerGateway(url);
  return { child, url, startedInMs, output: () => output, exited };
}
