import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OperationEntity } from '../src/database/entities/operation.entity';
import { OperationQueueRepository } from '../src/database/repositories/operation-queue.repository';
import { toOperationAnswer } from '../src/gateway/idempotency/operation-answer';
import type { Command, InvoiceCreateCommand } from '../src/operations/commands';
import { OperationRunner } from '../src/operations/operation-runner';
import type { Caller } from '../src/operations/run-outcome';
import type { CanonicalInvoice } from '../src/providers/provider.contract';
import { clearFaults, dmsInvoice, injectFault, simulatorUrl } from './support/api';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The inline runner against the real database and the DMS simulator, without HTTP: the lease
 * (abandoned and live holders of a key), expired keys, what is recorded for each outcome, and
 * that an operation's final state and its ledger row commit together or not at all.
 */
describe('OperationRunner (database)', () => {
  let t: TestApp;
  let engine: OperationRunner;
  let operations: OperationQueueRepository;
  /** The runner's outcome as the HTTP layer answers it. */
  const runner = {
    run: async (who: Caller, command: Command) =>
      toOperationAnswer(await engine.run(who, command), who.requestId),
  };
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ DMS_RETRY_MAX_ATTEMPTS: '1' });
    engine = t.app.get(OperationRunner);
    operations = t.app.get(OperationQueueRepository);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await clearFaults(simulatorUrl(t, 'dms'));
  });

  const caller = (idempotencyKey?: string): Caller => ({
    clientId: 'runner-spec',
    requestId: `req-${randomUUID()}`,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  const create = (invoice = dmsInvoice() as CanonicalInvoice): InvoiceCreateCommand => ({
    kind: 'invoice.create',
    provider: 'dms',
    invoice,
  });
  const row = async (id: string): Promise<OperationEntity> => {
    const found = await operations.findById(id);
    if (!found) throw new Error(`no operation ${id}`);
    return found;
  };
  const ledgerRows = async (reference: string): Promise<number> => {
    const rows = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM invoices WHERE reference = $1`,
      [reference],
    );
    return rows[0].n;
  };

  it('stores the command, the answer and one succeeded attempt; the lease is dropped', async () => {
    const command = create();
    const answer = await runner.run(caller(), command);
    expect(answer.status).toBe(201);
    const op = await row(answer.facts.operationId!);
    expect(op).toMatchObject({
      status: 'succeeded',
      kind: 'invoice.create',
      provider: 'dms',
      reference: command.invoice.reference,
      responseStatus: 201,
      attempts: 1,
      leaseExpiresAt: null,
    });
    expect(op.command).toEqual(JSON.parse(JSON.stringify(command)));
    expect(op.result).toEqual(answer.body);
    expect(op.history).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'succeeded', httpStatus: 201 }),
    ]);
    expect(await ledgerRows(command.invoice.reference)).toBe(1);
  });

  it('answers 409 in flight while a holder of the key is running under a live lease', async () => {
    const key = `k-${randomUUID()}`;
    const command = create();
    const first = await runner.run(caller(key), command);
    await db.query(
      `UPDATE operations SET status = 'running', response_status = NULL,
         lease_expires_at = now() + interval '1 minute' WHERE id = $1`,
      [first.facts.operationId],
    );
    const second = await runner.run(caller(key), command);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'idempotency_key_in_flight' });
    expect(second.headers['retry-after']).toBe('1');
    expect(second.facts.operationId).toBe(first.facts.operationId);
  });

  it('takes over a sync call whose process died once its lease passed; the retry gets the real outcome', async () => {
    const key = `k-${randomUUID()}`;
    const command = create();
    const first = await runner.run(caller(key), command);
    // as a process killed mid-call leaves it: running, no answer, its lease over
    await db.query(
      `UPDATE operations SET status = 'running', response_status = NULL, result = NULL,
         lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [first.facts.operationId],
    );
    const deadline = Date.now() + 10_000;
    let recovered = await row(first.facts.operationId!);
    while (recovered.status === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      recovered = await row(first.facts.operationId!);
    }
    // the worker ran the stored command again: the ledger already holds the same invoice
    expect(recovered).toMatchObject({ status: 'succeeded', responseStatus: 200, attempts: 2 });
    expect(recovered.history.slice(-2)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'abandoned', outcomeUnknown: true }),
      expect.objectContaining({ attempt: 2, outcome: 'succeeded', httpStatus: 200 }),
    ]);
    const retried = await runner.run(caller(key), command);
    expect(retried).toMatchObject({ status: 200, replayed: true });
    expect(retried.facts.operationId).toBe(first.facts.operationId);
    expect(await ledgerRows(command.invoice.reference)).toBe(1);
  });

  it('ends an abandoned holder without a command (older rows) and runs the call again', async () => {
    const key = `k-${randomUUID()}`;
    const command = create();
    const first = await runner.run(caller(key), command);
    await db.query(
      `UPDATE operations SET status = 'running', response_status = NULL, command = NULL,
         lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [first.facts.operationId],
    );
    const second = await runner.run(caller(key), command);
    // the ledger already holds the invoice with the same content
    expect(second.status).toBe(200);
    expect(second.facts.operationId).not.toBe(first.facts.operationId);
    const abandoned = await row(first.facts.operationId!);
    expect(abandoned).toMatchObject({
      status: 'failed',
      idempotencyKey: null,
      responseStatus: 500,
    });
    expect(abandoned.lastError).toMatchObject({ code: 'abandoned' });
    expect(abandoned.history.at(-1)).toMatchObject({ outcome: 'abandoned' });
  });

  it('frees an expired key and runs the call as a new operation', async () => {
    const key = `k-${randomUUID()}`;
    const command = create();
    const first = await runner.run(caller(key), command);
    await db.query(`UPDATE operations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      first.facts.operationId,
    ]);
    const second = await runner.run(caller(key), command);
    expect(second.replayed).toBe(false);
    expect(second.facts.operationId).not.toBe(first.facts.operationId);
    expect((await row(first.facts.operationId!)).idempotencyKey).toBeNull();
  });

  it('replays a stored answer for the same key and command, and refuses another command', async () => {
    const key = `k-${randomUUID()}`;
    const command = create();
    const first = await runner.run(caller(key), command);
    const again = await runner.run(caller(key), command);
    expect(again).toMatchObject({ status: 201, replayed: true, body: first.body });
    const other = await runner.run(caller(key), create());
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('records a hard upstream failure for replay, with the problem as result and last error', async () => {
    const key = `k-${randomUUID()}`;
    const command = create(dmsInvoice({ party: { code: 'UNKNOWN', name: 'Nobody' } }));
    const answer = await runner.run(caller(key), command);
    expect(answer.status).toBe(422);
    expect(answer.errorCode).toBe('upstream_rejected');
    const op = await row(answer.facts.operationId!);
    expect(op).toMatchObject({ status: 'failed', responseStatus: 422, idempotencyKey: key });
    expect(op.result).toEqual(answer.body);
    expect(op.lastError).toEqual(answer.body);
    expect(op.history).toEqual([
      expect.objectContaining({ outcome: 'failed', httpStatus: 422, code: 'INVALID_DEALER_CODE' }),
    ]);
  });

  it('frees the key of a transient failure (nothing stored to replay)', async () => {
    const key = `k-${randomUUID()}`;
    const command = create();
    await injectFault(simulatorUrl(t, 'dms'), {
      path: '/api/invoices/generate',
      status: 503,
      count: 1,
    });
    const failed = await runner.run(caller(key), command);
    expect(failed.status).toBeGreaterThanOrEqual(502);
    const op = await row(failed.facts.operationId!);
    expect(op).toMatchObject({ status: 'failed', idempotencyKey: null, result: null });
    expect(op.lastError).toMatchObject({ code: 'upstream_unavailable' });
    const retried = await runner.run(caller(key), command);
    expect(retried.status).toBe(201);
  });

  it('answers even when the outcome of a failure cannot be recorded (the row keeps its lease)', async () => {
    const command = create(dmsInvoice({ party: { code: 'UNKNOWN', name: 'Nobody' } }));
    jest.spyOn(operations, 'finish').mockRejectedValueOnce(new Error('database gone'));
    const answer = await runner.run(caller(), command);
    expect(answer.status).toBe(422);
    const op = await row(answer.facts.operationId!);
    expect(op.status).toBe('running');
    expect(op.leaseExpiresAt).not.toBeNull();
  });

  it('commits the ledger row with the final state or not at all', async () => {
    const command = create();
    jest
      .spyOn(operations, 'settleCreatedInvoice')
      .mockRejectedValueOnce(new Error('crash before commit'));
    const answer = await runner.run(caller(), command);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: 'internal_error' });
    expect(await ledgerRows(command.invoice.reference)).toBe(0);
    expect(await row(answer.facts.operationId!)).toMatchObject({
      status: 'failed',
      idempotencyKey: null,
    });
  });

  it('writes no ledger row for an attempt that lost its claim before its outcome', async () => {
    const command = create();
    const settle = operations.settleCreatedInvoice.bind(operations);
    jest
      .spyOn(operations, 'settleCreatedInvoice')
      .mockImplementationOnce(async (fence, ...rest) => {
        // another process took the operation over meanwhile (its lease had passed)
        await db.query('UPDATE operations SET attempts = attempts + 1 WHERE id = $1', [fence.id]);
        return settle(fence, ...rest);
      });
    const answer = await runner.run(caller(), command);
    expect(answer.status).toBe(500);
    expect(await ledgerRows(command.invoice.reference)).toBe(0);
    const op = await row(answer.facts.operationId!);
    expect(op.status).toBe('running');
    expect(op.result).toBeNull();
  });
});
