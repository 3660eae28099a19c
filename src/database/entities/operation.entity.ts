import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'dead'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** One attempt at running an operation's command (docs/async.md). */
export interface OperationAttempt {
  attempt: number;
  /** ISO-8601 start of the attempt. */
  at: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed' | 'abandoned';
  httpStatus?: number;
  code?: string;
  message?: string;
  /**
   * The upstream may hold what this attempt sent although no answer said so (a timeout or a
   * reset after sending, a lost process): a later "already exists" is then no proof of anything.
   */
  outcomeUnknown?: boolean;
  /** Batch items this attempt sent, and how many of them it settled. */
  sent?: number;
  settled?: number;
}

/** How a call was accepted: answered inline (sync) or with 202 and delivered by the worker. */
export type OperationDelivery = 'sync' | 'async';

export const CALLBACK_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** An operator's record of an outcome settled outside the gateway. */
export interface OperationResolution {
  by: string;
  at: string;
  note: string;
}

/** One mutating call: written before anything is sent upstream, updated after. */
@Entity('operations')
@Index('uq_operations_client_idempotency_key', ['clientId', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
@Index('ix_operations_status_next_attempt', ['status', 'nextAttemptAt'])
@Index('ix_operations_provider_reference', ['provider', 'reference'])
@Index('ix_operations_queued_due', ['provider', 'nextAttemptAt'], { where: "status = 'queued'" })
@Index('ix_operations_running_lease', ['leaseExpiresAt'], { where: "status = 'running'" })
@Index('ix_operations_callback_due', ['callbackNextAttemptAt'], {
  where: "callback_status = 'pending'",
})
@Index('ix_operations_created', ['createdAt', 'id'])
@Index('ix_operations_connection_status', ['connection', 'status'])
export class OperationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 60 })
  kind!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  provider!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reference!: string | null;

  /** The connection it runs on (set from the command's `connection` on insert). */
  @Column({ type: 'varchar', length: 63, nullable: true })
  connection!: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the canonical request (method, path, body). */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** W3C traceparent of the request that accepted it: its deliveries are spans linked to it. */
  @Column({ type: 'varchar', length: 55, nullable: true })
  traceparent!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OperationStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /**
   * What to run: the command (src/operations/commands.ts), plain JSON that needs no HTTP
   * request, so any process can run it again. Null only on rows older than commands.
   */
  @Column({ type: 'jsonb', nullable: true })
  command!: unknown;

  /** Every attempt so far, oldest first. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  history!: OperationAttempt[];

  /** A `running` operation whose lease has passed has lost its process. */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  /**
   * The instance number of the process that runs it (or ran its last attempt): a `running`
   * operation whose owner no longer holds its liveness mark has lost its process at once, before
   * its lease ends (src/database/liveness.ts). Null: the lease alone decides.
   */
  @Column({ type: 'int', nullable: true })
  owner!: number | null;

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError!: unknown;

  /** The answer given to the caller: HTTP status and body. */
  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @Column({ type: 'varchar', length: 8, default: 'sync' })
  delivery!: OperationDelivery;

  /** Attempts since the operation was accepted or last replayed (ASYNC_MAX_ATTEMPTS counts these). */
  @Column({ name: 'series_attempts', type: 'int', default: 0 })
  seriesAttempts!: number;

  /** When the operation was accepted or last replayed (ASYNC_MAX_AGE_HOURS counts from here). */
  @Column({ name: 'series_started_at', type: 'timestamptz', default: () => 'now()' })
  seriesStartedAt!: Date;

  /**
   * A batch's per-item fate across attempts, in input order: null for an item not settled yet,
   * else its result with the attempt that settled it.
   */
  @Column({ type: 'jsonb', nullable: true })
  progress!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  resolution!: OperationResolution | null;

  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl!: string | null;

  /** Null until the operation ends (or without a callback URL). */
  @Column({ name: 'callback_status', type: 'varchar', length: 16, nullable: true })
  callbackStatus!: CallbackStatus | null;

  @Column({ name: 'callback_attempts', type: 'int', default: 0 })
  callbackAttempts!: number;

  @Column({ name: 'callback_last_http_status', type: 'int', nullable: true })
  callbackLastHttpStatus!: number | null;

  @Column({ name: 'callback_last_error', type: 'text', nullable: true })
  callbackLastError!: string | null;

  /** When a pending callback is due; while one is being sent, the end of its lease. */
  @Column({ name: 'callback_next_attempt_at', type: 'timestamptz', nullable: true })
  callbackNextAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** Idempotency records are kept until this time. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
