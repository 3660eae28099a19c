import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

/**
 * OpenTelemetry for the process. The context manager (AsyncLocalStorage) is always registered:
 * it carries the inbound request's trace context to the upstream calls made while handling it.
 * The SDK (a tracer provider, a batch processor and the OTLP/HTTP JSON exporter) is started only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the API's no-op tracer is used and spans
 * are neither recorded nor exported.
 */
@Injectable()
export class TracingService implements OnApplicationShutdown {
  private readonly provider?: BasicTracerProvider;
  private readonly contextManager = new AsyncLocalStorageContextManager();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    context.setGlobalContextManager(this.contextManager.enable());
    const endpoint = config.tracing.otlpEndpoint;
    if (endpoint === undefined) return;
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.tracing.serviceName }),
      // fixed here, not from OTEL_TRACES_SAMPLER: record unless the caller's traceparent says not sampled
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis: 10_000 }),
          {
            maxQueueSize: 2048,
            maxExportBatchSize: 512,
            scheduledDelayMillis: 1000,
            exportTimeoutMillis: 10_000,
          },
        ),
      ],
    });
    trace.setGlobalTracerProvider(this.provider);
  }

  /** True when spans are recorded and exported. */
  get exporting(): boolean {
    return this.provider !== undefined;
  }

  /** Sends the spans ended so far (tests; shutdown does it too). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.provider?.shutdown();
    } finally {
      if (this.provider) trace.disable();
      context.disable();
    }
  }
}
