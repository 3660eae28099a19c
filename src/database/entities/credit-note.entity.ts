import type { StatusChange } from './status-change';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { decimalTransformer } from './decimal.transformer';

/** Ledger row for a credit note; one per invoice and connection. */
@Entity('credit_notes')
@Index('uq_credit_notes_connection_invoice', ['connection', 'providerInvoiceId'], {
  unique: true,
})
@Index('ix_credit_notes_invoice_id', ['invoiceId'])
export class CreditNoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  provider!: string;

  /** The connection it was created on (DESIGN.md section 11); its business key's scope. */
  @Column({ type: 'varchar', length: 63 })
  connection!: string;

  @Column({ type: 'varchar', length: 100 })
  reference!: string;

  /** The ledger invoice, when the gateway knows it. */
  @Column({ name: 'invoice_id', type: 'uuid', nullable: true })
  invoiceId!: string | null;

  @Column({ name: 'provider_invoice_id', type: 'varchar', length: 100 })
  providerInvoiceId!: string;

  @Column({ name: 'provider_credit_note_id', type: 'varchar', length: 100, nullable: true })
  providerCreditNoteId!: string | null;

  @Column({ type: 'varchar', length: 40 })
  status!: string;

  @Column({ name: 'issued_at', type: 'timestamptz', nullable: true })
  issuedAt!: Date | null;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: decimalTransformer })
  amount!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  party!: Record<string, unknown> | null;

  @Column({ name: 'document_url', type: 'text', nullable: true })
  documentUrl!: string | null;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'jsonb' })
  request!: unknown;

  @Column({ name: 'upstream_response', type: 'jsonb', nullable: true })
  upstreamResponse!: unknown;

  @Column({ type: 'boolean', default: false })
  mock!: boolean;

  @Column({ name: 'operation_id', type: 'uuid', nullable: true })
  operationId!: string | null;

  /** Status changes the upstream reported (its webhooks), oldest first; null: none yet. */
  @Column({ name: 'status_history', type: 'jsonb', nullable: true })
  statusHistory!: StatusChange[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
