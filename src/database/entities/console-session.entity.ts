import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A console sign-in (docs/console.md): the browser holds a random token in an HttpOnly cookie;
 * only its SHA-256 is stored here. The key it was exchanged for is kept as the SHA-256 the
 * api_clients table already holds, so every request checks the key again (a revoked client's
 * sessions stop working at once); the key itself is never stored.
 */
@Entity('console_sessions')
export class ConsoleSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Hex SHA-256 of the session token. */
  @Index('uq_console_sessions_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  /** Hex SHA-256 of the API key signed in with. */
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Index('ix_console_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Set by sign-out; the session is refused from then on. */
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
