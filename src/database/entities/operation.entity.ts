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

/** One attempt at running an operation's command (DESIGN.md section 4). */
export interface OperationAttempt {
  attempt: number;
  /** ISO-8601 start of the attempt. */
  at: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed' | 'abandoned';
  httpStatus?: number;
  code?: string;
  message?: string;
}

/** One mutating call: written before anything is sent upstream, updated after. */
@Entity('operations')
@Index('uq_operations_client_idempotency_key', ['clientId', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
@Index('ix_operations_status_next_attempt', ['status', 'nextAttemptAt'])
@Index('ix_operations_provider_reference', ['provider', 'reference'])
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

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the canonical request (method, path, body). */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

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

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError!: unknown;

  /** The answer given to the caller: HTTP status and body. */
  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: unknown;

  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl!: string | null;

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
