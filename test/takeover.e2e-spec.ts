import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Liveness, ownerGone } from '../src/database/liveness';
import type { OperationEntity } from '../src/database/entities/operation.entity';
import { IdempotencyRepository } from '../src/database/repositories/idempotency.repository';
import { OperationQueueRepository } from '../src/database/repositories/operation-queue.repository';
import { toOperationAnswer } from '../src/gateway/idempotency/operation-answer';
import { canonicalJson, sha256 } from '../src/operations/canonical-json';
import { type Command, commandIdentity, referenceOf } from '../src/operations/commands';
import { OperationRunner } from '../src/operations/operation-runner';
import type { Caller } from '../src/operations/run-outcome';
import { clearFaults, dmsInvoice, dsInvoice, injectFault, simulatorUrl } from './support/api';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * A sync call whose process died mid-call (its liveness mark gone, its lease still running):
 * the retry with the same Idempotency-Key gets the real outcome at once, by the rules a lease
 * expiry applies (the lost attempt's outcome unknown), through the runner against the real
 * database and the in-process simulators.
 */
describe('takeover of a sync call whose process died (database)', () => {
  const url = process.env.DATABASE_URL!;
  /** The instance number of a process that died, and one of a process that lives. */
  let dead: number;
  let living: Liveness;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    living = new Liveness({ url });
    await living.onModuleInit();
    const doomed = new Liveness({ url });
    await doomed.onModuleInit();
    dead = doomed.owner!;
    await doomed.close();
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    try {
      const deadline = Date.now() + 10_000;
      while (!(await ds.query(`SELECT ${ownerGone('$1::int')} AS g`, [dead]))[0].g) {
        if (Date.now() > deadline) throw new Error('the dead mark did not end');
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await ds.destroy();
    }
  });
  afterAll(async () => {
    await living?.close();
  });

  const caller = (idempotencyKey: string): Caller => ({
    clientId: 'takeover-spec',
    requestId: `req-${randomUUID()}`,
    idempotencyKey,
  });
  const dmsCreate = (): Command => ({
    kind: 'invoice.create',
    provider: 'dms',
    invoice: dmsInvoice(),
  });

  /** The engine of one test app: its runner, and the row a process left running. */
  function engine(t: () => TestApp) {
    const runner = () => t().app.get(OperationRunner);
    const keys = () => t().app.get(IdempotencyRepository);
    const queue = () => t().app.get(OperationQueueRepository);
    return {
      run: async (who: Caller, command: Command) =>
        toOperationAnswer(await runner().run(who, command), who.requestId),
      /** A sync call in flight as the runner writes it, owned by `owner` (lease of a minute). */
      inFlight: async (command: Command, key: string, owner: number | null) =>
        (await keys().insertRunning(
          {
            clientId: 'takeover-spec',
            kind: command.kind,
            provider: command.provider,
            reference: referenceOf(command),
            idempotencyKey: key,
            requestHash: sha256(canonicalJson(commandIdentity(command))),
            requestId: null,
            traceparent: null,
            command,
            callbackUrl: null,
            expiresAt: new Date(Date.now() + 3_600_000),
          },
          60_000,
          true,
          owner,
        ))!.operation,
      row: async (id: string): Promise<OperationEntity> => (await queue().findById(id))!,
      ledgerRows: async (reference: string): Promise<number> =>
        (
          await t()
            .app.get(DataSource)
            .query(`SELECT count(*)::int AS n FROM invoices WHERE reference = $1`, [reference])
        )[0].n,
    };
  }

  describe('on a process whose worker is off (the retry runs it)', () => {
    let t: TestApp;
    const e = engine(() => t);
    beforeAll(async () => {
      t = await startTestApp({ ASYNC_WORKER_ENABLED: 'false', DMS_RETRY_MAX_ATTEMPTS: '1' });
    });
    afterAll(async () => {
      // what these cases left running is not for the next process's worker
      await t?.app.get(DataSource).query(
        `UPDATE operations SET status = 'failed', lease_expires_at = NULL
           WHERE client_id = 'takeover-spec' AND status = 'running'`,
      );
      await t?.close();
    });

    it('takes the call over at once and answers its real outcome, the lost attempt in the history', async () => {
      const command = dmsCreate();
      const key = `k-${randomUUID()}`;
      const op = await e.inFlight(command, key, dead);
      const answer = await e.run(caller(key), command);
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ providerInvoiceId: expect.any(String) });
      expect(answer.facts.operationId).toBe(op.id);
      const row = await e.row(op.id);
      expect(row).toMatchObject({ status: 'succeeded', attempts: 2, responseStatus: 201 });
      expect(row.owner).toEqual(expect.any(Number));
      expect(row.owner).not.toBe(dead);
      expect(row.history).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'abandoned', outcomeUnknown: true }),
        expect.objectContaining({ attempt: 2, outcome: 'succeeded', httpStatus: 201 }),
      ]);
      expect(await e.ledgerRows(referenceOf(command)!)).toBe(1);
      // and the next retry replays it
      await expect(e.run(caller(key), command)).resolves.toMatchObject({
        status: 201,
        replayed: true,
      });
    });

    it('answers in flight while the owner lives, and for a row without an owner under its lease', async () => {
      for (const owner of [living.owner, null]) {
        const command = dmsCreate();
        const key = `k-${randomUUID()}`;
        const op = await e.inFlight(command, key, owner);
        const answer = await e.run(caller(key), command);
        expect(answer.status).toBe(409);
        expect(answer.body).toMatchObject({ code: 'idempotency_key_in_flight' });
        expect(await e.row(op.id)).toMatchObject({ status: 'running', attempts: 1, owner });
      }
    });

    it('refuses another body with the same key (422) without taking the call over', async () => {
      const key = `k-${randomUUID()}`;
      const op = await e.inFlight(dmsCreate(), key, dead);
      const answer = await e.run(caller(key), dmsCreate());
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'idempotency_key_reused' });
      expect(await e.row(op.id)).toMatchObject({ status: 'running', attempts: 1, owner: dead });
    });

    it('an uncertain create (Delivery Solutions) ends outcome_uncertain: never a second invoice', async () => {
      const command: Command = {
        kind: 'invoice.create',
        provider: 'delivery-solutions',
        invoice: dsInvoice(),
      };
      const key = `k-${randomUUID()}`;
      // the first call reached the upstream, and its process died before recording the answer
      const first = await e.run(caller(key), command);
      expect(first.status).toBe(201);
      const db = t.app.get(DataSource);
      await db.query(`DELETE FROM invoices WHERE operation_id = $1`, [first.facts.operationId]);
      await db.query(
        `UPDATE operations SET status = 'running', response_status = NULL, result = NULL,
           history = '[]', completed_at = NULL, owner = $2,
           lease_expires_at = now() + interval '1 minute' WHERE id = $1`,
        [first.facts.operationId, dead],
      );
      const retried = await e.run(caller(key), command);
      expect(retried.status).toBe(409);
      expect(retried.body).toMatchObject({ code: 'outcome_uncertain' });
      const row = await e.row(first.facts.operationId!);
      expect(row).toMatchObject({ status: 'failed', attempts: 2 });
      expect(row.lastError).toMatchObject({ code: 'outcome_uncertain' });
      expect(await e.ledgerRows(referenceOf(command)!)).toBe(0);
    });
  });

  describe('on a process whose worker is on (the worker runs it, the retry waits for it)', () => {
    let t: TestApp;
    const e = engine(() => t);
    beforeAll(async () => {
      t = await startTestApp({ DMS_RETRY_MAX_ATTEMPTS: '1' });
    });
    afterAll(async () => {
      await clearFaults(simulatorUrl(t, 'dms'));
      await t?.close();
    });

    it('answers the outcome of the worker takeover running here, not in flight', async () => {
      const dms = simulatorUrl(t, 'dms');
      await injectFault(dms, {
        path: '/api/invoices/generate',
        method: 'POST',
        latencyMs: 1500,
        // every create for a while, not just the next one: this app's worker may also be taking
        // over operations an earlier suite left on this database, and one of those could take a
        // single slow answer
        count: 50,
      });
      const command = dmsCreate();
      const key = `k-${randomUUID()}`;
      const op = await e.inFlight(command, key, dead);
      const deadline = Date.now() + 10_000;
      while ((await e.row(op.id)).attempts < 2) {
        if (Date.now() > deadline) throw new Error('the worker did not take the call over');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await e.row(op.id)).toMatchObject({ status: 'running', attempts: 2 });
      const answer = await e.run(caller(key), command);
      expect(answer).toMatchObject({ status: 201, replayed: true });
      expect(answer.facts.operationId).toBe(op.id);
      expect(await e.row(op.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    });
  });
});
