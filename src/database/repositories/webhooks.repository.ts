import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import {
  type DeliveryAttempt,
  type DeliveryStatus,
  WebhookDeliveryEntity,
} from '../entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import { jsonParam, statement } from '../sql';
import type { NewEvent } from './events.repository';

export interface NewEndpoint {
  id: string;
  clientId: string;
  receivesAll: boolean;
  url: string;
  eventTypes: string[];
  description: string | null;
  secret: string;
}

export interface EndpointChange {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  disabled?: boolean;
}

/** A claimed delivery with what sending it needs: the event and the endpoint's URL and secrets. */
export interface ClaimedDelivery {
  delivery: WebhookDeliveryEntity;
  event: { id: string; type: string; occurredAt: Date; data: unknown };
  endpoint: { id: string; url: string; secrets: string[] };
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  httpStatus: number | null;
  error: string | null;
  attempt: DeliveryAttempt;
  retryDelayMs: number;
  /** An endpoint failing since longer than this is disabled by this outcome. */
  disableAfterMs: number;
}

/** `$n IS NULL OR client_id = $n`: undefined (admin) sees every client's endpoints. */
const OWNED = (n: number) => `($${n}::varchar IS NULL OR client_id = $${n})`;

const ENDPOINT_INSERT = statement(
  'webhook_endpoint_insert',
  `INSERT INTO webhook_endpoints (id, client_id, receives_all, url, event_types, description, secret)
   VALUES ($1, $2, $3, $4, $5::text[], $6, $7) RETURNING *`,
);
const ENDPOINT_LIST = statement(
  'webhook_endpoint_list',
  `SELECT * FROM webhook_endpoints WHERE ${OWNED(1)} ORDER BY created_at, id LIMIT 1000`,
);
const ENDPOINT_GET = statement(
  'webhook_endpoint_get',
  `SELECT * FROM webhook_endpoints WHERE id = $1 AND ${OWNED(2)}`,
);
const ENDPOINT_UPDATE = statement(
  'webhook_endpoint_update',
  `UPDATE webhook_endpoints SET
     url = COALESCE($3, url),
     event_types = COALESCE($4::text[], event_types),
     description = CASE WHEN $5::boolean THEN $6 ELSE description END,
     disabled_at = CASE WHEN $7::boolean IS NULL THEN disabled_at WHEN $7 THEN COALESCE(disabled_at, now()) END,
     disabled_reason = CASE WHEN $7::boolean IS NULL THEN disabled_reason
       WHEN $7 THEN COALESCE(disabled_reason, 'disabled by its owner') END,
     failing_since = CASE WHEN $7::boolean = false THEN NULL ELSE failing_since END,
     updated_at = now()
   WHERE id = $1 AND ${OWNED(2)} RETURNING *`,
);
const ENDPOINT_DELETE = statement(
  'webhook_endpoint_delete',
  `WITH gone AS (DELETE FROM webhook_endpoints WHERE id = $1 AND ${OWNED(2)} RETURNING id),
   deliveries AS (DELETE FROM webhook_deliveries WHERE endpoint_id IN (SELECT id FROM gone))
   SELECT id FROM gone`,
);
const ENDPOINT_ROTATE = statement(
  'webhook_endpoint_rotate',
  `UPDATE webhook_endpoints SET previous_secret = secret,
     previous_secret_expires_at = now() + make_interval(secs => $4::double precision / 1000),
     secret = $3, updated_at = now()
   WHERE id = $1 AND ${OWNED(2)} RETURNING *`,
);
const EVENT_INSERT_FOR = statement(
  'webhook_test_event_insert',
  `WITH ev AS (
     INSERT INTO events (id, type, occurred_at, client_id, connection, provider, subject, data)
     VALUES ($1, $2, now(), $3, $4, $5, $6, $7::jsonb) RETURNING id
   )
   INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, attempts, next_attempt_at)
   SELECT $8, $6, ev.id, 'pending', 0, now() FROM ev
   RETURNING *`,
);
const DELIVERY_LIST = statement(
  'webhook_delivery_list',
  `SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
   WHERE d.endpoint_id = $1 AND ($2::timestamptz IS NULL OR (d.created_at, d.id) < ($2, $3))
   ORDER BY d.created_at DESC, d.id DESC LIMIT $4`,
);
const DELIVERY_RETRY = statement(
  'webhook_delivery_retry',
  `WITH d AS (
     UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now()
     WHERE id = $1 AND endpoint_id = $2 RETURNING *
   )
   SELECT d.*, e.type AS event_type FROM d JOIN events e ON e.id = d.event_id`,
);
const DELIVERY_CLAIM = statement(
  'webhook_delivery_claim',
  `WITH claimed AS (
     UPDATE webhook_deliveries d SET attempts = d.attempts + 1,
       next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
     FROM (
       SELECT d.id FROM webhook_deliveries d
       JOIN webhook_endpoints ep ON ep.id = d.endpoint_id AND ep.disabled_at IS NULL
       WHERE d.status = 'pending' AND d.next_attempt_at <= now()
       ORDER BY d.next_attempt_at LIMIT $1
       FOR UPDATE OF d SKIP LOCKED
     ) due
     WHERE d.id = due.id
     RETURNING d.*
   )
   SELECT c.*, ev.type AS event_type, ev.occurred_at AS event_occurred_at, ev.data AS event_data,
     ep.url AS endpoint_url, ep.secret AS endpoint_secret,
     CASE WHEN ep.previous_secret_expires_at > now() THEN ep.previous_secret END AS endpoint_previous_secret
   FROM claimed c JOIN events ev ON ev.id = c.event_id JOIN webhook_endpoints ep ON ep.id = c.endpoint_id`,
);
const DELIVERY_RECORD = statement(
  'webhook_delivery_record',
  `WITH d AS (
     UPDATE webhook_deliveries SET status = $3::varchar, last_http_status = $4, last_error = $5,
       attempt_log = attempt_log || jsonb_build_array($6::jsonb),
       delivered_at = CASE WHEN $3::varchar = 'delivered' THEN now() END,
       next_attempt_at = CASE WHEN $3::varchar = 'pending'
         THEN now() + make_interval(secs => $7::double precision / 1000) END
     WHERE id = $1 AND attempts = $2 AND status = 'pending'
     RETURNING endpoint_id
   )
   UPDATE webhook_endpoints ep SET
     failing_since = CASE WHEN $3::varchar = 'delivered' THEN NULL ELSE COALESCE(ep.failing_since, now()) END,
     disabled_at = CASE WHEN $3::varchar <> 'delivered' AND ep.disabled_at IS NULL
         AND ep.failing_since < now() - make_interval(secs => $8::double precision / 1000)
       THEN now() ELSE ep.disabled_at END,
     disabled_reason = CASE WHEN $3::varchar <> 'delivered' AND ep.disabled_at IS NULL
         AND ep.failing_since < now() - make_interval(secs => $8::double precision / 1000)
       THEN 'disabled by the gateway: every delivery failed for ' || round($8::numeric / 3600000) || ' hours since ' ||
         to_char(ep.failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
       ELSE ep.disabled_reason END
   FROM d WHERE ep.id = d.endpoint_id
   RETURNING ep.disabled_at IS NOT NULL AS disabled`,
);
const BACKLOG = statement(
  'webhook_backlog',
  `SELECT count(*)::int AS pending,
     COALESCE(extract(epoch FROM now() - min(e.occurred_at)), 0)::float8 AS oldest_seconds
   FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.status = 'pending'`,
);

/** Webhook endpoints and their deliveries (the outbound side of docs/webhooks.md). */
@Injectable()
export class WebhooksRepository {
  private readonly toEndpoint: (raw: Record<string, unknown>) => WebhookEndpointEntity;
  private readonly toDelivery: (raw: Record<string, unknown>) => WebhookDeliveryEntity;

  constructor(private readonly db: Db) {
    this.toEndpoint = db.mapper(WebhookEndpointEntity);
    this.toDelivery = db.mapper(WebhookDeliveryEntity);
  }

  async createEndpoint(e: NewEndpoint): Promise<WebhookEndpointEntity> {
    const rows = await this.db.run(ENDPOINT_INSERT, [
      e.id,
      e.clientId,
      e.receivesAll,
      e.url,
      e.eventTypes,
      e.description,
      e.secret,
    ]);
    return this.toEndpoint(rows[0]);
  }

  async listEndpoints(clientId: string | undefined): Promise<WebhookEndpointEntity[]> {
    const rows = await this.db.run(ENDPOINT_LIST, [clientId ?? null]);
    return rows.map(this.toEndpoint);
  }

  async findEndpoint(
    id: string,
    clientId: string | undefined,
  ): Promise<WebhookEndpointEntity | null> {
    const rows = await this.db.run(ENDPOINT_GET, [id, clientId ?? null]);
    return rows[0] ? this.toEndpoint(rows[0]) : null;
  }

  async updateEndpoint(
    id: string,
    clientId: string | undefined,
    change: EndpointChange,
  ): Promise<WebhookEndpointEntity | null> {
    const rows = await this.db.run(ENDPOINT_UPDATE, [
      id,
      clientId ?? null,
      change.url ?? null,
      change.eventTypes ?? null,
      change.description !== undefined,
      change.description ?? null,
      change.disabled ?? null,
    ]);
    return rows[0] ? this.toEndpoint(rows[0]) : null;
  }

  /** Deletes the endpoint and its deliveries; false when there was none. */
  async deleteEndpoint(id: string, clientId: string | undefined): Promise<boolean> {
    const rows = await this.db.run(ENDPOINT_DELETE, [id, clientId ?? null]);
    return rows.length === 1;
  }

  /** The new secret signs from now on; the old one beside it for `keepOldMs`. */
  async rotateSecret(
    id: string,
    clientId: string | undefined,
    secret: string,
    keepOldMs: number,
  ): Promise<WebhookEndpointEntity | null> {
    const rows = await this.db.run(ENDPOINT_ROTATE, [id, clientId ?? null, secret, keepOldMs]);
    return rows[0] ? this.toEndpoint(rows[0]) : null;
  }

  /** An event addressed to one endpoint (`webhook.test`), with its delivery, in one statement. */
  async insertEventFor(
    event: NewEvent,
    endpointId: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryEntity> {
    const rows = await this.db.run(EVENT_INSERT_FOR, [
      event.id,
      event.type,
      event.clientId,
      event.connection,
      event.provider,
      endpointId,
      jsonParam(event.data ?? {}),
      deliveryId,
    ]);
    return this.toDelivery(rows[0]);
  }

  /** Newest first; `limit + 1` rows so the caller knows whether more follow. */
  async listDeliveries(
    endpointId: string,
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<(WebhookDeliveryEntity & { eventType: string })[]> {
    const rows = await this.db.run(DELIVERY_LIST, [
      endpointId,
      before?.createdAt ?? null,
      before?.id ?? null,
      limit + 1,
    ]);
    return rows.map((raw) =>
      Object.assign(this.toDelivery(raw), { eventType: String(raw.event_type) }),
    );
  }

  /** Due again now, whatever its state or schedule. Null when the endpoint has no such delivery. */
  async retryDelivery(
    endpointId: string,
    deliveryId: string,
  ): Promise<(WebhookDeliveryEntity & { eventType: string }) | null> {
    const rows = await this.db.run(DELIVERY_RETRY, [deliveryId, endpointId]);
    return rows[0]
      ? Object.assign(this.toDelivery(rows[0]), { eventType: String(rows[0].event_type) })
      : null;
  }

  /**
   * Claims up to `limit` due deliveries of enabled endpoints (`FOR UPDATE SKIP LOCKED`): each
   * claim is an attempt, and its due time moves one lease ahead, so a process that dies
   * mid-delivery leaves it to be claimed again.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.db.run(DELIVERY_CLAIM, [limit, leaseMs]);
    return rows.map((raw) => ({
      delivery: this.toDelivery(raw),
      event: {
        id: String(raw.event_id),
        type: String(raw.event_type),
        occurredAt: raw.event_occurred_at as Date,
        data: raw.event_data,
      },
      endpoint: {
        id: String(raw.endpoint_id),
        url: String(raw.endpoint_url),
        secrets: [raw.endpoint_secret, raw.endpoint_previous_secret].filter(
          (s): s is string => typeof s === 'string',
        ),
      },
    }));
  }

  /**
   * Records one attempt (only the claim that made it writes) and the endpoint's health: a
   * delivered attempt clears `failingSince`; a failure starts it, and disables an endpoint that
   * has been failing for longer than `disableAfterMs`. Answers whether the endpoint is disabled
   * now, or null when the claim was lost.
   */
  async record(id: string, attempts: number, outcome: DeliveryOutcome): Promise<boolean | null> {
    const rows = await this.db.run<{ disabled: boolean }>(DELIVERY_RECORD, [
      id,
      attempts,
      outcome.status,
      outcome.httpStatus,
      outcome.error,
      JSON.stringify(outcome.attempt),
      Math.max(0, Math.round(outcome.retryDelayMs)),
      outcome.disableAfterMs,
    ]);
    return rows[0] ? rows[0].disabled : null;
  }

  /** Pending deliveries and the age in seconds of the oldest undelivered event among them. */
  async backlog(): Promise<{ pending: number; oldestSeconds: number }> {
    const rows = await this.db.run<{ pending: number; oldest_seconds: number }>(BACKLOG, []);
    return { pending: rows[0]?.pending ?? 0, oldestSeconds: Number(rows[0]?.oldest_seconds ?? 0) };
  }
}
