import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connections (DESIGN section 11): configured instances of a provider, their secrets sealed by
 * the key ring. API clients may be limited to some connections (null: all). Every operation
 * carries the connection it runs on: existing rows take their provider's name (the env
 * connection), new rows the command's `connection` (a trigger, so the operation insert itself is
 * unchanged). A change to a connection is announced on the `connections_changed` channel.
 */
export class Connections1796600000000 implements MigrationInterface {
  name = 'Connections1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "connections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(63) NOT NULL, "provider" character varying(40) NOT NULL, "settings" jsonb NOT NULL DEFAULT '{}', "secrets" jsonb NOT NULL DEFAULT '{}', "is_default" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "version" integer NOT NULL DEFAULT 1, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_connections_id" PRIMARY KEY ("id"), CONSTRAINT "ck_connections_name" CHECK (name ~ '^[a-z0-9-]{1,63}$'))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_connections_name" ON "connections" ("name") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_connections_default" ON "connections" ("provider") WHERE is_default AND enabled`,
    );
    await queryRunner.query(`ALTER TABLE "api_clients" ADD "connections" text array`);
    await queryRunner.query(`ALTER TABLE "operations" ADD "connection" character varying(63)`);
    await queryRunner.query(`UPDATE "operations" SET "connection" = "provider"`);
    await queryRunner.query(
      `CREATE INDEX "ix_operations_connection_status" ON "operations" ("connection", "status")`,
    );
    await queryRunner.query(
      `CREATE FUNCTION operations_connection() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.connection := coalesce(NEW.connection, NEW.command->>'connection', NEW.provider);
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER operations_connection BEFORE INSERT ON "operations"
       FOR EACH ROW EXECUTE FUNCTION operations_connection()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER operations_connection ON "operations"`);
    await queryRunner.query(`DROP FUNCTION operations_connection()`);
    await queryRunner.query(`DROP INDEX "public"."ix_operations_connection_status"`);
    await queryRunner.query(`ALTER TABLE "operations" DROP COLUMN "connection"`);
    await queryRunner.query(`ALTER TABLE "api_clients" DROP COLUMN "connections"`);
    await queryRunner.query(`DROP INDEX "public"."uq_connections_default"`);
    await queryRunner.query(`DROP INDEX "public"."uq_connections_name"`);
    await queryRunner.query(`DROP TABLE "connections"`);
  }
}
