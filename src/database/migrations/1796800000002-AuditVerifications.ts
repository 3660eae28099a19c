import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each walk of the audit hash chains (GET /v1/audit-logs/verify, `audit:verify`): when, what it
 * covered and what it found, so the console's overview shows the last verification.
 */
export class AuditVerifications1796800000002 implements MigrationInterface {
  name = 'AuditVerifications1796800000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_verifications" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "range_from" TIMESTAMP WITH TIME ZONE,
        "range_to" TIMESTAMP WITH TIME ZONE,
        "ok" boolean NOT NULL,
        "chains" integer NOT NULL,
        "rows" bigint NOT NULL,
        "breaks" integer NOT NULL,
        "first_break" jsonb,
        CONSTRAINT "pk_audit_verifications" PRIMARY KEY ("id")
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_verifications_at" ON "audit_verifications" ("at" DESC)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_verifications"`);
  }
}
