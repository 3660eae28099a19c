import type { DataSource } from 'typeorm';

/** A live console session, as the guard needs it. */
export interface LiveConsoleSession {
  id: string;
  keyHash: string;
  clientId: string;
  expiresAt: Date;
}

interface SessionRow {
  id: string;
  key_hash: string;
  client_id: string;
  expires_at: Date;
}

/** Ended or expired sessions are kept this long (for inspection), then deleted at a sign-in. */
const KEEP_ENDED_DAYS = 7;

/** console_sessions: the only SQL that touches it. Every value is a parameter. */
export class ConsoleSessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(session: {
    tokenHash: string;
    keyHash: string;
    clientId: string;
    ttlMinutes: number;
  }): Promise<LiveConsoleSession> {
    const rows: SessionRow[] = await this.dataSource.query(
      `INSERT INTO console_sessions (token_hash, key_hash, client_id, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(mins => $4::int))
       RETURNING id, key_hash, client_id, expires_at`,
      [session.tokenHash, session.keyHash, session.clientId, session.ttlMinutes],
    );
    return toSession(rows[0]);
  }

  /** The session of a token hash, unless it ended or expired. */
  async findLive(tokenHash: string): Promise<LiveConsoleSession | undefined> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT id, key_hash, client_id, expires_at FROM console_sessions
       WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > now()`,
      [tokenHash],
    );
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  /** Ends a session; true when it was live. */
  async end(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE console_sessions SET ended_at = now()
       WHERE id = $1 AND ended_at IS NULL RETURNING id`,
      [id],
    );
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length > 0;
  }

  /** Deletes sessions that ended or expired more than a week ago. */
  async prune(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM console_sessions
       WHERE coalesce(ended_at, expires_at) < now() - make_interval(days => $1::int)`,
      [KEEP_ENDED_DAYS],
    );
  }
}

function toSession(row: SessionRow): LiveConsoleSession {
  return {
    id: row.id,
    keyHash: row.key_hash,
    clientId: row.client_id,
    expiresAt: new Date(row.expires_at),
  };
}
