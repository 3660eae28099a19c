import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Db } from '../db';
import { ApiClientEntity } from '../entities/api-client.entity';
import { insertUnlessTaken, type Statement, statement } from '../sql';

export type NewApiClient = Pick<ApiClientEntity, 'name' | 'keyHash' | 'keyPrefix' | 'scopes'> &
  Partial<Pick<ApiClientEntity, 'connections'>>;

const BY_NAME = statement('api_client_by_name', 'SELECT c.* FROM api_clients c WHERE c.name = $1');
const BY_KEY_HASH = statement(
  'api_client_by_key_hash',
  'SELECT c.* FROM api_clients c WHERE c.key_hash = $1',
);
const LIST = statement('api_client_list', 'SELECT c.* FROM api_clients c ORDER BY c.created_at');
const REVOKE_BY_ID = statement(
  'api_client_revoke_by_id',
  'UPDATE api_clients SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
);
const REVOKE_BY_NAME = statement(
  'api_client_revoke_by_name',
  'UPDATE api_clients SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id',
);
const TOUCH = statement(
  'api_client_touch',
  'UPDATE api_clients SET last_used_at = $2 WHERE id = $1',
);

/** The API clients' SQL: their keys are stored as hashes only. */
@Injectable()
export class ApiClientsRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => ApiClientEntity;
  private readonly insertRow: ReturnType<Db['insertOf']>;
  private readonly insert: Statement;

  constructor(private readonly db: Db) {
    this.toEntity = db.mapper(ApiClientEntity);
    this.insertRow = db.insertOf(ApiClientEntity);
    this.insert = insertUnlessTaken('api_client_insert', this.insertRow);
  }

  /** The repository over an open DataSource, for code outside the Nest container (the CLI). */
  static on(dataSource: DataSource): ApiClientsRepository {
    return new this(new Db(dataSource));
  }

  async findByName(name: string): Promise<ApiClientEntity | null> {
    const rows = await this.db.run(BY_NAME, [name]);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  async findByKeyHash(keyHash: string): Promise<ApiClientEntity | null> {
    const rows = await this.db.run(BY_KEY_HASH, [keyHash]);
    return rows[0] ? this.toEntity(rows[0]) : null;
  }

  /** Oldest first. */
  async list(): Promise<ApiClientEntity[]> {
    return (await this.db.run(LIST, [])).map(this.toEntity);
  }

  /** A new client; undefined when its name (or key) is taken. */
  async create(client: NewApiClient): Promise<ApiClientEntity | undefined> {
    const row = {
      ...client,
      connections: client.connections ?? null,
      id: randomUUID(),
      createdAt: new Date(),
      revokedAt: null,
      lastUsedAt: null,
    };
    const rows = await this.db.run(this.insert, this.insertRow.values(row));
    return rows[0] ? this.toEntity(rows[0]) : undefined;
  }

  /** Revokes a live client by id or by name; true when one was revoked. */
  async revoke(by: { id: string } | { name: string }): Promise<boolean> {
    const rows =
      'id' in by
        ? await this.db.run(REVOKE_BY_ID, [by.id])
        : await this.db.run(REVOKE_BY_NAME, [by.name]);
    return rows.length > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.run(TOUCH, [id, at]);
  }
}
