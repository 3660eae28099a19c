import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { InvoiceEntity } from '../entities/invoice.entity';
import { OperationEntity, type OperationStatus } from '../entities/operation.entity';
import { ownerGone } from '../liveness';
import { jsonParam, type Session, type Statement, statement } from '../sql';
import { type DocumentWrite, documentParams, documentWriteCtes } from './documents.repository';
import { type NewInvoice, type NewInvoiceRow, redactedRow } from './invoices.repository';
import {
  type AttemptFence,
  FINISH,
  ISO_UTC,
  LostLeaseError,
  OPERATION_BY_ID,
  type OperationFinal,
  type OperationRetry,
  succeededSet,
} from './operation-rows';

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

/**
 * A `running` operation another process may take over: its lease passed, or its owner (not
 * `self`, the claiming process) holds no liveness mark. The mark is looked up only for rows
 * whose lease has not passed and whose owner is another process.
 */
const abandonedWhere = (self: string) =>
  `o.status = 'running' AND o.command IS NOT NULL AND (o.lease_expires_at < now()
     OR (o.owner IS NOT NULL AND o.owner <> ${self} AND ${ownerGone('o.owner')}))`;

/**
 * The history of a taken-over operation: the lost attempt appended as abandoned, its outcome
 * unknown (so an uncertain create is settled by the same rules whether its process died or its
 * lease ran out).
 */
const ABANDONED_HISTORY = `o.history || jsonb_build_array(jsonb_build_object(
    'attempt', o.attempts, 'at', to_char(o.updated_at AT TIME ZONE 'UTC', ${ISO_UTC}),
    'durationMs', GREATEST(0, (extract(epoch FROM LEAST(o.lease_expires_at, now()) - o.updated_at) * 1000)::int),
    'outcome', 'abandoned', 'outcomeUnknown', true,
    'message', 'the process running this attempt stopped before recording an outcome'))`;

/** A new attempt under a lease of `leaseMs` ms, owned by the process numbered `owner`. */
const newAttempt = (leaseMs: string, owner: string) =>
  `attempts = o.attempts + 1, series_attempts = o.series_attempts + 1,
   lease_expires_at = now() + make_interval(secs => ${leaseMs}::double precision / 1000),
   owner = ${owner}, updated_at = now()`;

/**
 * Queued operations due now and abandoned ones (taken over first: a caller may be waiting for a
 * sync call), at most $2, each claimed as a new attempt owned by $4.
 */
const CLAIM_DUE = statement(
  'operation_claim_due',
  `WITH queued AS (
     SELECT id, 1 AS rank, next_attempt_at AS due_at FROM operations
     WHERE provider = $1 AND status = 'queued' AND next_attempt_at <= now()
       AND command IS NOT NULL AND ($5::text IS NULL OR connection = $5)
     ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
   ), abandoned AS (
     SELECT o.id, 0 AS rank, o.lease_expires_at AS due_at FROM operations o
     WHERE o.provider = $1 AND ($5::text IS NULL OR o.connection = $5) AND ${abandonedWhere('$4')}
     ORDER BY o.lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
   )
   UPDATE operations o SET
     history = CASE WHEN o.status = 'running' THEN ${ABANDONED_HISTORY} ELSE o.history END,
     status = 'running', ${newAttempt('$3', '$4')},
     started_at = COALESCE(o.started_at, now()), next_attempt_at = NULL
   FROM (
     SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM abandoned) candidates
     ORDER BY rank, due_at LIMIT $2
   ) due
   WHERE o.id = due.id
   RETURNING o.*`,
);

/** One abandoned operation taken over by id (a retry of its call), as CLAIM_DUE would. */
const TAKE_OVER = statement(
  'operation_take_over',
  `UPDATE operations o SET history = ${ABANDONED_HISTORY}, ${newAttempt('$2', '$3')}
   WHERE o.id = $1 AND ${abandonedWhere('$3')}
   RETURNING o.*`,
);

const RETRY_LATER = statement(
  'operation_retry_later',
  `UPDATE operations SET status = 'queued', lease_expires_at = NULL, last_error = $3,
     next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
     history = CASE WHEN $5::jsonb IS NULL THEN history ELSE history || jsonb_build_array($5::jsonb) END,
     attempts = attempts - CASE WHEN $6 THEN 1 ELSE 0 END,
     series_attempts = series_attempts - CASE WHEN $6 THEN 1 ELSE 0 END,
     progress = COALESCE($7::jsonb, progress), updated_at = now()
   WHERE id = $1 AND status = 'running' AND attempts = $2
   RETURNING id`,
);

const REQUEUE = statement(
  'operation_requeue',
  `UPDATE operations SET status = 'queued', delivery = 'async', next_attempt_at = now(),
     series_attempts = 0, series_started_at = now(), completed_at = NULL,
     response_status = NULL, result = NULL, callback_status = NULL, callback_attempts = 0,
     callback_next_attempt_at = NULL, updated_at = now()
   WHERE id = $1 AND status IN ('failed', 'dead') AND command IS NOT NULL
   RETURNING *`,
);

const LOCK_FOR_RESOLVE = statement(
  'operation_lock',
  'SELECT o.* FROM operations o WHERE o.id = $1 FOR UPDATE',
);

const HAD_UNKNOWN_OUTCOME = statement(
  'operation_had_unknown_outcome',
  `SELECT EXISTS (
     SELECT 1 FROM operations
     WHERE provider = $1 AND reference = $2 AND kind = $3 AND connection = $4
       AND history @> '[{"outcomeUnknown": true}]'::jsonb
   ) AS found`,
);

const QUEUE_DEPTH = statement(
  'operation_queue_depth',
  `SELECT provider, status, count(*)::int AS count FROM operations
   WHERE status IN ('queued', 'running') GROUP BY provider, status`,
);

const OLDEST_DUE = statement(
  'operation_oldest_due',
  `SELECT provider, extract(epoch FROM now() - min(next_attempt_at))::float8 AS seconds
   FROM operations WHERE status = 'queued' AND next_attempt_at <= now() GROUP BY provider`,
);

/** The list filters, in the order of their bit in a list statement's name. */
const LIST_FILTERS = [
  ['clientId', 'o.client_id'],
  ['status', 'o.status'],
  ['kind', 'o.kind'],
  ['provider', 'o.provider'],
  ['reference', 'o.reference'],
  ['errorCode', "o.last_error ->> 'code'"],
] as const;
/** At the millisecond a cursor carries (a JS Date), so no row is skipped between pages. */
const AT = "date_trunc('milliseconds', o.created_at)";

/**
 * The operations queue: the row is the queue (no second source of truth). Claims (`FOR UPDATE
 * SKIP LOCKED` under a lease), fenced finishes and retries, the settle of an attempt with its
 * ledger rows in one transaction (or, for a created invoice, one statement), requeues, reads.
 */
@Injectable()
export class OperationQueueRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => OperationEntity;
  private readonly settleCreated: Statement;
  private readonly listStatements = new Map<number, Statement>();
  private readonly invoiceValues: (row: NewInvoiceRow) => unknown[];

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(OperationEntity);
    // the invoice insert's columns come from the invoice entity: no second column list
    const invoice = db.insertOf(InvoiceEntity);
    const documentsFrom = 6 + invoice.columns.split(',').length;
    this.settleCreated = statement(
      'operation_settle_created_invoice',
      `WITH fence AS (
         SELECT id FROM operations WHERE id = $1 AND status = 'running' AND attempts = $2 FOR UPDATE
       ), ins AS (
         INSERT INTO ${invoice.table} ${invoice.columns}
         SELECT ${invoice.placeholders(6)} FROM fence
         ON CONFLICT DO NOTHING
         RETURNING id
       ), fin AS (
         UPDATE operations SET ${succeededSet(3)}
         WHERE id = $1 AND EXISTS (SELECT 1 FROM ins)
         RETURNING id
       ), ${documentWriteCtes(documentsFrom, 'fin')}
       SELECT EXISTS (SELECT 1 FROM fence) AS fenced, EXISTS (SELECT 1 FROM fin) AS inserted`,
    );
    this.invoiceValues = (row) => invoice.values({ statusHistory: null, ...redactedRow(row) });
  }

  async findById(id: string, session?: Session): Promise<OperationEntity | null> {
    const rows = await this.db.run(OPERATION_BY_ID, [id], session);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  /**
   * A created invoice's outcome in one statement (one round trip, one commit): the ledger row is
   * inserted and the operation ends `succeeded` with `final`, only while the attempt still holds
   * the row (the fence, locked for the statement), and only if the reference was free. Answers
   * `lost` (nothing written), `taken` (a concurrent create holds the reference: nothing written,
   * the caller settles against that row) or `settled`. The upstream answer is stored
   * redacted. `documents` are written with the row (documents.repository.ts), only if it is.
   */
  async settleCreatedInvoice(
    fence: AttemptFence,
    row: NewInvoice & { id: string; createdAt: Date; updatedAt?: Date },
    final: OperationFinal,
    session?: Session,
    documents: DocumentWrite[] = [],
  ): Promise<'settled' | 'taken' | 'lost'> {
    const rows = await this.db.run<{ fenced: boolean; inserted: boolean }>(
      this.settleCreated,
      [
        fence.id,
        fence.attempt,
        final.responseStatus,
        jsonParam(final.result),
        final.attempt ? JSON.stringify(final.attempt) : null,
        ...this.invoiceValues({ ...row, updatedAt: row.updatedAt ?? row.createdAt }),
        ...documentParams(documents, fence.id),
      ],
      session,
    );
    const outcome = rows[0];
    if (!outcome?.fenced) return 'lost';
    return outcome.inserted ? 'settled' : 'taken';
  }

  /**
   * Claims up to `limit` due operations of a provider (of one of its connections, when
   * `connection` is given) for this process (`owner`, its instance
   * number): `queued` ones whose time has come, and abandoned `running` ones (their process
   * died: its liveness mark is gone, or the lease passed), those first. Each claim is an attempt;
   * a lost attempt is written to the history as abandoned, its outcome unknown.
   * `FOR UPDATE SKIP LOCKED`: replicas claiming at once never get the same row. Each kind of
   * candidate is read in its own partial index's order, at most `limit` of each, so a claim costs
   * the same with a backlog of millions as with an empty queue.
   */
  async claimDue(
    provider: string,
    limit: number,
    leaseMs: number,
    owner: number | null = null,
    connection: string | null = null,
  ): Promise<OperationEntity[]> {
    const rows = await this.db.run(CLAIM_DUE, [provider, limit, leaseMs, owner, connection]);
    return rows.map(this.toEntity);
  }

  /**
   * Takes one abandoned operation over by id, as a claim would (see claimDue): for a retry of
   * a sync call whose process died, run by the process the retry reached. Undefined when the
   * operation is not (or no longer) abandoned: another process took it, or its owner lives.
   */
  async takeOver(id: string, leaseMs: number, owner: number): Promise<OperationEntity | undefined> {
    const rows = await this.db.run(TAKE_OVER, [id, leaseMs, owner]);
    return rows[0] ? this.toEntity(rows[0]) : undefined;
  }

  /**
   * Stores how an attempt ended: status, answer, error, the attempt appended to the history,
   * lease dropped, the callback (if any) due now. On `session` inside a transaction, to commit
   * it with the ledger rows it produced. With a fence, only the attempt holding the row writes;
   * the answer says whether it did.
   */
  async finish(
    id: string,
    final: OperationFinal,
    fence?: AttemptFence,
    session?: Session,
  ): Promise<boolean> {
    const rows = await this.db.run(
      FINISH,
      [
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
      ],
      session,
    );
    return rows.length === 1;
  }

  /**
   * Runs `work` and stores the operation's final state in one transaction (on `session` when
   * given: the connection holding a key's lock): the ledger rows `work` writes on the session it
   * is given commit together with the outcome, or not at all (also when the attempt lost its
   * claim meanwhile: LostLeaseError).
   */
  settle<T>(
    fence: AttemptFence,
    work: (session: Session) => Promise<{ value: T; final: OperationFinal }>,
    session?: Session,
  ): Promise<T> {
    return this.db.tx(async (tx) => {
      const { value, final } = await work(tx);
      if (!(await this.finish(fence.id, final, fence, tx))) throw new LostLeaseError(fence.id);
      return value;
    }, session);
  }

  /** Puts a claimed operation back in the queue for a later attempt. False when the claim was lost. */
  async retryLater(fence: AttemptFence, retry: OperationRetry): Promise<boolean> {
    const rows = await this.db.run(RETRY_LATER, [
      fence.id,
      fence.attempt,
      jsonParam(retry.lastError),
      Math.max(0, Math.round(retry.delayMs)),
      retry.attempt ? JSON.stringify(retry.attempt) : null,
      retry.attempt === null,
      jsonParam(retry.progress),
    ]);
    return rows.length === 1;
  }

  /**
   * Queues a `failed` or `dead` operation again: a new attempt series (the history keeps the old
   * attempts, a batch keeps its settled items). Undefined when the operation is in another state.
   */
  async requeue(id: string): Promise<OperationEntity | undefined> {
    const rows = await this.db.run(REQUEUE, [id]);
    return rows[0] ? this.toEntity(rows[0]) : undefined;
  }

  /**
   * An operator's resolution in one transaction: the row is locked, `work` checks it and writes
   * the ledger rows on the session, and the final state commits with them. Undefined for an
   * unknown id.
   */
  resolveWith<T>(
    id: string,
    work: (row: OperationEntity, session: Session) => Promise<{ value: T; final: OperationFinal }>,
  ): Promise<T | undefined> {
    return this.db.tx(async (tx) => {
      const rows = await this.db.run(LOCK_FOR_RESOLVE, [id], tx);
      if (!rows[0]) return undefined;
      const { value, final } = await work(this.toEntity(rows[0]), tx);
      await this.finish(id, final, undefined, tx);
      return value;
    });
  }

  /**
   * True when an earlier attempt at this create (any operation with this provider, connection,
   * kind and reference) may have reached the upstream without the gateway learning its outcome.
   */
  async hadUnknownOutcome(
    provider: string,
    connection: string,
    kind: string,
    reference: string,
    session?: Session,
  ): Promise<boolean> {
    const rows = await this.db.run<{ found: boolean }>(
      HAD_UNKNOWN_OUTCOME,
      [provider, reference, kind, connection],
      session,
    );
    return rows[0]?.found === true;
  }

  /** Newest first, by (createdAt to the millisecond, id); `limit + 1` rows so the caller knows whether more follow. */
  async list(filter: OperationListFilter): Promise<OperationEntity[]> {
    let mask = 0;
    const values: unknown[] = [];
    const where: string[] = [];
    LIST_FILTERS.forEach(([key, column], bit) => {
      const value = filter[key];
      if (!value) return;
      mask |= 1 << bit;
      values.push(value);
      where.push(`${column} = $${values.length}`);
    });
    if (filter.before) {
      mask |= 1 << LIST_FILTERS.length;
      values.push(filter.before.createdAt, filter.before.id);
      where.push(`(${AT}, o.id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(filter.limit + 1);
    const rows = await this.db.run(this.listStatement(mask, where, values.length), values);
    return rows.map(this.toEntity);
  }

  /** Operations waiting or running, per provider and status. */
  async queueDepth(): Promise<QueueDepthRow[]> {
    const rows = await this.db.run<{ provider: string | null; status: string; count: number }>(
      QUEUE_DEPTH,
      [],
    );
    return rows.map((r) => ({ provider: r.provider ?? 'none', status: r.status, count: r.count }));
  }

  /** Seconds the oldest due `queued` operation of each provider has waited past its due time. */
  async oldestDueAge(): Promise<{ provider: string; seconds: number }[]> {
    const rows = await this.db.run<{ provider: string | null; seconds: number }>(OLDEST_DUE, []);
    return rows.map((r) => ({ provider: r.provider ?? 'none', seconds: Number(r.seconds) }));
  }

  /** One prepared statement per combination of filters (named by its bits). */
  private listStatement(mask: number, where: string[], limitParam: number): Statement {
    let st = this.listStatements.get(mask);
    if (!st) {
      st = statement(
        `operation_list_${mask}`,
        `SELECT o.* FROM operations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${AT} DESC, o.id DESC LIMIT $${limitParam}`,
      );
      this.listStatements.set(mask, st);
    }
    return st;
  }
}
