/**
 * The audit log's SQL in one file (about 400 lines, kept whole): the chain's writes, walks and
 * retention deletes share its column list and row mapping, and split apart they would restate them.
 */
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CONTENT_FIELDS, type ChainedRow, type ChainPosition } from '../../audit/chain/audit-chain';
import { Db } from '../db';
import { jsonParam, type Session, type Statement, statement } from '../sql';

/** An audit row with its database id (the paging key), as read back for the chain. */
export interface StoredAuditRow extends ChainedRow {
  id: string;
}

/** Any stored row: one inserted outside the writer has no chain fields. */
export type ListedAuditRow = Omit<StoredAuditRow, 'chainId' | 'seq' | 'prevHash' | 'hash'> & {
  chainId: string | null;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
};

/** A chain's newest row. */
/** One walk of the chains, as recorded. */
export interface AuditVerification {
  from?: Date;
  to?: Date;
  ok: boolean;
  chains: number;
  rows: number;
  breaks: number;
  firstBreak?: unknown;
}

export interface ChainHead extends ChainPosition {
  chainId: string;
  at: string;
}

/** What retention removed from the start of a chain: the last removed row. */
export interface ChainAnchor extends ChainPosition {
  chainId: string;
  removedRows: number;
}

/** The filters of GET /v1/audit-logs and its export. */
export interface AuditFilters {
  from?: string;
  to?: string;
  provider?: string;
  connection?: string;
  operation?: string;
  outcome?: string;
  reference?: string;
  requestId?: string;
  direction?: string;
}

/** The inserted fields: the hashed content and the hash. */
const FIELDS = [...CONTENT_FIELDS, 'hash'] as const;
const COLUMNS = FIELDS.map((field) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** The SQL type of each inserted field. */
const FIELD_TYPES: Record<(typeof FIELDS)[number], string> = {
  chainId: 'uuid',
  seq: 'bigint',
  prevHash: 'text',
  followsChainId: 'uuid',
  followsSeq: 'bigint',
  at: 'timestamptz',
  requestId: 'text',
  traceId: 'text',
  connection: 'text',
  clientId: 'uuid',
  clientName: 'text',
  direction: 'text',
  provider: 'text',
  operation: 'text',
  method: 'text',
  path: 'text',
  status: 'int',
  durationMs: 'int',
  attempt: 'int',
  outcome: 'text',
  errorCode: 'text',
  operationId: 'uuid',
  reference: 'text',
  requestBody: 'jsonb',
  responseBody: 'jsonb',
  hash: 'text',
};

/**
 * A batch of rows as one JSON array (serialized natively, in one pass): the same short statement
 * for any batch size. A JSON null becomes SQL NULL in every column, the bodies' jsonb included
 * (a body is never the JSON value null itself: the writer stores SQL NULL for no body).
 */
const INSERT_ROWS = `INSERT INTO audit_logs (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.join(', ')} FROM jsonb_to_recordset($1::jsonb)
  AS r(${FIELDS.map((field, i) => `${COLUMNS[i]} ${FIELD_TYPES[field]}`).join(', ')})`;

/**
 * Every column of a row, `at` with the microseconds timestamptz keeps (what the chain hashes).
 * Some output names shadow columns (seq, id, at as text): ORDER BY must name a.column.
 */
const SELECT_ROW = `id::text AS id, chain_id AS "chainId", seq::text AS seq, prev_hash AS "prevHash",
  hash, follows_chain_id AS "followsChainId", follows_seq::text AS "followsSeq",
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
  request_id AS "requestId", trace_id AS "traceId", connection, client_id AS "clientId", client_name AS "clientName", direction,
  provider, operation, method, path, status, duration_ms AS "durationMs", attempt, outcome,
  error_code AS "errorCode", operation_id AS "operationId", reference,
  request_body AS "requestBody", response_body AS "responseBody"`;

type RawRow = Omit<ListedAuditRow, 'seq' | 'followsSeq'> & {
  seq: string | null;
  followsSeq: string | null;
};

function toListed(raw: RawRow): ListedAuditRow {
  return {
    ...raw,
    seq: raw.seq === null ? null : Number(raw.seq),
    followsSeq: raw.followsSeq === null ? null : Number(raw.followsSeq),
  };
}

/** For queries that select chained rows only (chain_id IS NOT NULL). */
const toRow = (raw: RawRow) => toListed(raw) as StoredAuditRow;

/**
 * The audit log's SQL: inserts for the writer, walks for the verifier, retention's deletes.
 * Injected (RepositoriesModule); the CLI, outside Nest, takes one with `AuditLogRepository.on`.
 */
@Injectable()
export class AuditLogRepository {
  /** Statements built from filters, by name (one text per name). */
  private readonly built = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  /** The repository over an open DataSource, for code outside the Nest container (the CLI). */
  static on(dataSource: DataSource): AuditLogRepository {
    return new this(new Db(dataSource));
  }

  /** One statement, prepared under `name`; a name always stands for the same text. */
  private q<R extends Record<string, unknown>>(
    name: string,
    text: string,
    values: unknown[] = [],
    session?: Session,
  ): Promise<R[]> {
    let st = this.built.get(name);
    if (!st) {
      st = statement(name, text);
      this.built.set(name, st);
    } else if (st.text !== text) {
      throw new Error(`statement ${name} is already prepared with another text`);
    }
    return this.db.run<R>(st, values, session);
  }

  /** Inserts rows in one statement, in the given order. */
  async insert(rows: ChainedRow[]): Promise<void> {
    if (rows.length === 0) return;
    const batch = rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < FIELDS.length; i++) record[COLUMNS[i]] = row[FIELDS[i]] ?? null;
      return record;
    });
    await this.q('audit_insert', INSERT_ROWS, [JSON.stringify(batch)]);
  }

  /** The newest chained row of the whole log (what a new chain follows), if any. */
  async latestChained(): Promise<ChainHead | undefined> {
    const rows = await this.q<{ chainId: string; seq: string; hash: string; at: string }>(
      'audit_latest_chained',
      `SELECT chain_id AS "chainId", seq::text AS seq, hash, at::text AS at FROM audit_logs
       WHERE chain_id IS NOT NULL ORDER BY id DESC LIMIT 1`,
    );
    return rows[0] ? { ...rows[0], seq: Number(rows[0].seq) } : undefined;
  }

  /** Records a finished walk of the chains (what the overview shows as the last verification). */
  async recordVerification(v: AuditVerification): Promise<void> {
    await this.q(
      'audit_verification_insert',
      `INSERT INTO audit_verifications (range_from, range_to, ok, chains, rows, breaks, first_break)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [v.from ?? null, v.to ?? null, v.ok, v.chains, v.rows, v.breaks, jsonParam(v.firstBreak)],
    );
  }

  /** The newest recorded walk, if any. */
  async lastVerification(): Promise<(AuditVerification & { at: Date }) | undefined> {
    const rows = await this.q<Record<string, unknown>>(
      'audit_verification_last',
      `SELECT at, range_from, range_to, ok, chains, rows::float8 AS rows, breaks, first_break
       FROM audit_verifications ORDER BY at DESC, id DESC LIMIT 1`,
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      at: r.at as Date,
      ...(r.range_from ? { from: r.range_from as Date } : {}),
      ...(r.range_to ? { to: r.range_to as Date } : {}),
      ok: r.ok as boolean,
      chains: r.chains as number,
      rows: Number(r.rows),
      breaks: r.breaks as number,
      ...(r.first_break ? { firstBreak: r.first_break } : {}),
    };
  }

  /** The newest row of one chain. */
  async head(chainId: string): Promise<ChainPosition | undefined> {
    const rows = await this.q<{ seq: string; hash: string }>(
      'audit_head',
      `SELECT a.seq::text AS seq, a.hash FROM audit_logs a WHERE a.chain_id = $1 ORDER BY a.seq DESC LIMIT 1`,
      [chainId],
    );
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  /** Each chain's newest row, by chain id (a skip scan: one index probe per chain). */
  async heads(): Promise<ChainHead[]> {
    const rows = await this.q<{ chainId: string; seq: string; hash: string; at: string }>(
      'audit_heads',
      `WITH RECURSIVE chains AS (
           (SELECT chain_id FROM audit_logs WHERE chain_id IS NOT NULL ORDER BY chain_id LIMIT 1)
           UNION ALL
           SELECT (SELECT a.chain_id FROM audit_logs a WHERE a.chain_id > c.chain_id
                   ORDER BY a.chain_id LIMIT 1)
           FROM chains c WHERE c.chain_id IS NOT NULL
         )
         SELECT c.chain_id AS "chainId", h.seq::text AS seq, h.hash,
                to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
         FROM chains c
         CROSS JOIN LATERAL (SELECT seq, hash, at FROM audit_logs a
                             WHERE a.chain_id = c.chain_id ORDER BY seq DESC LIMIT 1) h
         WHERE c.chain_id IS NOT NULL
         ORDER BY c.chain_id`,
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  }

  /** Up to `limit` chained rows after (chainId, seq), in chain and seq order. */
  async chainedPage(
    after: { chainId: string; seq: number } | undefined,
    limit: number,
  ): Promise<StoredAuditRow[]> {
    const rows = after
      ? await this.q<RawRow>(
          'audit_chained_page_after',
          `SELECT ${SELECT_ROW} FROM audit_logs a WHERE chain_id IS NOT NULL
           AND (chain_id, seq) > ($1::uuid, $2::bigint) ORDER BY a.chain_id, a.seq LIMIT $3`,
          [after.chainId, after.seq, limit],
        )
      : await this.q<RawRow>(
          'audit_chained_page',
          `SELECT ${SELECT_ROW} FROM audit_logs a WHERE chain_id IS NOT NULL
           ORDER BY a.chain_id, a.seq LIMIT $1`,
          [limit],
        );
    return rows.map(toRow);
  }

  /** Up to `limit` rows of one chain with afterSeq < seq <= toSeq, in seq order. */
  async segmentPage(
    chainId: string,
    afterSeq: number,
    toSeq: number,
    limit: number,
  ): Promise<StoredAuditRow[]> {
    const rows = await this.q<RawRow>(
      'audit_segment_page',
      `SELECT ${SELECT_ROW} FROM audit_logs a WHERE chain_id = $1 AND seq > $2 AND seq <= $3
       ORDER BY a.seq LIMIT $4`,
      [chainId, afterSeq, toSeq, limit],
    );
    return rows.map(toRow);
  }

  /** Per chain, the first and last seq of its rows with from <= at < to. */
  async segmentsInRange(
    from: Date | undefined,
    to: Date | undefined,
  ): Promise<{ chainId: string; firstSeq: number; lastSeq: number }[]> {
    const { where, params, mask } = timeRange(from, to);
    const rows = await this.q<{ chainId: string; firstSeq: string; lastSeq: string }>(
      `audit_segments_in_range_${mask}`,
      `SELECT chain_id AS "chainId", min(seq)::text AS "firstSeq", max(seq)::text AS "lastSeq"
       FROM audit_logs WHERE chain_id IS NOT NULL ${where} GROUP BY chain_id ORDER BY chain_id`,
      params,
    );
    return rows.map((r) => ({
      chainId: r.chainId,
      firstSeq: Number(r.firstSeq),
      lastSeq: Number(r.lastSeq),
    }));
  }

  /** Rows without chain fields (not written by the audit writer): the first id and the count. */
  async unchained(
    from: Date | undefined,
    to: Date | undefined,
  ): Promise<{ firstId: string | null; count: number }> {
    const { where, params, mask } = timeRange(from, to);
    const rows = await this.q<{ firstId: string | null; count: string }>(
      `audit_unchained_${mask}`,
      `SELECT min(id)::text AS "firstId", count(*)::text AS count FROM audit_logs
       WHERE chain_id IS NULL ${where}`,
      params,
    );
    return { firstId: rows[0]?.firstId ?? null, count: Number(rows[0]?.count ?? 0) };
  }

  /** The row at (chainId, seq), if it is still stored. */
  async position(chainId: string, seq: number): Promise<ChainPosition | undefined> {
    const rows = await this.q<{ hash: string }>(
      'audit_position',
      `SELECT hash FROM audit_logs WHERE chain_id = $1 AND seq = $2 LIMIT 1`,
      [chainId, seq],
    );
    return rows[0] ? { seq, hash: rows[0].hash } : undefined;
  }

  async anchor(chainId: string): Promise<ChainAnchor | undefined> {
    const rows = await this.q<{ chainId: string; seq: string; hash: string; removedRows: string }>(
      'audit_anchor',
      `SELECT chain_id AS "chainId", seq::text AS seq, hash, removed_rows::text AS "removedRows"
       FROM audit_chain_anchors WHERE chain_id = $1`,
      [chainId],
    );
    const row = rows[0];
    return row ? { ...row, seq: Number(row.seq), removedRows: Number(row.removedRows) } : undefined;
  }

  /** Chains that hold rows written before the cutoff. */
  async chainsWithRowsBefore(cutoff: Date): Promise<string[]> {
    const rows = await this.q<{ chainId: string }>(
      'audit_chains_with_rows_before',
      `SELECT DISTINCT chain_id AS "chainId" FROM audit_logs WHERE at < $1 AND chain_id IS NOT NULL`,
      [cutoff],
    );
    return rows.map((r) => r.chainId);
  }

  /** The first seq of a chain written at or after the cutoff (retention keeps it and the rest). */
  async firstSeqSince(chainId: string, cutoff: Date): Promise<number | undefined> {
    const rows = await this.q<{ seq: string }>(
      'audit_first_seq_since',
      `SELECT a.seq::text AS seq FROM audit_logs a WHERE a.chain_id = $1 AND a.at >= $2 ORDER BY a.seq LIMIT 1`,
      [chainId, cutoff],
    );
    return rows[0] ? Number(rows[0].seq) : undefined;
  }

  /**
   * Deletes a chain's rows up to and including `last` (the newest row removed) and records it
   * as the chain's anchor, in one transaction. Returns the number of rows deleted.
   */
  async removePrefix(chainId: string, last: ChainPosition): Promise<number> {
    return this.db.tx(async (tx) => {
      const [{ n: deleted }] = await this.q<{ n: number }>(
        'audit_remove_prefix',
        `WITH d AS (DELETE FROM audit_logs WHERE chain_id = $1 AND seq <= $2 RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [chainId, last.seq],
        tx,
      );
      await this.q(
        'audit_anchor_upsert',
        `INSERT INTO audit_chain_anchors (chain_id, seq, hash, removed_rows, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (chain_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash,
           removed_rows = audit_chain_anchors.removed_rows + EXCLUDED.removed_rows,
           updated_at = now()`,
        [chainId, last.seq, last.hash, deleted],
        tx,
      );
      return deleted;
    });
  }

  /** Deletes up to `limit` rows without chain fields written before the cutoff. */
  async deleteUnchainedBefore(cutoff: Date, limit: number): Promise<number> {
    const [{ n }] = await this.q<{ n: number }>(
      'audit_delete_unchained',
      `WITH d AS (DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs
         WHERE chain_id IS NULL AND at < $1 ORDER BY id LIMIT $2) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [cutoff, limit],
    );
    return n;
  }

  /**
   * One page of the filtered log by id: newest first after `beforeId` (the list), or oldest
   * first after `afterId` (the export).
   */
  async filteredPage(
    filters: AuditFilters,
    page: { order: 'asc' | 'desc'; cursor?: string; limit: number },
  ): Promise<ListedAuditRow[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    let mask = 0;
    const add = (sql: string, value: unknown) => {
      params.push(value);
      clauses.push(sql.replace('?', `$${params.length}`));
    };
    const when = (bit: number, sql: string, value: unknown) => {
      if (value === undefined || value === null || value === '') return;
      mask |= 1 << bit;
      add(sql, value);
    };
    when(0, 'at >= ?', filters.from ? new Date(filters.from) : undefined);
    when(1, 'at < ?', filters.to ? new Date(filters.to) : undefined);
    when(2, 'provider = ?', filters.provider);
    when(3, 'operation = ?', filters.operation);
    when(4, 'outcome = ?', filters.outcome);
    when(5, 'reference = ?', filters.reference);
    when(6, 'request_id = ?', filters.requestId);
    when(7, 'direction = ?', filters.direction);
    when(9, 'connection = ?', filters.connection);
    when(8, page.order === 'desc' ? 'id < ?' : 'id > ?', page.cursor);
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    params.push(page.limit);
    const rows = await this.q<RawRow>(
      `audit_filtered_${page.order}_${mask}`,
      `SELECT ${SELECT_ROW} FROM audit_logs a ${where} ORDER BY a.id ${page.order === 'desc' ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
    );
    return rows.map(toListed);
  }
}

function timeRange(
  from: Date | undefined,
  to: Date | undefined,
): { where: string; params: unknown[]; mask: number } {
  const params: unknown[] = [];
  let where = '';
  if (from) {
    params.push(from);
    where += ` AND at >= $${params.length}`;
  }
  if (to) {
    params.push(to);
    where += ` AND at < $${params.length}`;
  }
  return { where, params, mask: (from ? 1 : 0) | (to ? 2 : 0) };
}
