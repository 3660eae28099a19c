import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ShutdownState } from './common/shutdown-state';

/** How often idle keep-alive sockets are closed while the gateway drains. */
const IDLE_SWEEP_MS = 200;

/**
 * Graceful shutdown, in this order: readiness fails; for `graceMs` the gateway still answers
 * (load balancers notice) but every answer carries `Connection: close` and idle keep-alive sockets
 * are closed, so no client keeps a socket that would hold the server open; then the HTTP server
 * stops accepting and waits for the requests in flight; then Nest's hooks run (the audit writer
 * flushes what those requests recorded, the pool closes, the embedded Postgres stops last).
 */
export class GracefulShutdown {
  private began = false;

  constructor(
    private readonly app: NestFastifyApplication,
    private readonly graceMs: number,
    private readonly logger: LoggerService,
  ) {
    const state = app.get(ShutdownState);
    // registered before listen(): from the moment shutdown begins no socket is kept alive
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onSend', (_request, reply, payload, done) => {
        if (state.isShuttingDown) reply.header('connection', 'close');
        done(null, payload);
      });
  }

  /** Runs the sequence once; resolves when everything is closed. */
  async run(reason: string): Promise<void> {
    if (this.began) return;
    this.began = true;
    this.logger.log(`${reason}: readiness now fails, draining in-flight requests`);
    this.app.get(ShutdownState).begin();
    const server = this.app.getHttpServer();
    server.closeIdleConnections();
    const sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    try {
      if (this.graceMs > 0) await new Promise((r) => setTimeout(r, this.graceMs));
      // stop accepting and wait for in-flight requests before any shutdown hook runs
      await this.app.getHttpAdapter().close();
    } finally {
      clearInterval(sweeper);
    }
    await this.app.close();
  }
}
