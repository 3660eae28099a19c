import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795257251081 implements MigrationInterface {
  name = 'InitialSchema1795257251081';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_clients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "key_hash" character(64) NOT NULL, "key_prefix" character varying(16) NOT NULL, "scopes" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ef2d5ef0eb5e9a6ddc67cfa310e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_api_clients_name" ON "api_clients"  ("name") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_api_clients_key_hash" ON "api_clients"  ("key_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_logs" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "request_id" character varying(128), "client_id" uuid, "client_name" character varying(100), "direction" character varying(8) NOT NULL, "provider" character varying(40), "operation" character varying(80), "method" character varying(10) NOT NULL, "path" text NOT NULL, "status" integer, "duration_ms" integer, "attempt" integer, "outcome" character varying(32) NOT NULL, "error_code" character varying(100), "operation_id" uuid, "reference" character varying(255), "request_body" jsonb, "response_body" jsonb, CONSTRAINT "PK_1bb179d048bbc581caa3b013439" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_operation_id" ON "audit_logs"  ("operation_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_reference" ON "audit_logs"  ("reference") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_outcome_at" ON "audit_logs"  ("outcome", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_operation_at" ON "audit_logs"  ("operation", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_provider_at" ON "audit_logs"  ("provider", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_request_id" ON "audit_logs"  ("request_id") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_logs_at" ON "audit_logs"  ("at") `);
    await queryRunner.query(
      `CREATE TABLE "credit_notes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider" character varying(40) NOT NULL, "reference" character varying(100) NOT NULL, "invoice_id" uuid, "provider_invoice_id" character varying(100) NOT NULL, "provider_credit_note_id" character varying(100), "status" character varying(40) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE, "amount" numeric(14,2) NOT NULL, "reason" text NOT NULL, "description" text, "party" jsonb, "document_url" text, "content_hash" character(64) NOT NULL, "request" jsonb NOT NULL, "upstream_response" jsonb, "mock" boolean NOT NULL DEFAULT false, "operation_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4933888a20b5469e119ad74b9e9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_credit_notes_invoice_id" ON "credit_notes"  ("invoice_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_credit_notes_provider_invoice" ON "credit_notes"  ("provider", "provider_invoice_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "invoices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider" character varying(40) NOT NULL, "reference" character varying(100) NOT NULL, "status" character varying(40) NOT NULL, "provider_invoice_id" character varying(100), "provider_document_number" character varying(100), "issued_at" TIMESTAMP WITH TIME ZONE, "document_url" text, "amount" numeric(14,2) NOT NULL, "currency" character(3), "party" jsonb, "content_hash" character(64) NOT NULL, "request" jsonb NOT NULL, "upstream_response" jsonb, "mock" boolean NOT NULL DEFAULT false, "operation_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_668cef7c22a427fd822cc1be3ce" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_invoices_provider_invoice_id" ON "invoices"  ("provider", "provider_invoice_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invoices_provider_reference" ON "invoices"  ("provider", "reference") `,
    );
    await queryRunner.query(
      `CREATE TABLE "operations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_id" character varying(64) NOT NULL, "kind" character varying(60) NOT NULL, "provider" character varying(40), "reference" character varying(255), "idempotency_key" character varying(255), "request_hash" character(64) NOT NULL, "request_id" character varying(128), "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "request" jsonb, "last_error" jsonb, "response_status" integer, "result" jsonb, "callback_url" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7b62d84d6f9912b975987165856" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_operations_provider_reference" ON "operations"  ("provider", "reference") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_operations_status_next_attempt" ON "operations"  ("status", "next_attempt_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_operations_client_idempotency_key" ON "operations"  ("client_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_operations_client_idempotency_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_operations_status_next_attempt"`);
    await queryRunner.query(`DROP INDEX "public"."ix_operations_provider_reference"`);
    await queryRunner.query(`DROP TABLE "operations"`);
    await queryRunner.query(`DROP INDEX "public"."uq_invoices_provider_reference"`);
    await queryRunner.query(`DROP INDEX "public"."ix_invoices_provider_invoice_id"`);
    await queryRunner.query(`DROP TABLE "invoices"`);
    await queryRunner.query(`DROP INDEX "public"."uq_credit_notes_provider_invoice"`);
    await queryRunner.query(`DROP INDEX "public"."ix_credit_notes_invoice_id"`);
    await queryRunner.query(`DROP TABLE "credit_notes"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_request_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_provider_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_operation_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_outcome_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_reference"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_operation_id"`);
    await queryRunner.query(`DROP TABLE "audit_logs"`);
    await queryRunner.query(`DROP INDEX "public"."uq_api_clients_key_hash"`);
    await queryRunner.query(`DROP INDEX "public"."uq_api_clients_name"`);
    await queryRunner.query(`DROP TABLE "api_clients"`);
  }
}
