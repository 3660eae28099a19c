import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { Database } from './database';

/**
 * The advisory lock class of liveness marks: a process's mark is the session lock
 * `(LIVENESS_LOCK_CLASS, instance number)`, the two-key form (pg_locks shows it with
 * `objsubid = 2`, apart from the one-key locks of migrations and the per-key create lock).
 */
export const LIVENESS_LOCK_CLASS = 727_274_100;

/**
 * SQL that is true when the process numbered by `owner` (an integer expression) holds no
 * liveness mark in this database: it died, or lost its connection. Read from pg_locks (no lock
 * is taken, so two readers never see a dead owner alive); used only where a running row was
 * found, never on the insert or settle of an operation.
 */
export function ownerGone(owner: string): string {
  return `NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.classid = ${LIVENESS_LOCK_CLASS}::oid
      AND l.objid = (${owner})::oid AND l.objsubid = 2 AND l.granted
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))`;
}

const ALLOCATE = `SELECT n AS instance, pg_try_advisory_lock(${LIVENESS_LOCK_CLASS}, n) AS locked
  FROM (SELECT nextval('gateway_instance_seq')::int AS n) s`;
const RELOCK = `SELECT pg_try_advisory_lock(${LIVENESS_LOCK_CLASS}, $1::int) AS locked`;
const PING = 'SELECT 1';

/** How often the mark's connection is checked (a dead one is found by the ping's failure). */
const PING_MS = 5_000;
/**
 * A ping (or a statement of the mark) that has not answered by then: the connection is taken as
 * lost, and given up (which ends the mark). Long, so a slow server does not make a live process
 * look dead; a peer that vanished is found sooner by TCP keepalive (from KEEPALIVE_MS idle).
 */
const QUERY_TIMEOUT_MS = 30_000;
const KEEPALIVE_MS = 10_000;
/** After a loss, how often a new connection tries to take the same mark again. */
const RECONNECT_MS = 1_000;
/** Numbers drawn before giving up (a number is skipped only while a live session holds it). */
const ALLOCATE_TRIES = 5;

export interface LivenessTarget {
  /** The server to hold the mark on: the pool's own. */
  readonly url: string;
}

/**
 * This process's liveness mark: an instance number drawn from a sequence at start, and a
 * session advisory lock on it held on a connection of its own (beside the pool, idle but for a
 * ping). Postgres ends the session, and with it the lock, when the process dies (kill -9, out of
 * memory: the kernel closes the socket), so the operations it owned are abandoned at once for
 * every other process and for its own restart, not after their lease.
 *
 * While the mark is not held (the connection was lost; the process reconnects every second and
 * takes the same number again), `owner` is null: the worker claims nothing, and sync calls are
 * written without an owner (their lease alone applies). An operation taken over by another
 * process meanwhile is fenced as it is after a lease: the earlier attempt's writes are refused.
 */
@Injectable()
export class Liveness implements OnModuleInit {
  private readonly logger = new Logger('Liveness');
  private client?: Client;
  private number?: number;
  private live = false;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();

  constructor(@Inject(Database) private readonly target: LivenessTarget) {}

  /** The instance number while the mark is held; null while it is not. */
  get owner(): number | null {
    return this.live && this.number !== undefined ? this.number : null;
  }

  /** The number drawn at start (kept across reconnects), for log lines. */
  get instance(): number | undefined {
    return this.number;
  }

  async onModuleInit(): Promise<void> {
    await this.mark();
    this.logger.log(`Liveness mark held: instance ${this.number}`);
  }

  /**
   * Calls `handler` on every NOTIFY on `channel` (LISTEN on the mark's own session, so no other
   * connection is held for it). Notifications sent while the session is being re-taken are
   * missed: a listener keeps its own poll, and is also called with '' once the session is back.
   */
  async listen(channel: string, handler: (payload: string) => void): Promise<void> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    const handlers = this.listeners.get(channel) ?? new Set();
    handlers.add(handler);
    if (!this.listeners.has(channel)) {
      this.listeners.set(channel, handlers);
      await this.client?.query(`LISTEN ${channel}`);
    }
  }

  private notify(channel: string, payload: string): void {
    for (const handler of this.listeners.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        this.logger.warn({ err: error }, `a ${channel} listener failed`);
      }
    }
  }

  /** Gives the mark up (after the worker and the requests drained: see DatabaseModule). */
  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async mark(): Promise<void> {
    const client = new Client({
      connectionString: this.target.url,
      application_name: 'invoice-gateway-liveness',
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client));
    client.on('notification', (message) => {
      if (client === this.client) this.notify(message.channel, message.payload ?? '');
    });
    try {
      await client.connect();
      if (this.number === undefined) this.number = await allocate(client);
      else if (!(await relock(client, this.number))) {
        throw new Error(`instance ${this.number} is still marked by its earlier session`);
      }
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.live = true;
    this.failures = 0;
    // (a re-taken session) what was notified while it was away is unknown: listeners look again
    for (const channel of this.listeners.keys()) this.notify(channel, '');
    this.schedule(PING_MS, () => this.ping(client));
  }

  private async ping(client: Client): Promise<void> {
    try {
      await client.query(PING);
      if (client === this.client) this.schedule(PING_MS, () => this.ping(client));
    } catch (error) {
      this.lose(client, error);
    }
  }

  private lose(client: Client, error?: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.live = false;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(
      { err: error },
      `Liveness mark of instance ${this.number} lost: claims paused, new sync calls rely on their ` +
        'lease; taking the mark again',
    );
    this.schedule(RECONNECT_MS, () => this.retake());
  }

  private async retake(): Promise<void> {
    if (this.closed) return;
    try {
      await this.mark();
      this.logger.log(`Liveness mark of instance ${this.number} held again`);
    } catch (error) {
      this.failures += 1;
      // one line per outage, then quiet until it is back
      if (this.failures === 1) {
        this.logger.warn({ err: error }, 'Liveness mark not taken yet; retrying every second');
      }
      this.schedule(RECONNECT_MS, () => this.retake());
    }
  }

  private schedule(ms: number, next: () => Promise<void>): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void next(), ms);
    this.timer.unref();
  }
}

/** Draws a number and locks it; a number still held (the sequence went round) is skipped. */
async function allocate(client: Client): Promise<number> {
  for (let i = 0; i < ALLOCATE_TRIES; i++) {
    const { rows } = await client.query<{ instance: number; locked: boolean }>(ALLOCATE);
    if (rows[0]?.locked) return rows[0].instance;
  }
  throw new Error(`no free instance number after ${ALLOCATE_TRIES} draws`);
}

async function relock(client: Client, number: number): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(RELOCK, [number]);
  return rows[0]?.locked === true;
}
