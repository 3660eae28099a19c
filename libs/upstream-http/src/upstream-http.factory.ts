import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { UPSTREAM_AUDIT_SINK, UPSTREAM_LOGGER } from './upstream-http.constants';
import { UpstreamHttpClient } from './upstream-http.client';
import type {
  UpstreamAuditSink,
  UpstreamClientConfig,
  UpstreamLogger,
} from './upstream-http.types';

/**
 * Builds one UpstreamHttpClient per provider, giving each the app's audit sink and logger
 * (unless the config brings its own), and closes their connection pools at shutdown.
 */
@Injectable()
export class UpstreamHttpFactory implements OnApplicationShutdown {
  private readonly created: UpstreamHttpClient[] = [];

  constructor(
    @Optional() @Inject(UPSTREAM_AUDIT_SINK) private readonly auditSink?: UpstreamAuditSink,
    @Optional() @Inject(UPSTREAM_LOGGER) private readonly logger?: UpstreamLogger,
  ) {}

  create(config: UpstreamClientConfig): UpstreamHttpClient {
    const client = new UpstreamHttpClient({
      ...config,
      auditSink: config.auditSink ?? this.auditSink,
      logger: config.logger ?? this.logger,
    });
    this.created.push(client);
    return client;
  }

  /**
   * Starts closing every client's connection pools (sync, as its callers expect: idle sockets
   * close at once, busy ones after their answer or a short grace). `closeAll()` can be awaited.
   */
  onApplicationShutdown(): void {
    void this.closeAll();
  }

  /** Closes every client's connection pools; resolves when they are closed. */
  async closeAll(): Promise<void> {
    const clients = this.created.splice(0);
    await Promise.all(clients.map((client) => client.close()));
  }
}
