/* global fetch, setTimeout */
/** What the browser tests share: Chromium's path and flags, a free port, a gateway from dist/. */
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/**
 * Starts dist/src/main.js on a free loopback port with `env` (DATABASE_URL is never inherited:
 * each browser test has a database of its own) and waits until /health/ready answers.
 */
async function startGateway(env, attempts = 120) {
  const port = await freePort();
  const { DATABASE_URL: _kept, ...inherited } = process.env;
  void _kept;
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: { ...inherited, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { child, url, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`gateway did not get ready:\n${output}`);
}

module.exports = { ROOT, CHROMIUM, CHROMIUM_ARGS, freePort, startGateway };
