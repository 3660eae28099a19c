import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Db } from '../db';
import { ConnectionEntity, type SealedSecret } from '../entities/connection.entity';
import { jsonParam, type Session, statement } from '../sql';

export type NewConnection = Pick<
  ConnectionEntity,
  'name' | 'provider' | 'settings' | 'secrets' | 'isDefault'
>;

export interface ConnectionChange {
  settings?: Record<string, unknown>;
  secrets?: Record<string, SealedSecret>;
  enabled?: boolean;
  isDefault?: boolean;
}

const LIST = statement('connection_list', 'SELECT c.* FROM connections c ORDER BY c.name');
const BY_NAME = statement('connection_by_name', 'SELECT c.* FROM connections c WHERE c.name = $1');
const BY_NAME_FOR_UPDATE = statement(
  'connection_by_name_for_update',
  'SELECT c.* FROM connections c WHERE c.name = $1 FOR UPDATE',
);
const INSERT = statement(
  'connection_insert',
  `INSERT INTO connections (id, name, provider, settings, secrets, is_default, enabled, version)
   VALUES ($1, $2, $3, $4, $5, $6, true, 1)
   ON CONFLICT (name) DO NOTHING
   RETURNING *`,
);
const UPDATE = statement(
  'connection_update',
  `UPDATE connections SET settings = $2, secrets = $3, enabled = $4, is_default = $5,
     version = version + 1, updated_at = now()
   WHERE name = $1
   RETURNING *`,
);
/** Another default of the provider stops being one (at most one default per provider). */
const CLEAR_DEFAULT = statement(
  'connection_clear_default',
  `UPDATE connections SET is_default = false, version = version + 1, updated_at = now()
   WHERE provider = $1 AND is_default AND name <> $2`,
);
const RESEAL = statement(
  'connection_reseal',
  `UPDATE connections SET secrets = $3, updated_at = now()
   WHERE name = $1 AND version = $2
   RETURNING name`,
);
/** Changes whenever a row is added, changed or removed: what the refresh poll compares. */
const FINGERPRINT = statement(
  'connection_fingerprint',
  `SELECT count(*)::text || ':' || coalesce(sum(version), 0)::text || ':' ||
     coalesce(max(extract(epoch FROM updated_at)), 0)::text AS fingerprint
   FROM connections`,
);
const NOTIFY = statement('connection_notify', `SELECT pg_notify('connections_changed', $1)`);
const ACTIVE_OPERATIONS = statement(
  'connection_active_operations',
  `SELECT count(*)::int AS n FROM operations
   WHERE connection = $1 AND status IN ('queued', 'running')`,
);

/** The stored connections' SQL. Secrets arrive here sealed; this layer never sees plaintext. */
@Injectable()
export class ConnectionsRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => ConnectionEntity;

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(ConnectionEntity);
  }

  /** The repository over an open DataSource, for code outside the Nest container (the CLI). */
  static on(dataSource: DataSource): ConnectionsRepository {
    return new this(new Db(dataSource));
  }

  /** By name. */
  async list(): Promise<ConnectionEntity[]> {
    return (await this.db.run(LIST, [])).map(this.toEntity);
  }

  async findByName(name: string): Promise<ConnectionEntity | null> {
    const rows = await this.db.run(BY_NAME, [name]);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  /** A new connection (it becomes its provider's only default when it is one); undefined when the name is taken. */
  create(row: NewConnection): Promise<ConnectionEntity | undefined> {
    return this.db.tx(async (tx) => {
      if (row.isDefault) await this.db.run(CLEAR_DEFAULT, [row.provider, row.name], tx);
      const rows = await this.db.run(
        INSERT,
        [
          randomUUID(),
          row.name,
          row.provider,
          jsonParam(row.settings),
          jsonParam(row.secrets),
          row.isDefault,
        ],
        tx,
      );
      if (rows[0]) await this.db.run(NOTIFY, [row.name], tx);
      return rows[0] ? this.toEntity(rows[0]) : undefined;
    });
  }

  /**
   * Applies `change(current)` to the row under a row lock, bumping its version; undefined for an
   * unknown name. `change` may throw to refuse (nothing is written).
   */
  update(
    name: string,
    change: (current: ConnectionEntity) => ConnectionChange | Promise<ConnectionChange>,
  ): Promise<ConnectionEntity | undefined> {
    return this.db.tx(async (tx: Session) => {
      const rows = await this.db.run(BY_NAME_FOR_UPDATE, [name], tx);
      if (!rows[0]) return undefined;
      const current = this.toEntity(rows[0]);
      const next = await change(current);
      const isDefault = next.isDefault ?? current.isDefault;
      const enabled = next.enabled ?? current.enabled;
      if (isDefault && enabled) await this.db.run(CLEAR_DEFAULT, [current.provider, name], tx);
      const updated = await this.db.run(
        UPDATE,
        [
          name,
          jsonParam(next.settings ?? current.settings),
          jsonParam(next.secrets ?? current.secrets),
          enabled,
          isDefault,
        ],
        tx,
      );
      await this.db.run(NOTIFY, [name], tx);
      return this.toEntity(updated[0]);
    });
  }

  /** Replaces the sealed secrets of the version read (key rotation); false when it changed since. */
  async reseal(
    name: string,
    version: number,
    secrets: Record<string, SealedSecret>,
  ): Promise<boolean> {
    const rows = await this.db.run(RESEAL, [name, version, jsonParam(secrets)]);
    return rows.length === 1;
  }

  async fingerprint(): Promise<string> {
    const rows = await this.db.run<{ fingerprint: string }>(FINGERPRINT, []);
    return rows[0]?.fingerprint ?? '';
  }

  /** Operations of the connection still queued or running. */
  async activeOperations(name: string): Promise<number> {
    const rows = await this.db.run<{ n: number }>(ACTIVE_OPERATIONS, [name]);
    return rows[0]?.n ?? 0;
  }
}
