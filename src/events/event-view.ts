import type { EventEntity } from '../database/entities/event.entity';
import type { WebhookDeliveryEntity } from '../database/entities/webhook-delivery.entity';
import type { WebhookEndpointEntity } from '../database/entities/webhook-endpoint.entity';

export interface EventView {
  id: string;
  type: string;
  occurredAt: string;
  clientId: string | null;
  connection: string;
  provider: string | null;
  subject: string | null;
  data: unknown;
}

export function eventView(row: EventEntity): EventView {
  return {
    id: row.id,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    clientId: row.clientId,
    connection: row.connection,
    provider: row.provider,
    subject: row.subject,
    data: row.data,
  };
}

/** An endpoint as its owner sees it: never a secret (only creation and rotation answer one). */
export interface EndpointView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  disabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  /** Created by an admin client: receives every client's events and the system events. */
  receivesAll: boolean;
  /** Until when the previous secret still signs beside the current one (after a rotation). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function endpointView(row: WebhookEndpointEntity): EndpointView {
  const previous =
    row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > Date.now()
      ? row.previousSecretExpiresAt.toISOString()
      : null;
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes,
    description: row.description,
    disabled: row.disabledAt !== null,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    receivesAll: row.receivesAll,
    previousSecretExpiresAt: previous,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  /** Each attempt: when, the HTTP status (null when none came), how long, why it failed. */
  attemptLog: {
    attempt: number;
    at: string;
    httpStatus: number | null;
    durationMs: number;
    error: string | null;
  }[];
}

export function deliveryView(row: WebhookDeliveryEntity & { eventType?: string }): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType ?? '',
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    lastHttpStatus: row.lastHttpStatus,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    attemptLog: row.attemptLog ?? [],
  };
}
