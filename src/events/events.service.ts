import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { hostname } from 'node:os';
import type { CircuitStateName } from '@lib/upstream-http';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { EventsRepository } from '../database/repositories/events.repository';
import { newEventId } from '../common/webhooks/ids';
import type { EventType } from '../common/webhooks/event-types';
import { ConnectionRegistry } from '../connections/connection-registry';
import { validationProblem } from '../problem/problem';
import { DeliveryWorker } from '../operations/delivery-worker';
import { eventView, type EventView } from './event-view';

export interface EventListQuery {
  type?: EventType;
  since?: string;
  cursor?: string;
  limit?: number;
}

const RETENTION_INTERVAL_MS = 3_600_000;
const RETENTION_BATCH = 5_000;
/** How often this process looks at its circuits for a change (system events). */
const CIRCUIT_WATCH_MS = 1_000;

/**
 * The event outbox as consumers read it (`GET /v1/events`), the events the application writes
 * itself (circuit changes), and retention (EVENTS_RETENTION_DAYS). Operation and ledger events
 * are written by the database in the settle's own transaction (see EventEntity).
 */
@Injectable()
export class EventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Events');
  private retentionTimer?: NodeJS.Timeout;
  private circuitTimer?: NodeJS.Timeout;
  private readonly circuits = new Map<string, CircuitStateName>();

  constructor(
    private readonly events: EventsRepository,
    private readonly worker: DeliveryWorker,
    private readonly connections: ConnectionRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.retention();
    this.retentionTimer = setInterval(() => void this.retention(), RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
    for (const c of this.connections.list()) {
      if (c.instance) this.circuits.set(c.name, c.instance.circuitState());
    }
    this.circuitTimer = setInterval(() => void this.watchCircuits(), CIRCUIT_WATCH_MS);
    this.circuitTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.retentionTimer);
    clearInterval(this.circuitTimer);
  }

  /** Oldest first; a client sees its own events, `clientId` undefined (admin) every event. */
  async list(
    clientId: string | undefined,
    query: EventListQuery,
  ): Promise<{ items: EventView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.events.list({
      clientId,
      type: query.type,
      since: query.since ? new Date(query.since) : undefined,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(eventView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
    };
  }

  /** A system event (no client caused it): it goes to the endpoints of admin clients. */
  async emitSystem(
    type: EventType,
    provider: string | null,
    connection: string | null,
    data: object,
  ): Promise<void> {
    await this.events.insert({
      id: newEventId(),
      type,
      clientId: null,
      connection: connection ?? provider ?? '',
      provider,
      subject: connection ?? provider,
      data,
    });
    this.worker.wake();
  }

  /**
   * Each circuit of this process that opened or closed since the last look: one event. Every
   * connection has its own provider instance, so its own circuit.
   */
  private async watchCircuits(): Promise<void> {
    for (const c of this.connections.list()) {
      if (!c.instance) continue;
      const now = c.instance.circuitState();
      const before = this.circuits.get(c.name) ?? 'closed';
      if (now === before) continue;
      this.circuits.set(c.name, now);
      const type =
        now === 'open'
          ? 'upstream.circuit_opened'
          : now === 'closed'
            ? 'upstream.circuit_closed'
            : null;
      if (!type) continue;
      try {
        await this.emitSystem(type, c.provider, c.name, {
          provider: c.provider,
          connection: c.name,
          state: now,
          previousState: before,
          instance: `${hostname()}:${process.pid}`,
        });
      } catch (error) {
        this.logger.warn({ err: error, connection: c.name }, `Could not record ${type}`);
      }
    }
  }

  private async retention(): Promise<void> {
    const days = this.config.webhooks.eventsRetentionDays;
    try {
      let total = 0;
      for (;;) {
        const deleted = await this.events.deleteOlderThan(days, RETENTION_BATCH);
        total += deleted;
        if (deleted < RETENTION_BATCH) break;
      }
      if (total > 0) this.logger.log(`Deleted ${total} events older than ${days} days`);
    } catch (error) {
      this.logger.warn({ err: error }, 'Event retention run failed');
    }
  }
}

const CURSOR = /^e:(msg_[0-9a-f]{32})$/;

function encodeCursor(id: string): string {
  return Buffer.from(`e:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw validationProblem(
      [
        {
          path: 'cursor',
          code: 'invalidCursor',
          message: 'cursor must be a nextCursor value from a previous page',
        },
      ],
      'query',
    );
  }
  return match[1];
}
