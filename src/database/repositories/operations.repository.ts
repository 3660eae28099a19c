import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { redact } from '@lib/redaction';
import { entityMapper, execute, jsonParam, poolOf, type Queryable, statement } from '../sql';
import type { NewInvoice } from './invoices.repository';
import { InvoiceEntity } from '../entities/invoice.entity';
import {
  OperationEntity,
  type OperationAttempt,
  type OperationResolution,
  type OperationStatus,
} from '../entities/operation.entity';

export interface NewOperation {
  clientId: string;
  kind: string;
  provider: string | null;
  reference: string | null;
  idempotencyKey: string | null;
  requestHash: string;
  requestId: string | null;
  /** Plain JSON (src/operations/commands.ts). */
  command: object;
  callbackUrl: string | null;
  expiresAt: Date | null;
}

/** How an attempt ended, as stored on the operation row. */
export interface OperationFinal {
  status: Extract<OperationStatus, 'succeeded' | 'failed' | 'dead'>;
  /** The HTTP status a sync call answers (and a replay repeats). */
  responseStatus: number;
  /** The answer body (the resource, the batch answer, or the problem). */
  result: unknown;
  /** The problem body of a failure. */
  lastError: unknown;
  /** Frees the Idempotency-Key, so the caller may retry with it (transient failures). */
  releaseKey: boolean;
  /** The attempt appended to the history; null for an operator's resolution (no attempt). */
  attempt: OperationAttempt | null;
  /** A batch's per-item fate (kept for a replay that re-sends only unsettled items). */
  progress?: unknown;
  resolution?: OperationResolution;
}

/** Another attempt later: the row goes back to `queued`. */
export interface OperationRetry {
  delayMs: number;
  lastError: unknown;
  /** Null when nothing was attempted (an open circuit): the attempt is given back. */
  attempt: OperationAttempt | null;
  progress?: unknown;
}

/** The row a settle or a finish writes to: its id and the attempt that holds it. */
export interface AttemptFence {
  id: string;
  /** The `attempts` value of the claim; a row claimed again since (lease lost) is not written. */
  attempt: number;
}

export interface OperationListFilter {
  clientId?: string;
  status?: OperationStatus;
  kind?: string;
  provider?: string;
  reference?: string;
  /** `lastError.code`, e.g. outcome_uncertain. */
  errorCode?: string;
  limit: number;
  /** Keyset position: rows strictly older than this one. */
  before?: { createdAt: Date; id: string };
}

export interface QueueDepthRow {
  provider: string;
  status: string;
  count: number;
}

/** Thrown inside a settle transaction when the attempt lost its claim: the ledger writes roll back. */
export class LostLeaseError extends Error {
  constructor(readonly operationId: string) {
    super(`operation ${operationId} was claimed by another attempt`);
    this.name = 'LostLeaseError';
  }
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

const INSERT_VALUES = `INSERT INTO operations (client_id, kind, provider, reference,
     idempotency_key, request_hash, request_id, command, callback_url, expires_at, status, delivery,
     attempts, series_attempts, started_at, lease_expires_at, next_attempt_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
   ON CONFLICT DO NOTHING
   RETURNING id, created_at`;

const INSERT_OPERATION = statement('operation_insert', INSERT_VALUES);

/**
 * The insert of an invoice create, and in the same statement (one snapshot, one round trip) the
 * ledger row that already holds its reference, if any: what the executor would read first.
 */
const INSERT_OPERATION_READING_INVOICE = statement(
  'operation_insert_reading_invoice',
  `WITH op AS (${INSERT_VALUES})
   SELECT op.id AS "opId", op.created_at AS "opCreatedAt", i.*
   FROM op LEFT JOIN invoices i ON i.provider = $3 AND i.reference = $4`,
);

/**
 * The success of an attempt, as finish() writes it with `status = 'succeeded'` (the key kept,
 * no progress or resolution), the callback (if any) due now.
 */
const SUCCEEDED_SET = `status = 'succeeded', response_status = $20, result = $21, last_error = NULL,
  history = history || jsonb_build_array($22::jsonb),
  callback_status = CASE WHEN callback_url IS NOT NULL THEN 'pending' END,
  callback_next_attempt_at = CASE WHEN callback_url IS NOT NULL THEN now() END,
  callback_attempts = 0, callback_last_http_status = NULL, callback_last_error = NULL,
  completed_at = now(), updated_at = now(), next_attempt_at = NULL, lease_expires_at = NULL`;

const FINISH = statement(
  'operation_finish',
  `UPDATE operations SET status = $2, response_status = $3, result = $4, last_error = $5,
         idempotency_key = CASE WHEN $6 THEN NULL ELSE idempotency_key END,
         history = CASE WHEN $7::jsonb IS NULL THEN history ELSE history || jsonb_build_array($7::jsonb) END,
         progress = COALESCE($8::jsonb, progress), resolution = COALESCE($9::jsonb, resolution),
         callback_status = CASE WHEN callback_url IS NOT NULL THEN 'pending' END,
         callback_next_attempt_at = CASE WHEN callback_url IS NOT NULL THEN now() END,
         callback_attempts = 0, callback_last_http_status = NULL, callback_last_error = NULL,
         completed_at = now(), updated_at = now(), next_attempt_at = NULL, lease_expires_at = NULL
       WHERE id = $1 AND ($10::int IS NULL OR (status = 'running' AND attempts = $10))
       RETURNING id`,
);

const SETTLE_CREATED_INVOICE = statement(
  'operation_settle_created_invoice',
  `WITH fence AS (
     SELECT id FROM operations WHERE id = $1 AND status = 'running' AND attempts = $2 FOR UPDATE
   ), ins AS (
     INSERT INTO invoices (id, provider, reference, status, provider_invoice_id,
       provider_document_number, issued_at, document_url, amount, currency, party, content_hash,
       request, upstream_response, mock, operation_id, created_at, updated_at)
     SELECT $3::uuid, $4::text, $5::text, $6::text, $7::text, $8::text, $9::timestamptz,
       $10::text, $11::numeric, $12::text, $13::jsonb, $14::text, $15::jsonb, $16::jsonb,
       $17::boolean, $18::uuid, $19::timestamptz, $19::timestamptz
     FROM fence
     ON CONFLICT DO NOTHING
     RETURNING id
   ), fin AS (
     UPDATE operations SET ${SUCCEEDED_SET}
     WHERE id = $1 AND EXISTS (SELECT 1 FROM ins)
     RETURNING id
   )
   SELECT EXISTS (SELECT 1 FROM fence) AS fenced, EXISTS (SELECT 1 FROM fin) AS inserted`,
);

/** The operation ledger's SQL: every mutating call has a row before anything is sent upstream. */
@Injectable()
export class OperationsRepository {
  private readonly repo: Repository<OperationEntity>;
  private readonly toEntity: (raw: Record<string, unknown>) => OperationEntity;
  private readonly toInvoice: (raw: Record<string, unknown>) => InvoiceEntity;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OperationEntity);
    this.toEntity = entityMapper(dataSource, OperationEntity);
    this.toInvoice = entityMapper(dataSource, InvoiceEntity);
  }

  /**
   * Inserts a `running` operation (attempt 1) under a lease: a sync call. With an idempotency
   * key the insert is conditional on the (client, key) pair being free: undefined means another
   * holds it. With `readInvoice` (an invoice create: provider and reference set) it also answers,
   * from the same snapshot, the ledger row holding the reference (null: none).
   */
  async insertRunning(
    init: NewOperation,
    leaseMs: number,
    readInvoice: boolean,
  ): Promise<{ operation: OperationEntity; invoice?: InvoiceEntity | null } | undefined> {
    const startedAt = new Date();
    return this.insert(init, readInvoice, {
      status: 'running',
      delivery: 'sync',
      attempts: 1,
      seriesAttempts: 1,
      startedAt,
      leaseExpiresAt: new Date(startedAt.getTime() + leaseMs),
      nextAttemptAt: null,
    });
  }

  /** Inserts a `queued` operation due now: an accepted async call (the 202 is sent after this commits). */
  insertQueued(init: NewOperation): Promise<OperationEntity | undefined> {
    return this.insert(init, false, {
      status: 'queued',
      delivery: 'async',
      attempts: 0,
      seriesAttempts: 0,
      startedAt: null,
      leaseExpiresAt: null,
      nextAttemptAt: new Date(),
    }).then((claimed) => claimed?.operation);
  }

  private async insert(
    init: NewOperation,
    readInvoice: boolean,
    state: Pick<
      OperationEntity,
      | 'status'
      | 'delivery'
      | 'attempts'
      | 'seriesAttempts'
      | 'startedAt'
      | 'leaseExpiresAt'
      | 'nextAttemptAt'
    >,
  ): Promise<{ operation: OperationEntity; invoice?: InvoiceEntity | null } | undefined> {
    const rows = await execute<Record<string, unknown>>(
      poolOf(this.dataSource),
      readInvoice ? INSERT_OPERATION_READING_INVOICE : INSERT_OPERATION,
      [
        init.clientId,
        init.kind,
        init.provider,
        init.reference,
        init.idempotencyKey,
        init.requestHash,
        init.requestId,
        JSON.stringify(init.command),
        init.callbackUrl,
        init.expiresAt,
        state.status,
        state.delivery,
        state.attempts,
        state.seriesAttempts,
        state.startedAt,
        state.leaseExpiresAt,
        state.nextAttemptAt,
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    const id = (readInvoice ? row.opId : row.id) as string;
    const createdAt = (readInvoice ? row.opCreatedAt : row.created_at) as Date;
    const operation = Object.assign(new OperationEntity(), init, state, {
      id,
      history: [],
      createdAt,
      updatedAt: createdAt,
      seriesStartedAt: createdAt,
      completedAt: null,
      lastError: null,
      result: null,
      responseStatus: null,
      progress: null,
      resolution: null,
      callbackStatus: null,
      callbackAttempts: 0,
      callbackLastHttpStatus: null,
      callbackLastError: null,
      callbackNextAttemptAt: null,
    });
    if (!readInvoice) return { operation };
    return { operation, invoice: row.id === null ? null : this.toInvoice(row) };
  }

  /**
   * A created invoice's outcome in one statement (one round trip, one commit): the ledger row is
   * inserted and the operation ends `succeeded` with `final`, only while the attempt still holds
   * the row (the fence, locked for the statement), and only if the reference was free. Answers
   * `lost` (nothing written: LostLeaseError for the caller), `taken` (a concurrent create holds
   * the reference: nothing written, the caller settles against that row) or `settled`.
   */
  async settleCreatedInvoice(
    fence: AttemptFence,
    row: NewInvoice & { id: string; createdAt: Date },
    final: OperationFinal,
    session?: Queryable,
  ): Promise<'settled' | 'taken' | 'lost'> {
    const rows = await execute<{ fenced: boolean; inserted: boolean }>(
      session ?? poolOf(this.dataSource),
      SETTLE_CREATED_INVOICE,
      [
        fence.id,
        fence.attempt,
        row.id,
        row.provider,
        row.reference,
        row.status,
        row.providerInvoiceId,
        row.providerDocumentNumber,
        row.issuedAt,
        row.documentUrl,
        row.amount,
        row.currency,
        jsonParam(row.party),
        row.contentHash,
        jsonParam(row.request),
        jsonParam(redact(row.upstreamResponse)),
        row.mock,
        row.operationId,
        row.createdAt,
        final.responseStatus,
        jsonParam(final.result),
        final.attempt ? JSON.stringify(final.attempt) : null,
      ],
    );
    const outcome = rows[0];
    if (!outcome?.fenced) return 'lost';
    return outcome.inserted ? 'settled' : 'taken';
  }

  findByKey(clientId: string, idempotencyKey: string): Promise<OperationEntity | null> {
    return this.repo.findOne({ where: { clientId, idempotencyKey } });
  }

  findById(id: string): Promise<OperationEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /**
   * Claims up to `limit` due operations of a provider for this process: `queued` ones whose time
   * has come, and `running` ones whose lease passed (their process died). Each claim is an
   * attempt; a lost attempt is written to the history as abandoned, its outcome unknown.
   * `FOR UPDATE SKIP LOCKED`: replicas claiming at once never get the same row. Each kind of
   * candidate is read in its own partial index's order, at most `limit` of each, so a claim costs
   * the same with a backlog of millions as with an empty queue (one query over both kinds had to
   * fetch and sort every due row).
   */
  async claimDue(provider: string, limit: number, leaseMs: number): Promise<OperationEntity[]> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH queued AS (
         SELECT id, next_attempt_at AS due_at FROM operations
         WHERE provider = $1 AND status = 'queued' AND next_attempt_at <= now()
           AND command IS NOT NULL
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ), abandoned AS (
         SELECT id, lease_expires_at AS due_at FROM operations
         WHERE status = 'running' AND lease_expires_at < now() AND provider = $1
           AND command IS NOT NULL
         ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE operations o SET
         history = CASE WHEN o.status = 'running' THEN o.history || jsonb_build_array(jsonb_build_object(
             'attempt', o.attempts, 'at', to_char(o.updated_at AT TIME ZONE 'UTC', ${ISO_UTC}),
             'durationMs', GREATEST(0, (extract(epoch FROM o.lease_expires_at - o.updated_at) * 1000)::int),
             'outcome', 'abandoned', 'outcomeUnknown', true,
             'message', 'the process running this attempt stopped before recording an outcome'))
           ELSE o.history END,
         status = 'running', attempts = o.attempts + 1, series_attempts = o.series_attempts + 1,
         lease_expires_at = now() + make_interval(secs => $3::double precision / 1000),
         started_at = COALESCE(o.started_at, now()), next_attempt_at = NULL, updated_at = now()
       FROM (
         SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM abandoned) candidates
         ORDER BY due_at LIMIT $2
       ) due
       WHERE o.id = due.id
       RETURNING o.*`,
      [provider, limit, leaseMs],
    );
    return rowsOf(rows).map((r) => this.toEntity(r as Record<string, unknown>));
  }

  /**
   * Stores how an attempt ended: status, answer, error, the attempt appended to the history,
   * lease dropped, the callback (if any) due now. Pass the transaction's manager to commit it
   * with the ledger rows it produced. With a fence, only the attempt holding the row writes;
   * the answer says whether it did.
   */
  async finish(
    id: string,
    final: OperationFinal,
    em?: EntityManager,
    fence?: AttemptFence,
  ): Promise<boolean> {
    const values = [
      id,
      final.status,
      final.responseStatus,
      jsonParam(final.result),
      jsonParam(final.lastError),
      final.releaseKey,
      final.attempt ? JSON.stringify(final.attempt) : null,
      jsonParam(final.progress),
      jsonParam(final.resolution),
      fence?.attempt ?? null,
    ];
    // outside a transaction: the prepared statement on the pool (one round trip, autocommit)
    if (!em) return (await execute(poolOf(this.dataSource), FINISH, values)).length === 1;
    const rows: unknown[] = await em.query(FINISH.text, values);
    return rowsOf(rows).length === 1;
  }

  /**
   * Runs `work` and stores the operation's final state in one transaction: the ledger rows
   * `work` writes on the manager it is given commit together with the outcome, or not at all
   * (also when the attempt lost its claim meanwhile: LostLeaseError).
   */
  settle<T>(
    fence: AttemptFence,
    work: (em: EntityManager) => Promise<{ value: T; final: OperationFinal }>,
  ): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      const { value, final } = await work(em);
      if (!(await this.finish(fence.id, final, em, fence))) throw new LostLeaseError(fence.id);
      return value;
    });
  }

  /** Puts a claimed operation back in the queue for a later attempt. False when the claim was lost. */
  async retryLater(fence: AttemptFence, retry: OperationRetry): Promise<boolean> {
    const refund = retry.attempt === null;
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE operations SET status = 'queued', lease_expires_at = NULL, last_error = $3,
         next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
         history = CASE WHEN $5::jsonb IS NULL THEN history ELSE history || jsonb_build_array($5::jsonb) END,
         attempts = attempts - CASE WHEN $6 THEN 1 ELSE 0 END,
         series_attempts = series_attempts - CASE WHEN $6 THEN 1 ELSE 0 END,
         progress = COALESCE($7::jsonb, progress), updated_at = now()
       WHERE id = $1 AND status = 'running' AND attempts = $2
       RETURNING id`,
      [
        fence.id,
        fence.attempt,
        jsonParam(retry.lastError),
        Math.max(0, Math.round(retry.delayMs)),
        retry.attempt ? JSON.stringify(retry.attempt) : null,
        refund,
        jsonParam(retry.progress),
      ],
    );
    return rowsOf(rows).length === 1;
  }

  /**
   * Queues a `failed` or `dead` operation again: a new attempt series (the history keeps the old
   * attempts, a batch keeps its settled items). Undefined when the operation is in another state.
   */
  async requeue(id: string): Promise<OperationEntity | undefined> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE operations SET status = 'queued', delivery = 'async', next_attempt_at = now(),
         series_attempts = 0, series_started_at = now(), completed_at = NULL,
         response_status = NULL, result = NULL, callback_status = NULL, callback_attempts = 0,
         callback_next_attempt_at = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('failed', 'dead') AND command IS NOT NULL
       RETURNING id`,
      [id],
    );
    if (rowsOf(rows).length === 0) return undefined;
    return (await this.findById(id)) ?? undefined;
  }

  /**
   * An operator's resolution in one transaction: the row is locked, `work` checks it and writes
   * the ledger rows on `em`, and the final state commits with them. Undefined for an unknown id.
   */
  resolveWith<T>(
    id: string,
    work: (row: OperationEntity, em: EntityManager) => Promise<{ value: T; final: OperationFinal }>,
  ): Promise<T | undefined> {
    return this.dataSource.transaction(async (em) => {
      const row = await em
        .getRepository(OperationEntity)
        .createQueryBuilder('o')
        .setLock('pessimistic_write')
        .where('o.id = :id', { id })
        .getOne();
      if (!row) return undefined;
      const { value, final } = await work(row, em);
      await this.finish(id, final, em);
      return value;
    });
  }

  /**
   * True when an earlier attempt at this create (any operation with this provider, kind and
   * reference) may have reached the upstream without the gateway learning its outcome.
   */
  async hadUnknownOutcome(provider: string, kind: string, reference: string): Promise<boolean> {
    const rows: { found: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (
         SELECT 1 FROM operations
         WHERE provider = $1 AND reference = $2 AND kind = $3
           AND history @> '[{"outcomeUnknown": true}]'::jsonb
       ) AS found`,
      [provider, reference, kind],
    );
    return rows[0]?.found === true;
  }

  /**
   * Ends a `running` operation whose lease has passed and that has no command to run again (a
   * row older than commands): `failed`, its key freed, the lost attempt in the history.
   */
  async abandon(id: string, lastError: unknown): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE operations SET status = 'failed', response_status = 500, last_error = $2,
         idempotency_key = NULL, completed_at = now(), updated_at = now(), lease_expires_at = NULL,
         history = history || jsonb_build_array(jsonb_build_object(
           'attempt', attempts, 'at', to_char(started_at AT TIME ZONE 'UTC', ${ISO_UTC}),
           'durationMs', (extract(epoch FROM now() - started_at) * 1000)::int, 'outcome', 'abandoned',
           'outcomeUnknown', true))
       WHERE id = $1 AND status = 'running' AND lease_expires_at < now()
       RETURNING id`,
      [id, jsonParam(lastError)],
    );
    return rowsOf(rows).length === 1;
  }

  /** Frees an expired idempotency record's claim on its key. */
  async releaseExpiredKey(id: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ idempotencyKey: null })
      .where('id = :id AND expires_at <= now()', { id })
      .execute();
  }

  /** Newest first, by (createdAt to the millisecond, id); `limit + 1` rows so the caller knows whether more follow. */
  list(filter: OperationListFilter): Promise<OperationEntity[]> {
    const qb = this.repo.createQueryBuilder('o');
    if (filter.clientId) qb.andWhere('o.client_id = :clientId', { clientId: filter.clientId });
    if (filter.status) qb.andWhere('o.status = :status', { status: filter.status });
    if (filter.kind) qb.andWhere('o.kind = :kind', { kind: filter.kind });
    if (filter.provider) qb.andWhere('o.provider = :provider', { provider: filter.provider });
    if (filter.reference) qb.andWhere('o.reference = :reference', { reference: filter.reference });
    if (filter.errorCode) {
      qb.andWhere("o.last_error ->> 'code' = :errorCode", { errorCode: filter.errorCode });
    }
    // at the millisecond a cursor carries (a JS Date), so no row is skipped between pages
    const at = "date_trunc('milliseconds', o.created_at)";
    if (filter.before) {
      qb.andWhere(`(${at}, o.id) < (:beforeAt, :beforeId)`, {
        beforeAt: filter.before.createdAt,
        beforeId: filter.before.id,
      });
    }
    return qb
      .orderBy(at, 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(filter.limit + 1)
      .getMany();
  }

  // ------------------------------------------------------------------ callbacks

  /**
   * Claims up to `limit` due callbacks: each claim is a delivery attempt, and its due time moves
   * one lease ahead, so a process that dies mid-delivery leaves it to be claimed again.
   */
  async claimCallbacks(limit: number, leaseMs: number): Promise<OperationEntity[]> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE operations o SET callback_attempts = o.callback_attempts + 1,
         callback_next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
       FROM (
         SELECT id FROM operations
         WHERE callback_status = 'pending' AND callback_next_attempt_at <= now()
         ORDER BY callback_next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ) due
       WHERE o.id = due.id
       RETURNING o.*`,
      [limit, leaseMs],
    );
    return rowsOf(rows).map((r) => this.toEntity(r as Record<string, unknown>));
  }

  /**
   * Records one callback delivery attempt: delivered, failed for good, or due again after
   * `retryDelayMs`. Only the claim that made the attempt writes.
   */
  async recordCallback(
    id: string,
    attempt: number,
    outcome: {
      status: 'delivered' | 'failed' | 'pending';
      httpStatus: number | null;
      error: string | null;
      retryDelayMs?: number;
    },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE operations SET callback_status = $3::varchar, callback_last_http_status = $4,
         callback_last_error = $5,
         callback_next_attempt_at = CASE WHEN $3::varchar = 'pending'
           THEN now() + make_interval(secs => $6::double precision / 1000) END
       WHERE id = $1 AND callback_attempts = $2 AND callback_status = 'pending'`,
      [id, attempt, outcome.status, outcome.httpStatus, outcome.error, outcome.retryDelayMs ?? 0],
    );
  }

  // ------------------------------------------------------------------ metrics

  /** Operations waiting or running, per provider and status. */
  async queueDepth(): Promise<QueueDepthRow[]> {
    const rows: { provider: string | null; status: string; count: number }[] =
      await this.dataSource.query(
        `SELECT provider, status, count(*)::int AS count FROM operations
         WHERE status IN ('queued', 'running') GROUP BY provider, status`,
      );
    return rows.map((r) => ({ provider: r.provider ?? 'none', status: r.status, count: r.count }));
  }

  /** Seconds the oldest due `queued` operation of each provider has waited past its due time. */
  async oldestDueAge(): Promise<{ provider: string; seconds: number }[]> {
    const rows: { provider: string | null; seconds: number }[] = await this.dataSource.query(
      `SELECT provider, extract(epoch FROM now() - min(next_attempt_at))::float8 AS seconds
       FROM operations WHERE status = 'queued' AND next_attempt_at <= now() GROUP BY provider`,
    );
    return rows.map((r) => ({ provider: r.provider ?? 'none', seconds: Number(r.seconds) }));
  }
}

/** `pg` answers an UPDATE ... RETURNING through TypeORM as [rows, count]. */
function rowsOf(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
}
