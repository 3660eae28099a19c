import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The event outbox (docs/webhooks.md): one row per thing that happened, written in the same
 * transaction as the change that causes it. Operation and ledger events are written by the
 * database itself (the `gateway_operation_events` trigger of migration EventsAndWebhooks), so no
 * settle path can commit a change without its event nor an event without its change.
 */
@Entity('events')
@Index('ix_events_client_id', ['clientId', 'id'])
@Index('ix_events_type', ['type', 'id'])
@Index('ix_events_occurred_at', ['occurredAt'])
export class EventEntity {
  /** `msg_` + 12 hex digits of unix milliseconds + 20 random hex digits: sorts by time. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ type: 'varchar', length: 60 })
  type!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** Whose call caused it; null for system events (circuit changes). */
  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  /** The connection the change went through ('' when none applies). */
  @Column({ type: 'text' })
  connection!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  provider!: string | null;

  /** The operation, invoice, credit note or endpoint the event is about. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb' })
  data!: unknown;
}
