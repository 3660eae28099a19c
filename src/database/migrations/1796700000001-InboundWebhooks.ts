import { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbound upstream webhooks (DMS status changes) and the status history they write on the ledger. */
export class InboundWebhooks1796700000001 implements MigrationInterface {
  name = 'InboundWebhooks1796700000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inbound_webhooks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "connection" text NOT NULL, "provider" character varying(40) NOT NULL, "delivery_key" character varying(128) NOT NULL, "signature_scheme" character varying(20) NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "event" character varying(100), "status" character varying(100) NOT NULL, "status_date" TIMESTAMP WITH TIME ZONE, "identifiers" jsonb NOT NULL, "matched" boolean NOT NULL, "document_kind" character varying(20), "document_id" uuid, "body" jsonb NOT NULL, CONSTRAINT "PK_25bf061a0a634a08516ba76e3d9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_inbound_webhooks_matched" ON "inbound_webhooks"  ("matched", "received_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_inbound_webhooks_delivery" ON "inbound_webhooks"  ("connection", "delivery_key") `,
    );
    await queryRunner.query(`ALTER TABLE "credit_notes" ADD "status_history" jsonb`);
    await queryRunner.query(`ALTER TABLE "invoices" ADD "status_history" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invoices" DROP COLUMN "status_history"`);
    await queryRunner.query(`ALTER TABLE "credit_notes" DROP COLUMN "status_history"`);
    await queryRunner.query(`DROP INDEX "public"."uq_inbound_webhooks_delivery"`);
    await queryRunner.query(`DROP INDEX "public"."ix_inbound_webhooks_matched"`);
    await queryRunner.query(`DROP TABLE "inbound_webhooks"`);
  }
}
