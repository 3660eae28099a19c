import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace id of each audit row. Existing rows keep a null trace id, which the chain leaves
 * out of the hashed content, so they verify as before. Reverting drops the column: rows written
 * with a trace id no longer verify after that (their hash covers it).
 */
export class AuditTraceId1796200000000 implements MigrationInterface {
  name = 'AuditTraceId1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_logs" ADD "trace_id" character varying(32)`);
    await queryRunner.query(`CREATE INDEX "ix_audit_logs_trace_id" ON "audit_logs" ("trace_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_trace_id"`);
    await queryRunner.query(`ALTER TABLE "audit_logs" DROP COLUMN "trace_id"`);
  }
}
