import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents (DESIGN.md section 13, docs/documents.md): one row per business document the
 * gateway touched, and its changes. `realm` is the numbering a document's key belongs to (GEP
 * SMART and GEP Quantum share GEP's); `family` puts a remittance target with the invoice of the
 * same number, so a status and a remittance for one number meet on one row. `terms` is what
 * `GET /v1/documents?q=` matches: the key, the party code, the upstream numbers.
 */
export class Documents1796800000000 implements MigrationInterface {
  name = 'Documents1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "documents" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "connection" character varying(64) NOT NULL,
        "provider" character varying(40) NOT NULL,
        "realm" character varying(64) NOT NULL,
        "kind" character varying(24) NOT NULL,
        "family" character varying(24) NOT NULL,
        "key" character varying(200) NOT NULL,
        "provider_ids" jsonb NOT NULL DEFAULT '{}',
        "party_code" character varying(100),
        "terms" text[] NOT NULL DEFAULT '{}',
        "last_status" character varying(100),
        "last_status_at" TIMESTAMP WITH TIME ZONE,
        "paid_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_documents" PRIMARY KEY ("id"),
        CONSTRAINT "ck_documents_kind" CHECK ("kind" IN ('invoice', 'credit_note', 'credit_memo', 'remittance_target'))
      )`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_documents_realm_family_key" ON "documents" ("realm", "family", "key")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_documents_updated" ON "documents" ("updated_at" DESC, "id" DESC)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_documents_terms" ON "documents" USING gin ("terms")`);
    await queryRunner.query(
      `CREATE TABLE "document_changes" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "document_id" uuid NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "operation_id" uuid,
        "inbound_id" character varying(100),
        "client_id" character varying(64),
        "change" character varying(24) NOT NULL,
        "summary" character varying(500) NOT NULL,
        CONSTRAINT "pk_document_changes" PRIMARY KEY ("id"),
        CONSTRAINT "fk_document_changes_document" FOREIGN KEY ("document_id") REFERENCES "documents" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_document_changes_change" CHECK ("change" IN ('created', 'updated', 'status_posted', 'remittance_posted', 'status_changed', 'credit_note_created'))
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_document_changes_document" ON "document_changes" ("document_id", "at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_document_changes_client" ON "document_changes" ("client_id", "document_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "document_changes"`);
    await queryRunner.query(`DROP TABLE "documents"`);
  }
}
