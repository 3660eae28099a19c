import { recordSpan, withSpan } from '@lib/tracing';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { OperationEntity } from '../database/entities/operation.entity';
import { CallbackOutboxRepository } from '../database/repositories/callback-outbox.repository';
import { EventsRepository } from '../database/repositories/events.repository';
import { OperationQueueRepository } from '../database/repositories/operation-queue.repository';
import {
  type ClaimedDelivery,
  WebhooksRepository,
} from '../database/repositories/webhooks.repository';
import type { AttemptFence } from '../database/repositories/operation-rows';
import { Liveness } from '../database/liveness';
import { ShutdownState } from '../common/shutdown-state';
import { problemBody } from '../problem/problem';
import type { FinanceProvider } from '../providers/provider.contract';
import { ConnectionRegistry } from '../connections/connection-registry';
import { retryDelayMs, scheduledDelayMs } from './backoff';
import { callbackMessageId, messageBody, postSigned } from './callbacks/callback-sender';
import type { Command } from './commands';
import {
  DATABASE_OUTAGE,
  DELIVERY_METRICS,
  type DeliveryMetrics,
  type OutageWatch,
} from '../common/delivery-metrics';
import {
  type BatchProgress,
  failedAttempt,
  type FailedOutcome,
  failedFinal,
  type OperationRef,
} from './handlers/handler';
import { OperationHandlers } from './handlers/operation-handlers';
import { operationView } from './operation-view';

/** The callbacks' queue, in a wake's scope (no provider has this id). */
const CALLBACKS = '(callbacks)';
/** The webhook endpoints' deliveries, in a wake's scope. */
const WEBHOOKS = '(webhooks)';
/** Webhook deliveries at once per process. */
const WEBHOOK_CONCURRENCY = 8;

/** How often an idle worker looks for due operations (a local accept wakes it at once). */
export const POLL_MS = 500;
/** Callback deliveries at once per process. */
const CALLBACK_CONCURRENCY = 4;
/** A callback delivery's claim: longer than the sender's 10 s timeout. */
const CALLBACK_LEASE_MS = 30_000;
/** After the grace, how long aborted deliveries get to record their outcome. */
const ABORT_SETTLE_MS = 2_000;

export interface WorkerStatus {
  /** ASYNC_WORKER_ENABLED: false means this process never claims (others deliver). */
  enabled: boolean;
  claiming: boolean;
  /** Deliveries running now, per connection. */
  running: Record<string, number>;
  callbacksRunning: number;
  webhooksRunning: number;
  lastPollAt: string | null;
  /** Why the last poll failed (the database, usually); absent when it worked. */
  lastError?: string;
}

/**
 * The queue worker, one in every gateway process. It claims due operations from the operations
 * table (`FOR UPDATE SKIP LOCKED` under a lease: the row is the queue, so there is no second
 * source of truth), at most ASYNC_CONCURRENCY per connection at once, skipping connections
 * whose circuit is open, and runs each through the handler map (OperationHandlers). After a failure: hard errors end
 * `failed`; transient ones are queued again with full-jitter backoff (at least Retry-After)
 * until ASYNC_MAX_ATTEMPTS or ASYNC_MAX_AGE_HOURS run out (`dead`); an open circuit defers
 * without spending the attempt. Sync calls whose process died are taken over once their lease
 * ends and finish as sync calls would. It also delivers callbacks. ASYNC_WORKER_ENABLED=false
 * keeps it from starting at all: the process accepts and serves, other processes deliver.
 *
 * Shutdown: claiming stops as soon as shutdown begins; running deliveries get the shutdown
 * grace to finish, then are aborted and recorded; anything left is reclaimed when its lease ends.
 *
 * One file (over 500 lines) because its three queues (operations, callbacks, webhook deliveries)
 * share one poll and wake loop, one set of in-flight counters and one shutdown drain; the sending
 * and signing live in callbacks/callback-sender.ts, the SQL in the repositories. Splitting the
 * queues would split that loop's bookkeeping across files.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly running = new Map<string, number>();
  private readonly deliveries = new Set<Promise<void>>();
  /** The deliveries running in this process, by operation id (a retry of a sync call waits for its own). */
  private readonly byOperation = new Map<string, Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private callbacksRunning = 0;
  private webhooksRunning = 0;
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  private polling = false;
  /**
   * What the next poll claims for: every provider and the callbacks ('all': the timer's poll,
   * at least every POLL_MS), or only what woke it (a provider whose operation was accepted or
   * whose slot was freed; CALLBACKS when a finished operation has a callback due).
   */
  private woken: Set<string> | 'all' = 'all';
  private lastFullPollAt = 0;
  private lastPollAt: Date | null = null;
  private lastError?: string;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly queue: OperationQueueRepository,
    private readonly callbacks: CallbackOutboxRepository,
    private readonly webhooks: WebhooksRepository,
    events: EventsRepository,
    private readonly handlers: OperationHandlers,
    private readonly shutdown: ShutdownState,
    @Inject(DELIVERY_METRICS) private readonly metrics: DeliveryMetrics,
    @Inject(DATABASE_OUTAGE) private readonly outage: OutageWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly liveness: Liveness,
  ) {
    metrics.setQueueSource({
      depth: () => this.queue.queueDepth(),
      oldestDue: () => this.queue.oldestDueAge(),
    });
    metrics.setWebhookSource({
      backlog: () => this.webhooks.backlog(),
      recentEvents: () => events.recentByType(),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.async.workerEnabled) {
      this.logger.log(
        'Delivery worker off (ASYNC_WORKER_ENABLED=false): this process accepts operations but ' +
          'claims none; another process must deliver them',
      );
      return;
    }
    this.started = true;
    this.schedule(0);
  }

  /**
   * Something became due in this process: poll now. With a provider (an accepted call, a freed
   * slot) only that provider's queue is claimed from (and the callbacks, with `callbacks`);
   * without, everything.
   */
  wake(scope?: { provider?: string | null; callbacks?: boolean; webhooks?: boolean }): void {
    if (!this.claiming) return;
    if (!scope?.provider) this.woken = 'all';
    else if (this.woken !== 'all') {
      this.woken.add(scope.provider);
      if (scope.callbacks) this.woken.add(CALLBACKS);
      if (scope.webhooks) this.woken.add(WEBHOOKS);
    }
    this.schedule(0);
  }

  /**
   * The delivery of this operation running in this process now, if any (settled when it has
   * recorded its outcome): a retry of a sync call the worker took over waits for it.
   */
  delivering(operationId: string): Promise<void> | undefined {
    return this.byOperation.get(operationId);
  }

  status(): WorkerStatus {
    return {
      enabled: this.config.async.workerEnabled,
      // without its liveness mark this process claims nothing (another may run what it owned)
      claiming: this.claiming && this.liveness.owner !== null,
      running: Object.fromEntries(this.running),
      callbacksRunning: this.callbacksRunning,
      webhooksRunning: this.webhooksRunning,
      lastPollAt: this.lastPollAt?.toISOString() ?? null,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stops claiming, lets running deliveries finish within the grace, aborts the rest. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.deliveries.size === 0) return;
    const graceMs = Math.max(this.config.shutdownGraceMs, 1000);
    this.logger.log(`Waiting up to ${graceMs} ms for ${this.deliveries.size} running deliveries`);
    if (!(await this.drain(graceMs))) {
      this.logger.warn(
        `Aborting ${this.aborts.size} deliveries still running; their leases hand them on`,
      );
      for (const controller of this.aborts) controller.abort();
      await this.drain(ABORT_SETTLE_MS);
    }
  }

  private get claiming(): boolean {
    return this.started && !this.stopped && !this.shutdown.isShuttingDown;
  }

  private drain(ms: number): Promise<boolean> {
    const all = Promise.allSettled([...this.deliveries]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), ms)));
    return Promise.race([all, late]).finally(() => clearTimeout(timer));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    // woken meanwhile: the running poll looks again when it ends (see `woken`)
    if (this.polling) return;
    // no liveness mark (its connection was lost): claim nothing until it is held again (its
    // deliveries running now are fenced like any attempt that lost its claim)
    const owner = this.liveness.owner;
    if (owner === null) {
      this.lastError = 'liveness mark not held: claims paused';
      if (this.claiming) this.schedule(POLL_MS);
      return;
    }
    this.polling = true;
    const now = Date.now();
    const scope = now - this.lastFullPollAt >= POLL_MS ? 'all' : this.woken;
    this.woken = new Set();
    if (scope === 'all') this.lastFullPollAt = now;
    try {
      // ASYNC_CONCURRENCY is per connection: each one's queue is claimed on its own, against its
      // own circuit (DESIGN.md section 11); a wake names the provider, so all its connections
      for (const connection of this.registry.list()) {
        const provider = connection.instance;
        if (!this.claiming) break;
        if (!provider || !connection.enabled) continue; // disabled or unusable: nothing claimed
        if (scope !== 'all' && !scope.has(connection.provider)) continue;
        const free = this.config.async.concurrency - (this.running.get(connection.name) ?? 0);
        // an open circuit: its operations wait for the half-open time without spending attempts
        if (free <= 0 || provider.circuitState() === 'open') continue;
        const claimedAt = Date.now();
        const rows = await this.queue.claimDue(
          connection.provider,
          free,
          this.config.async.leaseMs,
          owner,
          connection.name,
        );
        if (rows.length > 0) {
          recordSpan(
            'queue.claim',
            {
              'upstream.provider': provider.id,
              'upstream.connection': connection.name,
              'queue.claimed': rows.length,
            },
            claimedAt,
            rows.map((row) => row.traceparent),
          );
        }
        // a full claim: there may be more; the next poll looks again
        if (rows.length === free) this.lookAgain(provider.id);
        for (const row of rows) {
          const delivery = this.deliver(provider, row, connection.name);
          this.byOperation.set(row.id, delivery);
          // a settled operation may have written events with deliveries due
          this.track(delivery, {
            provider: provider.id,
            callbacks: row.callbackUrl !== null,
            webhooks: true,
            operationId: row.id,
          });
        }
      }
      const freeCallbacks = CALLBACK_CONCURRENCY - this.callbacksRunning;
      if (this.claiming && freeCallbacks > 0 && (scope === 'all' || scope.has(CALLBACKS))) {
        const rows = await this.callbacks.claim(freeCallbacks, CALLBACK_LEASE_MS);
        if (rows.length === freeCallbacks) this.lookAgain(CALLBACKS);
        for (const row of rows) {
          this.track(this.deliverCallback(row), { provider: CALLBACKS, callbacks: true });
        }
      }
      const freeWebhooks = WEBHOOK_CONCURRENCY - this.webhooksRunning;
      if (this.claiming && freeWebhooks > 0 && (scope === 'all' || scope.has(WEBHOOKS))) {
        const claimed = await this.webhooks.claim(freeWebhooks, CALLBACK_LEASE_MS);
        if (claimed.length === freeWebhooks) this.lookAgain(WEBHOOKS);
        for (const one of claimed) {
          this.track(this.deliverWebhook(one), {
            provider: WEBHOOKS,
            callbacks: false,
            webhooks: true,
          });
        }
      }
      this.lastPollAt = new Date();
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      // the database away is one warn line per outage (DatabaseOutage), not a stack per poll
      if (!this.outage.refused(error, 'queue worker')) {
        this.logger.error({ err: error }, 'Polling the operation queue failed');
      }
    } finally {
      this.polling = false;
    }
    if (!this.claiming) return;
    // something woke it meanwhile, or a claim was full: look again now
    const again = this.wokenFor();
    this.schedule(again ? 0 : POLL_MS);
  }

  /** The next poll also claims for `id`. */
  private lookAgain(id: string): void {
    if (this.woken !== 'all') this.woken.add(id);
  }

  /** Whether anything waits for the next poll. */
  private wokenFor(): boolean {
    return this.woken === 'all' || this.woken.size > 0;
  }

  /** When a delivery ends, its slot is free (and its callback, if any, may be due). */
  private track(
    delivery: Promise<void>,
    scope: { provider: string; callbacks: boolean; webhooks?: boolean; operationId?: string },
  ): void {
    this.deliveries.add(delivery);
    void delivery.finally(() => {
      this.deliveries.delete(delivery);
      if (scope.operationId) this.byOperation.delete(scope.operationId);
      this.wake(scope);
    });
  }

  /** One delivery attempt: a root span linked to the request that accepted the operation. */
  private deliver(
    provider: FinanceProvider,
    row: OperationEntity,
    connection: string,
  ): Promise<void> {
    return withSpan(
      'operation.deliver',
      {
        'operation.id': row.id,
        'operation.kind': row.kind,
        'operation.attempt': row.attempts,
        'upstream.provider': provider.id,
      },
      () => this.attempt(provider, row, connection),
      row.traceparent,
    );
  }

  /** `connection`: whose concurrency slot the attempt holds. */
  private async attempt(
    provider: FinanceProvider,
    row: OperationEntity,
    connection: string,
  ): Promise<void> {
    this.running.set(connection, (this.running.get(connection) ?? 0) + 1);
    const controller = new AbortController();
    this.aborts.add(controller);
    const op: OperationRef = {
      id: row.id,
      requestId: row.requestId,
      attempt: row.attempts,
      // a batch delivered by the worker keeps its per-item fate between attempts
      ...(row.delivery === 'async'
        ? { progress: (row.progress as BatchProgress | null) ?? null }
        : {}),
      signal: controller.signal,
    };
    try {
      const outcome = await this.handlers.execute(op, row.command as Command);
      if (outcome.status === 'succeeded') {
        this.metrics.recordDelivery(provider.id, 'succeeded', row.attempts);
        return;
      }
      await withSpan('operation.settle', { 'operation.id': row.id }, () =>
        this.afterFailure(provider, row, op, outcome),
      );
    } catch (error) {
      if (!this.outage.refused(error, 'queue worker')) {
        this.logger.error({ err: error, operationId: row.id }, 'Delivering an operation failed');
      }
    } finally {
      this.aborts.delete(controller);
      this.running.set(connection, (this.running.get(connection) ?? 1) - 1);
    }
  }

  private async afterFailure(
    provider: FinanceProvider,
    row: OperationEntity,
    op: OperationRef,
    outcome: FailedOutcome,
  ): Promise<void> {
    const fence: AttemptFence = { id: row.id, attempt: row.attempts };
    const problem = outcome.problem;
    const requestId = row.requestId ?? row.id;
    const transient = problem.status >= 500;
    let written: boolean;
    if (row.delivery === 'sync') {
      // a sync call taken over from a dead process ends as the sync call would have
      written = await this.queue.finish(
        row.id,
        failedFinal(op, outcome, requestId, transient),
        fence,
      );
      this.metrics.recordDelivery(provider.id, transient ? 'released' : 'failed', row.attempts);
    } else if (problem.init.upstream?.code === 'CIRCUIT_OPEN') {
      written = await this.queue.retryLater(fence, {
        delayMs: retryAfterMs(outcome) ?? this.config.async.retryBaseMs,
        lastError: row.lastError,
        attempt: null,
      });
      this.metrics.recordDelivery(provider.id, 'deferred');
    } else if (!transient) {
      written = await this.queue.finish(row.id, failedFinal(op, outcome, requestId, false), fence);
      this.metrics.recordDelivery(provider.id, 'failed', row.attempts);
    } else if (this.exhausted(row)) {
      written = await this.queue.finish(
        row.id,
        failedFinal(op, outcome, requestId, false, 'dead'),
        fence,
      );
      this.metrics.recordDelivery(provider.id, 'dead', row.attempts);
    } else {
      const { retryBaseMs: baseMs, retryMaxDelayMs: maxMs } = this.config.async;
      written = await this.queue.retryLater(fence, {
        delayMs: retryDelayMs(row.seriesAttempts, { baseMs, maxMs }, retryAfterMs(outcome)),
        lastError: problemBody(problem, requestId),
        attempt: failedAttempt(op, outcome),
        ...(outcome.progress ? { progress: outcome.progress } : {}),
      });
      this.metrics.recordDelivery(provider.id, 'retry');
    }
    if (!written) {
      this.logger.warn(
        { operationId: row.id, attempt: row.attempts },
        'Operation was claimed by another attempt meanwhile (lease lost): this outcome is dropped',
      );
    }
  }

  private exhausted(row: OperationEntity): boolean {
    const { maxAttempts, maxAgeMs } = this.config.async;
    return (
      row.seriesAttempts >= maxAttempts || Date.now() - row.seriesStartedAt.getTime() >= maxAgeMs
    );
  }

  /** One callback attempt: delivered on a 2xx, else again with the same backoff, up to the limit. */
  private async deliverCallback(row: OperationEntity): Promise<void> {
    this.callbacksRunning += 1;
    try {
      const endedAt = row.completedAt ?? row.updatedAt;
      const body = messageBody(`operation.${row.status}`, endedAt, operationView(row));
      const secret = this.config.callbacks.secret;
      const sent = await postSigned(
        row.callbackUrl!,
        { id: callbackMessageId(row.id, endedAt), body, secrets: secret ? [secret] : [] },
        this.config.callbacks,
      );
      const attempt = row.callbackAttempts;
      const last = attempt >= this.config.callbacks.maxAttempts;
      const { retryBaseMs: baseMs, retryMaxDelayMs: maxMs } = this.config.async;
      await this.callbacks.record(row.id, attempt, {
        status: sent.delivered ? 'delivered' : last ? 'failed' : 'pending',
        httpStatus: sent.httpStatus ?? null,
        error: sent.error ?? null,
        retryDelayMs: retryDelayMs(attempt, { baseMs, maxMs }),
      });
      this.metrics.recordCallback(sent.delivered ? 'delivered' : last ? 'failed' : 'retry');
    } catch (error) {
      this.logger.error({ err: error, operationId: row.id }, 'Delivering a callback failed');
    } finally {
      this.callbacksRunning -= 1;
    }
  }

  /**
   * One webhook delivery attempt: the event signed with the endpoint's secret (and, for 24 h
   * after a rotation, its previous one). Delivered on a 2xx; else due again after the next
   * WEBHOOK_RETRY_SCHEDULE_MS delay (with jitter) until WEBHOOK_MAX_ATTEMPTS, then `failed`.
   */
  private async deliverWebhook(claimed: ClaimedDelivery): Promise<void> {
    this.webhooksRunning += 1;
    const { delivery, event, endpoint } = claimed;
    try {
      const at = new Date();
      const sent = await postSigned(
        endpoint.url,
        {
          id: event.id,
          body: messageBody(event.type, event.occurredAt, event.data),
          secrets: endpoint.secrets,
        },
        this.config.callbacks,
      );
      const settings = this.config.webhooks;
      const last = delivery.attempts >= settings.maxAttempts;
      const status = sent.delivered ? 'delivered' : last ? 'failed' : 'pending';
      const disabled = await this.webhooks.record(delivery.id, delivery.attempts, {
        status,
        httpStatus: sent.httpStatus ?? null,
        error: sent.error ?? null,
        attempt: {
          attempt: delivery.attempts,
          at: at.toISOString(),
          httpStatus: sent.httpStatus ?? null,
          durationMs: sent.durationMs,
          error: sent.error ?? null,
        },
        retryDelayMs: scheduledDelayMs(delivery.attempts, settings.retryScheduleMs),
        disableAfterMs: settings.disableAfterMs,
      });
      this.metrics.recordWebhook(status === 'pending' ? 'retry' : status);
      if (disabled && !sent.delivered) {
        this.metrics.recordWebhook('disabled');
        this.logger.warn(
          { endpointId: endpoint.id },
          'Webhook endpoint disabled: its deliveries kept failing (WEBHOOK_DISABLE_AFTER_HOURS)',
        );
      }
    } catch (error) {
      if (!this.outage.refused(error, 'webhook delivery')) {
        this.logger.error({ err: error, deliveryId: delivery.id }, 'Delivering a webhook failed');
      }
    } finally {
      this.webhooksRunning -= 1;
    }
  }
}

/** The upstream's (or the open circuit's) Retry-After, in milliseconds. */
function retryAfterMs(outcome: FailedOutcome): number | undefined {
  const header = outcome.problem.init.headers?.['retry-after'];
  const seconds = header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
