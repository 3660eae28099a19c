import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A secret sealed by the connections key ring (AES-256-GCM, key id and nonce kept with it). */
export interface SealedSecret {
  v: 1;
  kid: string;
  nonce: string;
  data: string;
  tag: string;
}

/**
 * A stored connection: one configured instance of a provider (DESIGN section 11). `settings`
 * hold no secret; `secrets` hold sealed values only, keyed by field name.
 */
@Entity('connections')
@Check('ck_connections_name', `name ~ '^[a-z0-9-]{1,63}$'`)
@Index('uq_connections_default', ['provider'], { unique: true, where: 'is_default AND enabled' })
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_connections_id' })
  id!: string;

  @Index('uq_connections_name', { unique: true })
  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 40 })
  provider!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  secrets!: Record<string, SealedSecret>;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
