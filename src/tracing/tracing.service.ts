import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Tracing } from './tracing-bootstrap';

/** Injection token of the process's OpenTelemetry, started before Nest (tracing-bootstrap.ts). */
export const TRACING = Symbol('TRACING');

/**
 * OpenTelemetry as the app sees it: whether spans are exported, a flush, and the stop at
 * shutdown. It sets no global state: startTracing did, before Nest started.
 */
@Injectable()
export class TracingService implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}

  /** True when spans are recorded and exported. */
  get exporting(): boolean {
    return this.tracing.exporting;
  }

  /** Sends the spans ended so far (tests; shutdown does it too). */
  async flush(): Promise<void> {
    await this.tracing.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}
