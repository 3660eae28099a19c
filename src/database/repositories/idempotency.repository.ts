import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { InvoiceEntity } from '../entities/invoice.entity';
import { OperationEntity } from '../entities/operation.entity';
import { ownerGone } from '../liveness';
import { jsonParam, statement } from '../sql';
import { ISO_UTC, type NewOperation } from './operation-rows';

const INSERT_VALUES = `INSERT INTO operations (client_id, kind, provider, reference,
     idempotency_key, request_hash, request_id, command, callback_url, expires_at, status, delivery,
     attempts, series_attempts, started_at, lease_expires_at, next_attempt_at, traceparent, owner)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
   ON CONFLICT DO NOTHING
   RETURNING id, created_at, connection`;

const INSERT_OPERATION = statement('operation_insert', INSERT_VALUES);

/**
 * The insert of an invoice create, and in the same statement (one snapshot, one round trip) the
 * ledger row that already holds its reference, if any: what the handler would read first.
 */
const INSERT_OPERATION_READING_INVOICE = statement(
  'operation_insert_reading_invoice',
  `WITH op AS (${INSERT_VALUES})
   SELECT op.id AS "opId", op.created_at AS "opCreatedAt", op.connection AS "opConnection", i.*
   FROM op LEFT JOIN invoices i ON i.connection = op.connection AND i.reference = $4`,
);

/**
 * The holder of a key, and whether it is abandoned: `running` with its lease passed, or with an
 * owner other than this process ($3) that holds no liveness mark. The mark is only looked up for
 * a running row whose lease has not passed (CASE keeps the order).
 */
const BY_KEY = statement(
  'operation_by_key',
  `SELECT o.*, CASE
       WHEN o.status <> 'running' THEN false
       WHEN o.lease_expires_at < now() THEN true
       WHEN o.owner IS NULL OR o.owner = $3 THEN false
       ELSE ${ownerGone('o.owner')}
     END AS abandoned
   FROM operations o WHERE o.client_id = $1 AND o.idempotency_key = $2`,
);

const RELEASE_EXPIRED_KEY = statement(
  'operation_release_expired_key',
  'UPDATE operations SET idempotency_key = NULL WHERE id = $1 AND expires_at <= now()',
);

const ABANDON = statement(
  'operation_abandon',
  `UPDATE operations SET status = 'failed', response_status = 500, last_error = $2,
     idempotency_key = NULL, completed_at = now(), updated_at = now(), lease_expires_at = NULL,
     history = history || jsonb_build_array(jsonb_build_object(
       'attempt', attempts, 'at', to_char(started_at AT TIME ZONE 'UTC', ${ISO_UTC}),
       'durationMs', (extract(epoch FROM now() - started_at) * 1000)::int, 'outcome', 'abandoned',
       'outcomeUnknown', true))
   WHERE id = $1 AND status = 'running' AND lease_expires_at < now()
   RETURNING id`,
);

type InsertState = Pick<
  OperationEntity,
  | 'status'
  | 'delivery'
  | 'attempts'
  | 'seriesAttempts'
  | 'startedAt'
  | 'leaseExpiresAt'
  | 'nextAttemptAt'
  | 'owner'
>;

/**
 * Idempotency: an operation row claims its (client, Idempotency-Key) pair as it is inserted;
 * a taken key is looked up, an expired one freed, a holder that died without a command ended.
 */
@Injectable()
export class IdempotencyRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => OperationEntity;
  private readonly toInvoice: (raw: Record<string, unknown>) => InvoiceEntity;

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(OperationEntity);
    this.toInvoice = db.mapper(InvoiceEntity);
  }

  /**
   * Inserts a `running` operation (attempt 1) under a lease: a sync call. With an idempotency
   * key the insert is conditional on the (client, key) pair being free: undefined means another
   * holds it. With `readInvoice` (an invoice create: provider and reference set) it also answers,
   * from the same snapshot, the ledger row holding the reference (null: none). `owner`: this
   * process's instance number while it holds its liveness mark (null: the lease alone applies).
   */
  async insertRunning(
    init: NewOperation,
    leaseMs: number,
    readInvoice: boolean,
    owner: number | null = null,
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
      owner,
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
      owner: null,
    }).then((claimed) => claimed?.operation);
  }

  /**
   * The operation holding a key, and whether it is abandoned (see BY_KEY): its lease passed, or
   * its owner, another process than `self` (this process's instance number), is gone.
   */
  async findByKey(
    clientId: string,
    idempotencyKey: string,
    self: number | null = null,
  ): Promise<{ operation: OperationEntity; abandoned: boolean } | null> {
    const rows = await this.db.run(BY_KEY, [clientId, idempotencyKey, self]);
    const row = rows[0];
    return row ? { operation: this.toEntity(row), abandoned: row.abandoned === true } : null;
  }

  /** Frees an expired idempotency record's claim on its key. */
  async releaseExpiredKey(id: string): Promise<void> {
    await this.db.run(RELEASE_EXPIRED_KEY, [id]);
  }

  /**
   * Ends a `running` operation whose lease has passed and that has no command to run again (a
   * row older than commands): `failed`, its key freed, the lost attempt in the history.
   */
  async abandon(id: string, lastError: unknown): Promise<boolean> {
    const rows = await this.db.run(ABANDON, [id, jsonParam(lastError)]);
    return rows.length === 1;
  }

  private async insert(
    init: NewOperation,
    readInvoice: boolean,
    state: InsertState,
  ): Promise<{ operation: OperationEntity; invoice?: InvoiceEntity | null } | undefined> {
    const rows = await this.db.run(
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
        init.traceparent,
        state.owner,
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    const id = (readInvoice ? row.opId : row.id) as string;
    const createdAt = (readInvoice ? row.opCreatedAt : row.created_at) as Date;
    const connection = (readInvoice ? row.opConnection : row.connection) as string | null;
    const operation = Object.assign(new OperationEntity(), init, state, {
      id,
      connection,
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
}
