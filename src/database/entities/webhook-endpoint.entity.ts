import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A client's webhook subscription (docs/webhooks.md). The secret signs every delivery; after a
 * rotation the previous one keeps signing beside it until `previousSecretExpiresAt`. Secrets
 * are kept so deliveries can be signed; they never appear in an answer after creation or
 * rotation, in a log line or in an audit row.
 */
@Entity('webhook_endpoints')
@Index('ix_webhook_endpoints_client_id', ['clientId'])
export class WebhookEndpointEntity {
  /** `ep_` + 32 hex digits. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** The owner held `admin`: it receives every client's events and the system events. */
  @Column({ name: 'receives_all', type: 'boolean', default: false })
  receivesAll!: boolean;

  @Column({ type: 'text' })
  url!: string;

  /** Empty: every type. */
  @Column({ name: 'event_types', type: 'text', array: true, default: () => "'{}'" })
  eventTypes!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  secret!: string;

  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  /** The first failed attempt since the last delivered one (disabling counts from here). */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
