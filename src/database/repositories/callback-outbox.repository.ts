import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { OperationEntity } from '../entities/operation.entity';
import { statement } from '../sql';

const CLAIM = statement(
  'callback_claim',
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
);

const RECORD = statement(
  'callback_record',
  `UPDATE operations SET callback_status = $3::varchar, callback_last_http_status = $4,
     callback_last_error = $5,
     callback_next_attempt_at = CASE WHEN $3::varchar = 'pending'
       THEN now() + make_interval(secs => $6::double precision / 1000) END
   WHERE id = $1 AND callback_attempts = $2 AND callback_status = 'pending'`,
);

/**
 * The callback outbox: a finished operation with a callback URL is due for delivery (its
 * columns on the operation row, set in the same statement that ends the operation).
 */
@Injectable()
export class CallbackOutboxRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => OperationEntity;

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(OperationEntity);
  }

  /**
   * Claims up to `limit` due callbacks: each claim is a delivery attempt, and its due time moves
   * one lease ahead, so a process that dies mid-delivery leaves it to be claimed again.
   */
  async claim(limit: number, leaseMs: number): Promise<OperationEntity[]> {
    const rows = await this.db.run(CLAIM, [limit, leaseMs]);
    return rows.map(this.toEntity);
  }

  /**
   * Records one callback delivery attempt: delivered, failed for good, or due again after
   * `retryDelayMs`. Only the claim that made the attempt writes.
   */
  async record(
    id: string,
    attempt: number,
    outcome: {
      status: 'delivered' | 'failed' | 'pending';
      httpStatus: number | null;
      error: string | null;
      retryDelayMs?: number;
    },
  ): Promise<void> {
    await this.db.run(RECORD, [
      id,
      attempt,
      outcome.status,
      outcome.httpStatus,
      outcome.error,
      outcome.retryDelayMs ?? 0,
    ]);
  }
}
