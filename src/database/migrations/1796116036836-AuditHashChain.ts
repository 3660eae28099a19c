import { createHash, randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

const BACKFILL_BATCH = 1000;

/**
 * Chain fields on audit_logs, the retention anchors, and a "legacy" chain for the rows written
 * before this migration. The legacy chain is sealed here, at migration time: it proves those rows
 * are unchanged since the migration ran, nothing about what happened to them before.
 */
export class AuditHashChain1796116036836 implements MigrationInterface {
  name = 'AuditHashChain1796116036836';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "audit_logs" ADD "chain_id" uuid, ADD "seq" bigint, ADD "prev_hash" character(64), ADD "hash" character(64), ADD "follows_chain_id" uuid, ADD "follows_seq" bigint`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_audit_logs_chain_seq" ON "audit_logs" ("chain_id", "seq") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_unchained" ON "audit_logs" ("id") WHERE chain_id IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_chain_anchors" ("chain_id" uuid NOT NULL, "seq" bigint NOT NULL, "hash" character(64) NOT NULL, "removed_rows" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_075a1ab5cfa667759c5b69fba0a" PRIMARY KEY ("chain_id"))`,
    );
    await sealLegacyRows(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_chain_anchors"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_logs_unchained"`);
    await queryRunner.query(`DROP INDEX "public"."uq_audit_logs_chain_seq"`);
    await queryRunner.query(
      `ALTER TABLE "audit_logs" DROP COLUMN "follows_seq", DROP COLUMN "follows_chain_id", DROP COLUMN "hash", DROP COLUMN "prev_hash", DROP COLUMN "seq", DROP COLUMN "chain_id"`,
    );
  }
}

// ------------------------------------------------------------------ chain version 1, frozen
// A migration computes what it computes once and for ever: this is the row hash of chain
// version 1 as it stood when the migration was written (src/audit/chain/audit-chain.ts is the
// live one, which may grow). Rows sealed here have no trace id, and the live rowHash leaves an
// unset trace id out of the hash, so both give the same hash for them
// (AuditHashChain.spec.ts checks that).

/** prevHash of the first row of a chain. */
const GENESIS_HASH = '0'.repeat(64);

/** The content of one legacy row, as hashed by chain version 1. */
export interface LegacyChainedContent {
  chainId: string;
  seq: number;
  prevHash: string;
  followsChainId: string | null;
  followsSeq: number | null;
  at: string;
  requestId: string | null;
  clientId: string | null;
  clientName: string | null;
  direction: string;
  provider: string | null;
  operation: string | null;
  method: string;
  path: string;
  status: number | null;
  durationMs: number | null;
  attempt: number | null;
  outcome: string;
  errorCode: string | null;
  operationId: string | null;
  reference: string | null;
  requestBody: unknown;
  responseBody: unknown;
}

/** JSON with object keys sorted by UTF-16 code units and no whitespace (chain version 1). */
function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a JSON number: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

/** SHA-256 (hex) of the canonical JSON of `{ v: 1, ...content }` (chain version 1). */
export function legacyRowHash(content: LegacyChainedContent): string {
  return createHash('sha256')
    .update(canonicalJson({ ...content, v: 1 }), 'utf8')
    .digest('hex');
}

type LegacyRow = Omit<LegacyChainedContent, 'chainId' | 'seq' | 'prevHash'> & { id: string };

/** Puts the existing rows, in id order, into one new chain. */
async function sealLegacyRows(queryRunner: QueryRunner): Promise<void> {
  const chainId = randomUUID();
  let seq = 0;
  let prevHash = GENESIS_HASH;
  let afterId = '0';
  for (;;) {
    const rows: LegacyRow[] = await queryRunner.query(
      `SELECT id::text AS id, NULL::uuid AS "followsChainId", NULL::bigint AS "followsSeq",
         to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
         request_id AS "requestId", client_id AS "clientId", client_name AS "clientName",
         direction, provider, operation, method, path, status, duration_ms AS "durationMs",
         attempt, outcome, error_code AS "errorCode", operation_id AS "operationId", reference,
         request_body AS "requestBody", response_body AS "responseBody"
       FROM audit_logs a WHERE a.id > $1 ORDER BY a.id LIMIT ${BACKFILL_BATCH}`,
      [afterId],
    );
    if (rows.length === 0) return;
    const values: string[] = [];
    const params: unknown[] = [chainId];
    for (const { id, ...content } of rows) {
      seq += 1;
      const hash = legacyRowHash({ ...content, chainId, seq, prevHash });
      params.push(id, seq, prevHash, hash);
      const n = params.length;
      values.push(`($${n - 3}::bigint, $${n - 2}::bigint, $${n - 1}::char(64), $${n}::char(64))`);
      prevHash = hash;
      afterId = id;
    }
    await queryRunner.query(
      `UPDATE audit_logs SET chain_id = $1, seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
       FROM (VALUES ${values.join(', ')}) AS v(id, seq, prev_hash, hash) WHERE audit_logs.id = v.id`,
      params,
    );
  }
}
