import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C `traceparent` of the request that accepted each operation, so a delivery run later
 * (by the worker, in another process) is a span linked to it. Existing rows keep null.
 */
export class OperationTraceparent1796400000000 implements MigrationInterface {
  name = 'OperationTraceparent1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operations" ADD "traceparent" character varying(55)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "traceparent"`);
  }
}
