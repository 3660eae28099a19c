import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type AuditDirection = 'inbound' | 'outbound';

/**
 * Append-only record of one inbound request or one outbound attempt. Bodies are redacted.
 * Every row the writer stores is a link of its process's hash chain (src/audit/chain): the chain
 * fields are nullable only so that a row inserted by other means is visible to the verifier as
 * an unchained row instead of being refused without a trace.
 */
@Entity('audit_logs')
@Index('uq_audit_logs_chain_seq', ['chainId', 'seq'], { unique: true })
@Index('ix_audit_logs_unchained', ['id'], { where: 'chain_id IS NULL' })
@Index('ix_audit_logs_at', ['at'])
@Index('ix_audit_logs_request_id', ['requestId'])
@Index('ix_audit_logs_trace_id', ['traceId'])
@Index('ix_audit_logs_provider_at', ['provider', 'at'])
@Index('ix_audit_logs_operation_at', ['operation', 'at'])
@Index('ix_audit_logs_outcome_at', ['outcome', 'at'])
@Index('ix_audit_logs_reference', ['reference'])
@Index('ix_audit_logs_operation_id', ['operationId'])
export class AuditLogEntity {
  /** Monotonic id: the paging cursor. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** W3C trace id (32 hex digits) of the request or attempt; hashed when set. */
  @Column({ name: 'trace_id', type: 'varchar', length: 32, nullable: true })
  traceId!: string | null;

  /** The connection the call ran on, when it has one; hashed when set (like traceId). */
  @Column({ type: 'varchar', length: 63, nullable: true })
  connection!: string | null;

  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  @Column({ name: 'client_name', type: 'varchar', length: 100, nullable: true })
  clientName!: string | null;

  @Column({ type: 'varchar', length: 8 })
  direction!: AuditDirection;

  @Column({ type: 'varchar', length: 40, nullable: true })
  provider!: string | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  operation!: string | null;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'int', nullable: true })
  status!: number | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'int', nullable: true })
  attempt!: number | null;

  @Column({ type: 'varchar', length: 32 })
  outcome!: string;

  @Column({ name: 'error_code', type: 'varchar', length: 100, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'operation_id', type: 'uuid', nullable: true })
  operationId!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reference!: string | null;

  @Column({ name: 'request_body', type: 'jsonb', nullable: true })
  requestBody!: unknown;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  /** The writer (one per process instance) whose chain holds this row. */
  @Column({ name: 'chain_id', type: 'uuid', nullable: true })
  chainId!: string | null;

  /** Position in the chain: 1, 2, 3, ... without gaps. */
  @Column({ type: 'bigint', nullable: true })
  seq!: string | null;

  /** hash of the previous row of the chain (seq 1: of the row named by follows*). */
  @Column({ name: 'prev_hash', type: 'char', length: 64, nullable: true })
  prevHash!: string | null;

  /** SHA-256 over the canonical JSON of this row's content and prevHash. */
  @Column({ type: 'char', length: 64, nullable: true })
  hash!: string | null;

  /** Only on seq 1: the chain and seq of the newest chained row when this chain started. */
  @Column({ name: 'follows_chain_id', type: 'uuid', nullable: true })
  followsChainId!: string | null;

  @Column({ name: 'follows_seq', type: 'bigint', nullable: true })
  followsSeq!: string | null;
}

/** What retention removed from the start of a chain: its last removed row. */
@Entity('audit_chain_anchors')
export class AuditChainAnchorEntity {
  @PrimaryColumn({ name: 'chain_id', type: 'uuid' })
  chainId!: string;

  /** seq of the last removed row: the first kept row has seq + 1 and prevHash = hash. */
  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;

  @Column({ name: 'removed_rows', type: 'bigint', default: 0 })
  removedRows!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
