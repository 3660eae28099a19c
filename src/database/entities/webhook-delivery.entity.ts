import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One attempt at a delivery, as the deliveries route shows it. */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
}

/**
 * One event due to one endpoint (fanned out by the `gateway_event_deliveries` trigger in the
 * event's own transaction). The worker claims due rows with `FOR UPDATE SKIP LOCKED`; a claim
 * moves `nextAttemptAt` one lease ahead, so a delivery whose process died is claimed again.
 */
@Entity('webhook_deliveries')
@Index('ix_webhook_deliveries_due', ['nextAttemptAt'], { where: "status = 'pending'" })
@Index('ix_webhook_deliveries_endpoint', ['endpointId', 'createdAt'])
@Index('ix_webhook_deliveries_event', ['eventId'])
export class WebhookDeliveryEntity {
  /** `dlv_` + 32 hex digits. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 40 })
  endpointId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_http_status', type: 'int', nullable: true })
  lastHttpStatus!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'attempt_log', type: 'jsonb', default: () => "'[]'" })
  attemptLog!: DeliveryAttempt[];

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
