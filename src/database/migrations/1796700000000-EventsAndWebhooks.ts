import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sortable unique event id: `msg_` + 12 hex digits of unix milliseconds + 20 random hex
 * digits (the same form src/events/event-id.ts makes in the application).
 */
const EVENT_ID = `CREATE FUNCTION gateway_event_id() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT 'msg_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
    || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20)
$$`;

/**
 * The transactional outbox for operations: when an operation reaches an end (succeeded, failed,
 * dead) its events are inserted by this trigger, in the statement and so in the transaction that
 * ends it (with the ledger rows the settle writes), whichever code path ends it. An
 * `operation.*` event always; on success also the ledger event of its kind, each naming the
 * operation's connection.
 */
const OPERATION_EVENTS = `CREATE FUNCTION gateway_operation_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  op_type text;
  ledger_type text;
  at timestamptz := now();
BEGIN
  op_type := CASE
    WHEN NEW.status = 'succeeded' THEN 'operation.succeeded'
    WHEN NEW.status = 'dead' THEN 'operation.dead'
    WHEN NEW.last_error ->> 'code' = 'outcome_uncertain' THEN 'operation.outcome_uncertain'
    ELSE 'operation.failed' END;
  INSERT INTO events (id, type, occurred_at, client_id, connection, provider, subject, data)
  VALUES (gateway_event_id(), op_type, at, NEW.client_id, COALESCE(NEW.connection, NEW.provider, ''), NEW.provider,
    NEW.id::text, jsonb_build_object(
      'id', NEW.id, 'kind', NEW.kind, 'provider', NEW.provider, 'connection', NEW.connection, 'reference', NEW.reference,
      'status', NEW.status, 'attempts', NEW.attempts, 'responseStatus', NEW.response_status,
      'lastError', NEW.last_error,
      'completedAt', to_char(COALESCE(NEW.completed_at, at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'links', jsonb_build_object('self', '/v1/operations/' || NEW.id)));
  IF NEW.status = 'succeeded' AND jsonb_typeof(NEW.result) = 'object' THEN
    ledger_type := CASE
      WHEN NEW.kind = 'invoice.create' AND NEW.response_status = 201 THEN 'invoice.created'
      WHEN NEW.kind = 'invoice.update' THEN 'invoice.updated'
      WHEN NEW.kind = 'credit-note.create' AND NEW.response_status = 201 THEN 'credit_note.created'
      WHEN NEW.kind = 'invoice-status.post' THEN 'invoice_statuses.posted'
      WHEN NEW.kind = 'credit-memo-status.post' THEN 'credit_memo_statuses.posted'
      WHEN NEW.kind = 'remittance.post' THEN 'remittances.posted'
    END;
    IF ledger_type IS NOT NULL THEN
      INSERT INTO events (id, type, occurred_at, client_id, connection, provider, subject, data)
      VALUES (gateway_event_id(), ledger_type, at, NEW.client_id, COALESCE(NEW.connection, NEW.provider, ''),
        NEW.provider, COALESCE(NEW.result ->> 'id', NEW.id::text), NEW.result);
    END IF;
  END IF;
  RETURN NULL;
END
$$`;

const OPERATION_TRIGGER = `CREATE TRIGGER operations_outbox AFTER UPDATE OF status ON operations
  FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'failed', 'dead') AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION gateway_operation_events()`;

/**
 * Fan-out in the event's own transaction: one pending delivery per enabled endpoint that
 * subscribes to the type (none listed: all) and may see the event (its client's, or every
 * event for an endpoint of an admin client). `webhook.test` events are addressed to one
 * endpoint by the test route itself.
 */
const EVENT_DELIVERIES = `CREATE FUNCTION gateway_event_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type = 'webhook.test' THEN RETURN NULL; END IF;
  INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at)
  SELECT 'dlv_' || replace(gen_random_uuid()::text, '-', ''), e.id, NEW.id, 'pending', 0, now(), now()
  FROM webhook_endpoints e
  WHERE e.disabled_at IS NULL
    AND (cardinality(e.event_types) = 0 OR NEW.type = ANY (e.event_types))
    AND (e.receives_all OR e.client_id = NEW.client_id);
  RETURN NULL;
END
$$`;

const EVENT_TRIGGER = `CREATE TRIGGER events_fan_out AFTER INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION gateway_event_deliveries()`;

/**
 * The events outbox, webhook endpoints and their deliveries (docs/webhooks.md), with the
 * triggers that write events in the transaction of the change that causes them.
 */
export class EventsAndWebhooks1796700000000 implements MigrationInterface {
  name = 'EventsAndWebhooks1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "events" ("id" character varying(40) NOT NULL, "type" character varying(60) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "client_id" character varying(64), "connection" text NOT NULL, "provider" character varying(40), "subject" character varying(100), "data" jsonb NOT NULL, CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_events_occurred_at" ON "events"  ("occurred_at") `);
    await queryRunner.query(`CREATE INDEX "ix_events_type" ON "events"  ("type", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_events_client_id" ON "events"  ("client_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" character varying(40) NOT NULL, "endpoint_id" character varying(40) NOT NULL, "event_id" character varying(40) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "last_http_status" integer, "last_error" text, "attempt_log" jsonb NOT NULL DEFAULT '[]', "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_event" ON "webhook_deliveries"  ("event_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_endpoint" ON "webhook_deliveries"  ("endpoint_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries"  ("next_attempt_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" ("id" character varying(40) NOT NULL, "client_id" character varying(64) NOT NULL, "receives_all" boolean NOT NULL DEFAULT false, "url" text NOT NULL, "event_types" text array NOT NULL DEFAULT '{}', "description" character varying(500), "secret" text NOT NULL, "previous_secret" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "disabled_at" TIMESTAMP WITH TIME ZONE, "disabled_reason" text, "failing_since" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_endpoints_client_id" ON "webhook_endpoints"  ("client_id") `,
    );
    await queryRunner.query(EVENT_ID);
    await queryRunner.query(OPERATION_EVENTS);
    await queryRunner.query(OPERATION_TRIGGER);
    await queryRunner.query(EVENT_DELIVERIES);
    await queryRunner.query(EVENT_TRIGGER);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER events_fan_out ON events`);
    await queryRunner.query(`DROP FUNCTION gateway_event_deliveries()`);
    await queryRunner.query(`DROP TRIGGER operations_outbox ON operations`);
    await queryRunner.query(`DROP FUNCTION gateway_operation_events()`);
    await queryRunner.query(`DROP FUNCTION gateway_event_id()`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_endpoints_client_id"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_endpoint"`);
    await queryRunner.query(`DROP INDEX "public"."ix_webhook_deliveries_event"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."ix_events_client_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_events_type"`);
    await queryRunner.query(`DROP INDEX "public"."ix_events_occurred_at"`);
    await queryRunner.query(`DROP TABLE "events"`);
  }
}
