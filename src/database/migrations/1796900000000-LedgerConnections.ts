import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's business keys per connection (DESIGN.md section 11): invoices and credit notes
 * carry the connection they were created on (existing rows: their provider's name, the env
 * connection), and a reference (an invoice's credit note) is unique per connection instead of
 * per provider. Audit rows carry the connection of the call, when it has one (outside the hashed
 * content: the chain's hash is unchanged).
 */
export class LedgerConnections1796900000000 implements MigrationInterface {
  name = 'LedgerConnections1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['invoices', 'credit_notes']) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "connection" character varying(63)`);
      await queryRunner.query(`UPDATE "${table}" SET "connection" = "provider"`);
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "connection" SET NOT NULL`);
    }
    await queryRunner.query(`DROP INDEX "public"."uq_invoices_provider_reference"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invoices_connection_reference" ON "invoices" ("connection", "reference")`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_credit_notes_provider_invoice"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_credit_notes_connection_invoice" ON "credit_notes" ("connection", "provider_invoice_id")`,
    );
    await queryRunner.query(`ALTER TABLE "audit_logs" ADD "connection" character varying(63)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_logs" DROP COLUMN "connection"`);
    // a reference held on two connections of one provider cannot go back to one key per
    // provider: the down migration fails on the unique index then, naming it
    await queryRunner.query(`DROP INDEX "public"."uq_credit_notes_connection_invoice"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_credit_notes_provider_invoice" ON "credit_notes" ("provider", "provider_invoice_id")`,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_invoices_connection_reference"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invoices_provider_reference" ON "invoices" ("provider", "reference")`,
    );
    for (const table of ['invoices', 'credit_notes']) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "connection"`);
    }
  }
}
