import { randomBytes } from 'node:crypto';

/**
 * A sortable unique event id, as the database's `gateway_event_id()` makes it: `msg_` + 12 hex
 * digits of unix milliseconds + 20 random hex digits. It is the `webhook-id` of every delivery.
 */
export function newEventId(now = Date.now()): string {
  return `msg_${now.toString(16).padStart(12, '0')}${randomBytes(10).toString('hex')}`;
}

/** A webhook endpoint id: `ep_` + 32 random hex digits. */
export function newEndpointId(): string {
  return `ep_${randomBytes(16).toString('hex')}`;
}

/** A delivery id: `dlv_` + 32 random hex digits. */
export function newDeliveryId(): string {
  return `dlv_${randomBytes(16).toString('hex')}`;
}

export const EVENT_ID_PATTERN = /^msg_[0-9a-f]{32}$/;
