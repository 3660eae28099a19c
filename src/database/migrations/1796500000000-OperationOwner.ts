import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The owner of each running operation: the instance number of the process running it (or that
 * ran its last attempt). A process holds a session advisory lock on its number for as long as it
 * lives (src/database/liveness.ts), so an operation whose owner's lock is gone is abandoned at
 * once instead of after its lease. The numbers come from a sequence of their own.
 */
export class OperationOwner1796500000000 implements MigrationInterface {
  name = 'OperationOwner1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operations" ADD "owner" integer`);
    await queryRunner.query(
      `CREATE SEQUENCE "gateway_instance_seq" AS integer MINVALUE 1 MAXVALUE 2147483647 CYCLE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SEQUENCE "gateway_instance_seq"`);
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "owner"`);
  }
}
