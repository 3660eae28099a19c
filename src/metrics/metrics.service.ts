import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryMetrics, QueueSource, WebhookSource } from '../common/delivery-metrics';
import { buildInfo } from './build-info';

/**
 * One Prometheus registry for the process: Node's default metrics under their standard names
 * (`process_*`, `nodejs_*`), a build-info gauge, and the gateway's own `gateway_*` metrics.
 */
@Injectable()
export class MetricsService implements DeliveryMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly upstreamAttempts: Counter<'provider' | 'connection' | 'operation' | 'outcome'>;
  readonly upstreamRetries: Counter<'provider' | 'connection' | 'operation'>;
  readonly upstreamDuration: Histogram<'provider' | 'connection' | 'operation'>;
  private circuitSource?: () => { provider: string; connection?: string; state: string }[];
  private readonly asyncMetrics = new AsyncDeliveryMetrics(this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    dropTotalGauges(this.registry);
    const build = buildInfo();
    new Gauge({
      name: 'gateway_build_info',
      help: 'Always 1; the labels tell the running version of invoice-gateway and of Node',
      labelNames: ['version', 'node_version'],
      registers: [this.registry],
    }).set({ version: build.version, node_version: build.nodeVersion }, 1);
    this.httpRequests = new Counter({
      name: 'gateway_http_requests_total',
      help: 'Inbound HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Inbound HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.upstreamAttempts = new Counter({
      name: 'gateway_upstream_attempts_total',
      help: 'Outbound attempts by provider, operation and outcome (success, rejected, transient_error, timeout, circuit_open)',
      labelNames: ['provider', 'connection', 'operation', 'outcome'],
      registers: [this.registry],
    });
    this.upstreamRetries = new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Outbound attempts after the first of a call',
      labelNames: ['provider', 'connection', 'operation'],
      registers: [this.registry],
    });
    this.upstreamDuration = new Histogram({
      name: 'gateway_upstream_attempt_duration_seconds',
      help: 'Duration of one outbound attempt',
      labelNames: ['provider', 'connection', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    const states = ['closed', 'open', 'half-open', 'isolated'];
    const source = () => this.circuitSource?.() ?? [];
    new Gauge({
      name: 'gateway_upstream_circuit_state',
      help: 'Circuit breaker state per connection: 1 for the current state, 0 for the others',
      labelNames: ['provider', 'connection', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { provider, connection, state } of source()) {
          for (const name of states) {
            this.set(
              { provider, connection: connection ?? provider, state: name },
              name === state ? 1 : 0,
            );
          }
        }
      },
    });
  }

  /** Where circuit states are read at scrape time (the provider registry sets it). */
  setCircuitSource(source: () => { provider: string; connection?: string; state: string }[]): void {
    this.circuitSource = source;
  }

  /**
   * One upstream attempt. `connection` is the configured instance it went to (the env one is
   * named after the provider): the label's values are bounded by the number of connections.
   */
  recordUpstreamAttempt(entry: {
    provider: string;
    connection: string;
    operation: string;
    outcome: string;
    attempt: number;
    durationMs: number;
  }): void {
    const labels = {
      provider: entry.provider,
      connection: entry.connection,
      operation: entry.operation,
    };
    this.upstreamAttempts.inc({ ...labels, outcome: entry.outcome });
    this.upstreamDuration.observe(labels, entry.durationMs / 1000);
    if (entry.attempt > 1) this.upstreamRetries.inc(labels);
  }

  /** Where queue depth and the oldest due age are read at scrape time (the worker sets it). */
  setQueueSource(source: QueueSource): void {
    this.asyncMetrics.queueSource = source;
  }

  /** An async delivery attempt ended: `attempts` is given when the operation reached its end. */
  recordDelivery(provider: string, outcome: string, attempts?: number): void {
    this.asyncMetrics.deliveries.inc({ provider, outcome });
    if (attempts !== undefined) this.asyncMetrics.attempts.observe({ provider }, attempts);
  }

  recordCallback(outcome: 'delivered' | 'retry' | 'failed'): void {
    this.asyncMetrics.callbacks.inc({ outcome });
  }

  setWebhookSource(source: WebhookSource): void {
    this.asyncMetrics.webhookSource = source;
  }

  recordWebhook(outcome: 'delivered' | 'retry' | 'failed' | 'disabled'): void {
    this.asyncMetrics.webhooks.inc({ outcome });
  }
}

/** Durable async delivery (docs/async.md): queue, deliveries, attempts, callbacks. */
class AsyncDeliveryMetrics {
  queueSource?: QueueSource;
  webhookSource?: WebhookSource;
  readonly webhooks: Counter<'outcome'>;
  readonly deliveries: Counter<'provider' | 'outcome'>;
  readonly attempts: Histogram<'provider'>;
  readonly callbacks: Counter<'outcome'>;

  constructor(registry: Registry) {
    const source = () => this.queueSource;
    new Gauge({
      name: 'gateway_queue_depth',
      help: 'Operations queued or running, per provider and status',
      labelNames: ['provider', 'status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await source()?.depth()) ?? []) {
          this.set({ provider: row.provider, status: row.status }, row.count);
        }
      },
    });
    new Gauge({
      name: 'gateway_queue_oldest_due_seconds',
      help: 'How long the oldest due queued operation of each provider has waited',
      labelNames: ['provider'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await source()?.oldestDue()) ?? []) {
          this.set({ provider: row.provider }, row.seconds);
        }
      },
    });
    this.deliveries = new Counter({
      name: 'gateway_async_deliveries_total',
      help: 'Delivery attempts by the queue worker, per provider and outcome (succeeded, failed, dead, retry, deferred, released)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    });
    this.attempts = new Histogram({
      name: 'gateway_async_delivery_attempts',
      help: 'Attempts an operation took to reach its end, per provider',
      labelNames: ['provider'],
      buckets: [1, 2, 3, 4, 6, 8, 12, 20],
      registers: [registry],
    });
    this.callbacks = new Counter({
      name: 'gateway_callback_deliveries_total',
      help: 'Callback delivery attempts per outcome (delivered, retry, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.webhooks = new Counter({
      name: 'gateway_webhook_deliveries_total',
      help: 'Webhook endpoint delivery attempts per outcome (delivered, retry, failed, disabled)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const webhooks = () => this.webhookSource;
    new Gauge({
      name: 'gateway_webhook_backlog',
      help: 'Webhook deliveries not yet delivered (pending)',
      registers: [registry],
      async collect() {
        const backlog = await webhooks()?.backlog();
        this.set(backlog?.pending ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_webhook_oldest_undelivered_seconds',
      help: 'Age of the oldest event with a pending webhook delivery',
      registers: [registry],
      async collect() {
        const backlog = await webhooks()?.backlog();
        this.set(backlog?.oldestSeconds ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_events_last_hour',
      help: 'Events written in the last hour, per type',
      labelNames: ['type'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await webhooks()?.recentEvents()) ?? []) {
          this.set({ type: row.type }, row.count);
        }
      },
    });
  }
}

/**
 * prom-client's defaults include gauges named `*_total` (`nodejs_active_handles_total`, ...):
 * `_total` is the counter suffix, so Prometheus' lint (promtool) refuses them. Their per-type
 * gauges (`nodejs_active_handles{type}`) stay and add up to the same number.
 */
function dropTotalGauges(registry: Registry): void {
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type?: string };
    if (type === 'gauge' && name.endsWith('_total')) registry.removeSingleMetric(name);
  }
}
