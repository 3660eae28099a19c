import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operations hold their command (plain JSON any process can run again), a history of attempts
 * and a lease. The old `request` column (the raw request body, never read back) goes.
 */
export class OperationCommands1795300000000 implements MigrationInterface {
  name = 'OperationCommands1795300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "request"`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "command" jsonb`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "history" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(
      `ALTER TABLE "operations" ADD "lease_expires_at" TIMESTAMP WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "lease_expires_at"`);
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "history"`);
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "command"`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "request" jsonb`);
  }
}
