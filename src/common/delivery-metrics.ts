/**
 * What the queue worker reports (the engine's ports, kept in common so neither the engine nor
 * src/metrics imports the other): src/metrics binds its Prometheus
 * service to this token, so the engine never imports the metrics layer.
 */
export interface QueueSource {
  depth(): Promise<{ provider: string; status: string; count: number }[]>;
  oldestDue(): Promise<{ provider: string; seconds: number }[]>;
}

/** What the webhook metrics read at scrape time (the worker sets it). */
export interface WebhookSource {
  /** Pending deliveries and the age of the oldest undelivered event among them. */
  backlog(): Promise<{ pending: number; oldestSeconds: number }>;
  /** Events written in the last hour, per type. */
  recentEvents(): Promise<{ type: string; count: number }[]>;
}

export interface DeliveryMetrics {
  /** Where the queue depth and the oldest due operation are read when metrics are scraped. */
  setQueueSource(source: QueueSource): void;
  /** An async delivery attempt ended: `attempts` is given when the operation reached its end. */
  recordDelivery(provider: string, outcome: string, attempts?: number): void;
  recordCallback(outcome: 'delivered' | 'retry' | 'failed'): void;
  setWebhookSource(source: WebhookSource): void;
  /** A webhook delivery attempt ended. */
  recordWebhook(outcome: 'delivered' | 'retry' | 'failed' | 'disabled'): void;
}

export const DELIVERY_METRICS = Symbol('DELIVERY_METRICS');

/**
 * The database being away, as the engine reports it: `refused` counts an error that says so
 * (one warn line per outage) and answers true; any other error is the caller's to log.
 * src/metrics binds its DatabaseOutage to this token.
 */
export interface OutageWatch {
  refused(error: unknown, where: string): boolean;
}

export const DATABASE_OUTAGE = Symbol('DATABASE_OUTAGE');
