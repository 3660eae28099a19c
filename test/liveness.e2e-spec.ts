import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Db } from '../src/database/db';
import { Liveness, LIVENESS_LOCK_CLASS, ownerGone } from '../src/database/liveness';
import { IdempotencyRepository } from '../src/database/repositories/idempotency.repository';
import { OperationQueueRepository } from '../src/database/repositories/operation-queue.repository';
import type { NewOperation } from '../src/database/repositories/operation-rows';

/**
 * The liveness marks (a session advisory lock per process) and the takeover SQL on the real
 * database: a mark ends with its session, claims and retries take over an operation whose
 * owner is gone at once (before its lease), never one whose owner lives, never their own.
 */
describe('liveness marks and takeover (database)', () => {
  const url = process.env.DATABASE_URL!;
  let ds: DataSource;
  let keys: IdempotencyRepository;
  let queue: OperationQueueRepository;
  /** "This process" for the statements below. */
  let self: Liveness;
  const others: Liveness[] = [];

  beforeAll(async () => {
    // the marks lost on purpose below log warnings: not wanted in the test output
    Logger.overrideLogger(false);
    ds = new DataSource(dataSourceOptions(url, 3));
    await ds.initialize();
    const db = new Db(ds);
    keys = new IdempotencyRepository(db);
    queue = new OperationQueueRepository(db);
    self = await startProcess();
  });
  afterAll(async () => {
    await Promise.all([self, ...others].map((l) => l?.close()));
    // what these cases left running or queued is not for a later suite's worker to take over
    await ds?.query(
      `UPDATE operations SET status = 'failed', lease_expires_at = NULL
        WHERE client_id = 'liveness-spec' AND status IN ('running', 'queued')`,
    );
    await ds?.destroy();
  });

  /** Another gateway process: its own mark on its own connection. */
  async function startProcess(): Promise<Liveness> {
    const liveness = new Liveness({ url });
    await liveness.onModuleInit();
    others.push(liveness);
    return liveness;
  }

  const gone = async (owner: number): Promise<boolean> => {
    const rows = await ds.query<{ gone: boolean }[]>(`SELECT ${ownerGone('$1::int')} AS gone`, [
      owner,
    ]);
    return rows[0].gone;
  };

  /** The server ends a closed session a moment after the client left: wait for it (bounded). */
  async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** A process dies: its session ends (as the kernel closing its socket ends it). */
  async function die(liveness: Liveness): Promise<number> {
    const number = liveness.owner!;
    await liveness.close();
    await until(`instance ${number}'s mark to end`, () => gone(number));
    return number;
  }

  const provider = () => `lv-${randomUUID().slice(0, 8)}`;
  const newOperation = (p: string, key: string | null = null): NewOperation => ({
    clientId: 'liveness-spec',
    kind: 'invoice.create',
    provider: p,
    reference: `LV-${randomUUID()}`,
    idempotencyKey: key,
    requestHash: 'd'.repeat(64),
    requestId: null,
    traceparent: null,
    command: { kind: 'invoice.create', provider: p, invoice: {} },
    callbackUrl: null,
    expiresAt: null,
  });
  /** A sync call in flight (lease of a minute) owned by `owner`. */
  const running = async (p: string, owner: number | null, key: string | null = null) =>
    (await keys.insertRunning(newOperation(p, key), 60_000, false, owner))!.operation;

  it('each process draws its own number and holds its mark until its session ends', async () => {
    const a = await startProcess();
    const b = await startProcess();
    expect(a.owner).toEqual(expect.any(Number));
    expect(b.owner).not.toBe(a.owner);
    expect(await gone(a.owner!)).toBe(false);
    const locks = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_locks
       WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [LIVENESS_LOCK_CLASS, a.owner],
    );
    expect(locks[0].n).toBe(1);
    const number = await die(a);
    expect(a.owner).toBeNull();
    expect(await gone(number)).toBe(true);
    expect(await gone(b.owner!)).toBe(false);
  });

  it('a claim takes over a running operation at once when its owner dies, not while it lives', async () => {
    const p = provider();
    const other = await startProcess();
    const op = await running(p, other.owner);
    await expect(queue.claimDue(p, 5, 60_000, self.owner)).resolves.toEqual([]);

    const dead = await die(other);
    const [taken] = await queue.claimDue(p, 5, 60_000, self.owner);
    expect(taken).toMatchObject({ id: op.id, status: 'running', attempts: 2, owner: self.owner });
    expect(taken.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(taken.history).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'abandoned', outcomeUnknown: true }),
    ]);
    expect(dead).not.toBe(self.owner);
    // the new owner lives: nobody takes it again
    const again = await startProcess();
    await expect(queue.claimDue(p, 5, 60_000, again.owner)).resolves.toEqual([]);
  });

  it('never takes over its own operations, nor one without an owner whose lease runs', async () => {
    const p = provider();
    await running(p, self.owner);
    await running(p, null);
    const other = await startProcess();
    await expect(queue.claimDue(p, 5, 60_000, other.owner)).resolves.toEqual([]);
    // even when this process lost its mark, its own operations are not taken over by itself
    const own = await running(p, other.owner);
    const number = other.owner!;
    await ds.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [LIVENESS_LOCK_CLASS, number],
    );
    await until('the mark to be lost', () => other.owner === null);
    await expect(queue.takeOver(own.id, 60_000, number)).resolves.toBeUndefined();
    await until('the same mark to be held again', () => other.owner === number);
    // the lease still decides for rows without an owner
    await ds.query(
      `UPDATE operations SET lease_expires_at = now() - interval '1 second'
       WHERE provider = $1 AND owner IS NULL`,
      [p],
    );
    const taken = await queue.claimDue(p, 5, 60_000, self.owner);
    expect(taken.map((row) => row.owner)).toEqual([self.owner]);
  });

  it('a process whose connection is lost has no owner until it holds the same number again', async () => {
    const other = await startProcess();
    const number = other.owner!;
    await ds.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [LIVENESS_LOCK_CLASS, number],
    );
    await until('the mark to be lost', () => other.owner === null);
    await until('the same mark to be held again', () => other.owner === number);
    expect(await gone(number)).toBe(false);
  });

  it('a retry reads its key as abandoned when the owner is gone or the lease passed, not otherwise', async () => {
    const p = provider();
    const other = await startProcess();
    const key = (name: string) => `${name}-${randomUUID()}`;
    const live = await running(p, other.owner, key('live'));
    const mine = await running(p, self.owner, key('mine'));
    const unowned = await running(p, null, key('unowned'));
    const read = async (op: { idempotencyKey: string | null }) =>
      (await keys.findByKey('liveness-spec', op.idempotencyKey!, self.owner))!.abandoned;
    await expect(read(live)).resolves.toBe(false);
    await expect(read(mine)).resolves.toBe(false);
    await expect(read(unowned)).resolves.toBe(false);
    await die(other);
    await expect(read(live)).resolves.toBe(true);
    await ds.query(
      `UPDATE operations SET lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [unowned.id],
    );
    await expect(read(unowned)).resolves.toBe(true);
    // a finished operation is never abandoned, whoever ran it
    await ds.query(`UPDATE operations SET status = 'succeeded' WHERE id = $1`, [live.id]);
    await expect(read(live)).resolves.toBe(false);
  });

  it('two takers at once: exactly one takes the operation over, and its old attempt is fenced', async () => {
    const p = provider();
    const doomed = await startProcess();
    const op = await running(p, doomed.owner);
    await die(doomed);
    const [a, b] = await Promise.all([startProcess(), startProcess()]);
    const [byA, byB] = await Promise.all([
      queue.takeOver(op.id, 60_000, a.owner!),
      queue.claimDue(p, 5, 60_000, b.owner),
    ]);
    const winners = [byA, ...byB].filter((row) => row !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: op.id, attempts: 2 });
    // the dead process's attempt (1) can no longer write its outcome
    const final = {
      status: 'succeeded' as const,
      responseStatus: 201,
      result: {},
      lastError: null,
      releaseKey: false,
      attempt: null,
    };
    await expect(queue.finish(op.id, final, { id: op.id, attempt: 1 })).resolves.toBe(false);
    await expect(queue.finish(op.id, final, { id: op.id, attempt: 2 })).resolves.toBe(true);
  });
});
