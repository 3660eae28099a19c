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
import { setSpansRecorded } from '@lib/tracing';
import type { AppConfig } from '../config/app-config';

/** OpenTelemetry as started for the process, handed to Nest (TracingModule) to stop it. */
export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly exporting: boolean;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Flushes and stops the SDK, and unregisters the global context manager and provider. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry before Nest starts (createApp calls it before NestFactory.create), so
 * the global state it sets is set once, at start-up, not inside a DI constructor. The context
 * manager (AsyncLocalStorage) is always registered: it carries the inbound request's trace
 * context to the upstream calls made while handling it. The SDK (a tracer provider, a batch
 * processor and the OTLP/HTTP JSON exporter) is started only when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set; otherwise the API's no-op tracer is used and spans are neither recorded nor exported.
 */
export function startTracing(settings: AppConfig['tracing']): Tracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const endpoint = settings.otlpEndpoint;
  const provider =
    endpoint === undefined
      ? undefined
      : new BasicTracerProvider({
          resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
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
  if (provider) trace.setGlobalTracerProvider(provider);
  setSpansRecorded(provider !== undefined);
  let stopped = false;
  return {
    exporting: provider !== undefined,
    flush: async () => {
      await provider?.forceFlush();
    },
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await provider?.shutdown();
      } finally {
        if (provider) trace.disable();
        setSpansRecorded(false);
        context.disable();
      }
    },
  };
}
