import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditDirection = 'inbound' | 'outbound';

/** Append-only record of one inbound request or one outbound attempt. Bodies are redacted. */
@Entity('audit_logs')
@Index('ix_audit_logs_at', ['at'])
@Index('ix_audit_logs_request_id', ['requestId'])
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
}
