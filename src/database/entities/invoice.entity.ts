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

/** Ledger row for an invoice the gateway created, with the provider's identifiers. */
@Entity('invoices')
@Index('uq_invoices_connection_reference', ['connection', 'reference'], { unique: true })
@Index('ix_invoices_provider_invoice_id', ['provider', 'providerInvoiceId'])
export class InvoiceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  provider!: string;

  /** The connection it was created on (DESIGN.md section 11); its business key's scope. */
  @Column({ type: 'varchar', length: 63 })
  connection!: string;

  @Column({ type: 'varchar', length: 100 })
  reference!: string;

  @Column({ type: 'varchar', length: 40 })
  status!: string;

  @Column({ name: 'provider_invoice_id', type: 'varchar', length: 100, nullable: true })
  providerInvoiceId!: string | null;

  @Column({ name: 'provider_document_number', type: 'varchar', length: 100, nullable: true })
  providerDocumentNumber!: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz', nullable: true })
  issuedAt!: Date | null;

  @Column({ name: 'document_url', type: 'text', nullable: true })
  documentUrl!: string | null;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: decimalTransformer })
  amount!: number;

  @Column({ type: 'char', length: 3, nullable: true })
  currency!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  party!: Record<string, unknown> | null;

  /** SHA-256 of the canonical create request: same reference + other content is a conflict. */
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
