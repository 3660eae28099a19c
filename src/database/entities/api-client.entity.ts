import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A named caller of the gateway. Only the SHA-256 of its key is stored. */
@Entity('api_clients')
export class ApiClientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('uq_api_clients_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Hex SHA-256 of the key. */
  @Index('uq_api_clients_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  /** First characters of the key, to recognise it in listings. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes!: string[];

  /** The connections it may use (null: every connection). */
  @Column({ type: 'text', array: true, nullable: true })
  connections!: string[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
