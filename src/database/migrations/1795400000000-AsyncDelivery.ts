import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable async delivery in the operations row itself (no second source of truth): how the call
 * was accepted (sync or async), the per-item fate of a batch across attempts, an operator's
 * resolution, the callback's delivery state, and the partial indexes the worker claims by.
 */
export class AsyncDelivery1795400000000 implements MigrationInterface {
  name = 'AsyncDelivery1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "operations" ADD "delivery" character varying(8) NOT NULL DEFAULT 'sync'`,
    );
    await queryRunner.query(
      `ALTER TABLE "operations" ADD "series_attempts" integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(
      `ALTER TABLE "operations" ADD "series_started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(`ALTER TABLE "operations" ADD "progress" jsonb`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "resolution" jsonb`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "callback_status" character varying(16)`);
    await queryRunner.query(
      `ALTER TABLE "operations" ADD "callback_attempts" integer NOT NULL DEFAULT 0`,
    );
    await queryRunner.query(`ALTER TABLE "operations" ADD "callback_last_http_status" integer`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "callback_last_error" text`);
    await queryRunner.query(
      `ALTER TABLE "operations" ADD "callback_next_attempt_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_operations_queued_due" ON "operations" ("provider", "next_attempt_at") WHERE status = 'queued'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_operations_running_lease" ON "operations" ("lease_expires_at") WHERE status = 'running'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_operations_callback_due" ON "operations" ("callback_next_attempt_at") WHERE callback_status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_operations_created" ON "operations" ("created_at", "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_operations_created"`);
    await queryRunner.query(`DROP INDEX "ix_operations_callback_due"`);
    await queryRunner.query(`DROP INDEX "ix_operations_running_lease"`);
    await queryRunner.query(`DROP INDEX "ix_operations_queued_due"`);
    for (const column of [
      'callback_next_attempt_at',
      'callback_last_error',
      'callback_last_http_status',
      'callback_attempts',
      'callback_status',
      'resolution',
      'progress',
      'series_started_at',
      'series_attempts',
      'delivery',
    ]) {
      await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "${column}"`);
    }
  }
}
