import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { EventEntity } from '../entities/event.entity';
import { jsonParam, type Session, type Statement, statement } from '../sql';

/** An event written by the application (system events, `webhook.test`); the rest come from the trigger. */
export interface NewEvent {
  id: string;
  type: string;
  clientId: string | null;
  connection: string;
  provider: string | null;
  subject: string | null;
  data: unknown;
}

export interface EventListFilter {
  /** Undefined: every client's (admin). */
  clientId?: string;
  type?: string;
  since?: Date;
  /** Keyset position: events with a larger id. */
  after?: string;
  limit: number;
}

const INSERT = statement(
  'event_insert',
  `INSERT INTO events (id, type, occurred_at, client_id, connection, provider, subject, data)
   VALUES ($1, $2, now(), $3, $4, $5, $6, $7::jsonb)
   RETURNING *`,
);

const DELETE_OLD = statement(
  'event_delete_old',
  `WITH old AS (
     SELECT id FROM events WHERE occurred_at < now() - make_interval(days => $1::int)
     ORDER BY occurred_at LIMIT $2
   ), gone AS (
     DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM old)
   )
   DELETE FROM events WHERE id IN (SELECT id FROM old) RETURNING id`,
);

const EVENT_BY_ID = statement('event_by_id', 'SELECT e.* FROM events e WHERE e.id = $1');

const RECENT = statement(
  'event_recent_by_type',
  `SELECT type, count(*)::int AS count FROM events
   WHERE occurred_at > now() - interval '1 hour' GROUP BY type`,
);

const FILTERS = [
  ['clientId', 'e.client_id = $'],
  ['type', 'e.type = $'],
  ['since', 'e.occurred_at >= $'],
  ['after', 'e.id > $'],
] as const;

/** The event outbox: reads for `GET /v1/events`, application-written events, retention. */
@Injectable()
export class EventsRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => EventEntity;
  private readonly listStatements = new Map<number, Statement>();

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(EventEntity);
  }

  async insert(event: NewEvent, session?: Session): Promise<EventEntity> {
    const rows = await this.db.run(
      INSERT,
      [
        event.id,
        event.type,
        event.clientId,
        event.connection,
        event.provider,
        event.subject,
        jsonParam(event.data ?? {}),
      ],
      session,
    );
    return this.toEntity(rows[0]);
  }

  /** Oldest first by id (ids sort by time); `limit + 1` rows so the caller knows whether more follow. */
  async list(filter: EventListFilter): Promise<EventEntity[]> {
    let mask = 0;
    const values: unknown[] = [];
    const where: string[] = [];
    FILTERS.forEach(([key, condition], bit) => {
      const value = filter[key];
      if (value === undefined) return;
      mask |= 1 << bit;
      values.push(value);
      where.push(`${condition}${values.length}`);
    });
    values.push(filter.limit + 1);
    let st = this.listStatements.get(mask);
    if (!st) {
      st = statement(
        `event_list_${mask}`,
        `SELECT e.* FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY e.id LIMIT $${values.length}`,
      );
      this.listStatements.set(mask, st);
    }
    const rows = await this.db.run(st, values);
    return rows.map(this.toEntity);
  }

  async findById(id: string): Promise<EventEntity | null> {
    const rows = await this.db.run(EVENT_BY_ID, [id]);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  /** Events written in the last hour, per type (metrics). */
  async recentByType(): Promise<{ type: string; count: number }[]> {
    return this.db.run<{ type: string; count: number }>(RECENT, []);
  }

  /** Deletes up to `batch` events older than `days` days (and their deliveries); answers how many. */
  async deleteOlderThan(days: number, batch: number): Promise<number> {
    const rows = await this.db.run(DELETE_OLD, [days, batch]);
    return rows.length;
  }
}
