/**
 * Every event type (docs/webhooks.md). Operation and ledger events are written by the database
 * trigger of migration EventsAndWebhooks in the transaction that ends the operation;
 * `document.status_changed` by the inbound DMS webhook; circuit events by the circuit watch;
 * `webhook.test` by an endpoint's test route.
 */
export const EVENT_TYPES = [
  'operation.succeeded',
  'operation.failed',
  'operation.dead',
  'operation.outcome_uncertain',
  'invoice.created',
  'invoice.updated',
  'credit_note.created',
  'invoice_statuses.posted',
  'credit_memo_statuses.posted',
  'remittances.posted',
  'document.status_changed',
  'upstream.circuit_opened',
  'upstream.circuit_closed',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
