import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One webhook an upstream sent the gateway (a DMS status change), kept whether or not it
 * matched a document in the ledger: an unknown document is never dropped. `deliveryKey` (the
 * `webhook-id`, else the SHA-256 of the raw body) makes a second delivery of the same webhook
 * change nothing.
 */
@Entity('inbound_webhooks')
@Index('uq_inbound_webhooks_delivery', ['connection', 'deliveryKey'], { unique: true })
@Index('ix_inbound_webhooks_matched', ['matched', 'receivedAt'])
export class InboundWebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  connection!: string;

  @Column({ type: 'varchar', length: 40 })
  provider!: string;

  @Column({ name: 'delivery_key', type: 'varchar', length: 128 })
  deliveryKey!: string;

  /** `standard-webhooks` or `x-dms-signature`. */
  @Column({ name: 'signature_scheme', type: 'varchar', length: 20 })
  signatureScheme!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 100, nullable: true })
  event!: string | null;

  @Column({ type: 'varchar', length: 100 })
  status!: string;

  @Column({ name: 'status_date', type: 'timestamptz', nullable: true })
  statusDate!: Date | null;

  /** The identifiers it carried (e_invoice_number, dms_number, credit_note_number). */
  @Column({ type: 'jsonb' })
  identifiers!: Record<string, string>;

  @Column({ type: 'boolean' })
  matched!: boolean;

  /** `invoice` or `credit_note` when matched. */
  @Column({ name: 'document_kind', type: 'varchar', length: 20, nullable: true })
  documentKind!: string | null;

  @Column({ name: 'document_id', type: 'uuid', nullable: true })
  documentId!: string | null;

  /** The body as received (parsed), everything it carried. */
  @Column({ type: 'jsonb' })
  body!: unknown;
}
