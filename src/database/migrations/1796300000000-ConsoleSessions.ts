import { MigrationInterface, QueryRunner } from 'typeorm';

/** Console sessions (docs/console.md): only hashes of the session token and of the key. */
export class ConsoleSessions1796300000000 implements MigrationInterface {
  name = 'ConsoleSessions1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "console_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character(64) NOT NULL, "key_hash" character(64) NOT NULL, "client_id" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_15fe3f1740801e7a0581dea8d49" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_console_sessions_token_hash" ON "console_sessions" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_console_sessions_expires_at" ON "console_sessions" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_console_sessions_expires_at"`);
    await queryRunner.query(`DROP INDEX "public"."uq_console_sessions_token_hash"`);
    await queryRunner.query(`DROP TABLE "console_sessions"`);
  }
}
