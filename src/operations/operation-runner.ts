import { traceparentOf } from '@lib/tracing';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { OperationEntity } from '../database/entities/operation.entity';
import { Liveness } from '../database/liveness';
import { IdempotencyRepository } from '../database/repositories/idempotency.repository';
import { OperationQueueRepository } from '../database/repositories/operation-queue.repository';
import type { OperationFinal } from '../database/repositories/operation-rows';
import { ProblemException, validationProblem } from '../problem/problem';
import { CallbackRefused, checkCallbackUrl } from './callbacks/callback-policy';
import { canonicalJson, sha256 } from './canonical-json';
import type { InvoiceEntity } from '../database/entities/invoice.entity';
import { type Command, commandIdentity, referenceOf } from './commands';
import { DeliveryWorker } from './delivery-worker';
import { operationView } from './operation-view';
import { failedFinal, type OperationRef } from './handlers/handler';
import { OperationHandlers } from './handlers/operation-handlers';
import type { ResolutionInput } from './handlers/resolution';
import type { Caller, OperationFacts, RunOutcome } from './run-outcome';
import { DATABASE_OUTAGE, type OutageWatch } from '../common/delivery-metrics';

/** A client limited to some connections may use those only: 403 forbidden on another. */
function allowedConnection(caller: Caller, command: Command): void {
  const connection = command.connection ?? command.provider;
  if (caller.connections && !caller.connections.includes(connection)) {
    throw new ProblemException('forbidden', {
      detail: `this API client may not use connection ${connection}`,
      errors: [
        {
          path: 'connection',
          code: 'forbidden',
          message: `allowed connections: ${caller.connections.join(', ') || 'none'}`,
        },
      ],
    });
  }
}

/** Tries at claiming a key before answering "in flight" (each lost race re-reads the holder). */
const CLAIM_TRIES = 3;

/**
 * Runs a command as an operation. Sync: the row is written (under a lease of ASYNC_LEASE_MS,
 * longer than any upstream deadline) before anything is sent upstream, the kind's handler runs
 * the command inline, and the outcome is stored for replay; transient failures (5xx) free the
 * key so the caller can retry with it. A sync call whose process dies is a stored command like
 * any other, abandoned at once (its owner's liveness mark is gone) or when its lease ends: the
 * caller retrying with the same key takes it over and gets the real outcome (or waits for this
 * process's worker, if it took the call over first); any worker takes it over otherwise.
 * Async (`Prefer: respond-async`): everything that needs no upstream is checked, then the row
 * is committed `queued` and the outcome is `accepted`.
 * Both honour the Idempotency-Key (replay, reuse, in flight, expired holders). Answers are
 * plain outcomes (RunOutcome); the HTTP layer decides status codes and headers.
 */
@Injectable()
export class OperationRunner {
  private readonly logger = new Logger('OperationRunner');

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly queue: OperationQueueRepository,
    private readonly handlers: OperationHandlers,
    private readonly worker: DeliveryWorker,
    @Inject(DATABASE_OUTAGE) private readonly outage: OutageWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly liveness: Liveness,
  ) {}

  async run(caller: Caller, command: Command): Promise<RunOutcome> {
    const facts: OperationFacts = {
      kind: command.kind,
      provider: command.provider,
      // the operation's connection, as the operations.connection trigger sets it
      connection: command.connection ?? command.provider,
      reference: referenceOf(command),
    };
    await this.handlers.check(command);
    allowedConnection(caller, command);
    if (caller.callbackUrl !== undefined) await this.checkCallback(caller.callbackUrl);
    if (caller.respondAsync) await this.handlers.admit(command);
    const claim = await this.claim(caller, command, facts);
    if ('outcome' in claim) return claim.outcome;
    const { operation, invoice, takenOver } = claim;
    facts.operationId = operation.id;
    if (operation.status === 'queued') {
      this.worker.wake({ provider: operation.provider });
      return { type: 'accepted', operation, replayed: false, facts };
    }

    const op: OperationRef = {
      id: operation.id,
      requestId: caller.requestId,
      attempt: operation.attempts,
      ...(invoice !== undefined ? { ledger: { invoice } } : {}),
    };
    // a call taken over from a dead process runs the command it stored
    const outcome = await this.handlers.execute(op, takenOver ?? command);
    if (outcome.status === 'succeeded') {
      const { responseStatus, result } = outcome;
      return { type: 'completed', responseStatus, result, replayed: false, facts };
    }
    const problem = outcome.problem;
    await this.record(op, failedFinal(op, outcome, caller.requestId, problem.status >= 500));
    return { type: 'refused', problem, facts };
  }

  /**
   * Queues a `failed` or `dead` operation again (a new attempt series; the history keeps the
   * old attempts; a batch re-sends only the items not yet settled): accepted. Another status is
   * refused (409 conflict). `visibleTo` limits it to one client's operations.
   */
  async replayOperation(id: string, visibleTo: string | undefined): Promise<RunOutcome> {
    const existing = await this.visible(id, visibleTo);
    const facts = factsOf(existing, 'replay');
    const queued = await this.queue.requeue(id);
    if (!queued) {
      const now = (await this.queue.findById(id)) ?? existing;
      return {
        type: 'refused',
        problem: new ProblemException('conflict', {
          detail: `Operation ${id} is ${now.status}: only failed or dead operations can be replayed`,
        }),
        facts,
      };
    }
    this.worker.wake();
    return { type: 'accepted', operation: queued, replayed: false, facts };
  }

  /** An operator's resolution of a failed or dead create (see OperationHandlers.resolve). */
  async resolveOperation(
    id: string,
    input: ResolutionInput,
    visibleTo: string | undefined,
  ): Promise<RunOutcome> {
    const existing = await this.visible(id, visibleTo);
    const facts = factsOf(existing, 'resolve');
    try {
      const resolved = await this.handlers.resolve(id, input, visibleTo);
      if (!resolved) throw new ProblemException('not_found', { detail: `No operation ${id}` });
      return {
        type: 'completed',
        responseStatus: 200,
        result: operationView(resolved),
        replayed: false,
        facts,
      };
    } catch (error) {
      if (error instanceof ProblemException) return { type: 'refused', problem: error, facts };
      throw error;
    }
  }

  private async visible(id: string, visibleTo: string | undefined): Promise<OperationEntity> {
    const row = await this.queue.findById(id);
    if (!row || (visibleTo && row.clientId !== visibleTo)) {
      throw new ProblemException('not_found', { detail: `No operation ${id}` });
    }
    return row;
  }

  /** A callback URL the policy refuses is a 400 naming `callbackUrl`, before anything is stored. */
  private async checkCallback(url: string): Promise<void> {
    try {
      await checkCallbackUrl(url, this.config.callbacks);
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      throw validationProblem([
        { path: 'callbackUrl', code: 'callbackRefused', message: `callbackUrl ${error.reason}` },
      ]);
    }
  }

  /**
   * The operation row for this call: a new one (the usual case costs one statement), the row of
   * an earlier call with the same key whose process died (taken over, with its stored command),
   * or the outcome for a key already taken (replay, reuse, in flight).
   */
  private async claim(
    caller: Caller,
    command: Command,
    facts: OperationFacts,
  ): Promise<
    | { operation: OperationEntity; invoice?: InvoiceEntity | null; takenOver?: Command }
    | { outcome: RunOutcome }
  > {
    const key = caller.idempotencyKey;
    const identity = commandIdentity(command);
    const requestHash = sha256(
      canonicalJson(
        caller.callbackUrl ? { command: identity, callbackUrl: caller.callbackUrl } : identity,
      ),
    );
    const init = {
      clientId: caller.clientId,
      kind: command.kind,
      provider: command.provider,
      reference: facts.reference,
      idempotencyKey: key ?? null,
      requestHash,
      requestId: caller.requestId,
      // the accepting request's span: a later delivery of the operation is linked to it
      traceparent: traceparentOf() ?? null,
      command,
      callbackUrl: caller.callbackUrl ?? null,
      expiresAt: key ? new Date(Date.now() + this.config.api.idempotencyTtlMs) : null,
    };
    // a sync create reads the ledger row of its reference in the same statement
    const readInvoice = command.kind === 'invoice.create';
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      if (caller.respondAsync) {
        const operation = await this.keys.insertQueued(init);
        if (operation) return { operation };
      } else {
        const claimed = await this.keys.insertRunning(
          init,
          this.config.async.leaseMs,
          readInvoice,
          this.liveness.owner,
        );
        if (claimed) return claimed;
      }
      const held = key
        ? await this.keys.findByKey(caller.clientId, key, this.liveness.instance ?? null)
        : null;
      if (!held) continue; // released meanwhile: try again
      const { operation: existing, abandoned } = held;
      if (existing.expiresAt && existing.expiresAt.getTime() <= Date.now()) {
        await this.keys.releaseExpiredKey(existing.id);
        continue;
      }
      if (abandoned && existing.command === null) {
        // a row older than commands whose process died: nothing to run again, the key is freed
        await this.keys.abandon(existing.id, {
          code: 'abandoned',
          detail: 'no outcome was recorded before the lease ended',
        });
        continue;
      }
      const found = { ...facts, operationId: existing.id };
      const same = existing.requestHash === requestHash;
      if (abandoned && same) {
        // its process died (liveness mark gone, or lease passed): a sync call is taken over by
        // this retry and run here, as the worker would; an async one is the worker's, woken now
        const owner = this.liveness.owner;
        if (existing.delivery === 'sync' && !caller.respondAsync && owner !== null) {
          const taken = await this.queue.takeOver(existing.id, this.config.async.leaseMs, owner);
          if (taken) return { operation: taken, takenOver: taken.command as Command };
          continue; // another process took it first: read it again
        }
        this.worker.wake({ provider: existing.provider });
      } else if (
        same &&
        !caller.respondAsync &&
        existing.delivery === 'sync' &&
        existing.status === 'running'
      ) {
        // the worker of this process runs it (it took the call over): its outcome is the answer
        const delivery = this.worker.delivering(existing.id);
        if (delivery) return { outcome: await this.afterDelivery(delivery, existing, found) };
      }
      return {
        outcome:
          caller.respondAsync && existing.requestHash === requestHash
            ? { type: 'accepted', operation: existing, replayed: true, facts: found }
            : replay(existing, requestHash, found),
      };
    }
    return { outcome: { type: 'refused', problem: inFlight('Another request'), facts } };
  }

  /** Waits for this process's worker to settle `existing`, then answers from the row it wrote. */
  private async afterDelivery(
    delivery: Promise<void>,
    existing: OperationEntity,
    facts: OperationFacts,
  ): Promise<RunOutcome> {
    await delivery;
    return settledAnswer((await this.queue.findById(existing.id)) ?? existing, facts);
  }

  /**
   * Stores a failed attempt. The caller's answer does not depend on it: a failure is logged,
   * and the row stays `running` until its lease ends (then its key is freed).
   */
  private async record(op: { id: string; attempt: number }, final: OperationFinal): Promise<void> {
    try {
      await this.queue.finish(op.id, final, op);
    } catch (error) {
      if (this.outage.refused(error, 'operation outcome')) return;
      this.logger.error(
        { err: error, operationId: op.id },
        'Could not record the outcome of an operation',
      );
    }
  }
}

/** The stored outcome of a repeated call with the same key (or why there is none to give). */
function replay(existing: OperationEntity, requestHash: string, facts: OperationFacts): RunOutcome {
  if (existing.requestHash !== requestHash) {
    return {
      type: 'refused',
      problem: new ProblemException('idempotency_key_reused', {
        detail:
          'This Idempotency-Key was used with a different request body; use a new key for a new request',
        errors: [
          {
            path: 'Idempotency-Key',
            code: 'idempotency_key_reused',
            message: 'key already used for another request',
          },
        ],
      }),
      facts,
    };
  }
  if (
    existing.responseStatus === null ||
    existing.status === 'running' ||
    existing.status === 'queued'
  ) {
    return { type: 'refused', problem: inFlight('A request'), facts };
  }
  return {
    type: 'completed',
    responseStatus: existing.responseStatus,
    result: existing.result,
    replayed: true,
    facts,
  };
}

function inFlight(who: 'Another request' | 'A request'): ProblemException {
  return new ProblemException('idempotency_key_in_flight', {
    detail:
      who === 'A request'
        ? 'A request with this Idempotency-Key is still being processed; retry shortly'
        : 'Another request with this Idempotency-Key is being processed; retry shortly',
    headers: { 'retry-after': '1' },
  });
}

/**
 * The answer of an operation the worker of this process just ran for a sync call: what the call
 * would have answered (a transient failure that freed the key answers its problem once).
 */
function settledAnswer(row: OperationEntity, facts: OperationFacts): RunOutcome {
  const ended = row.status === 'succeeded' || row.status === 'failed' || row.status === 'dead';
  if (!ended || row.responseStatus === null) {
    return { type: 'refused', problem: inFlight('A request'), facts };
  }
  return {
    type: 'completed',
    responseStatus: row.responseStatus,
    result: row.result ?? row.lastError,
    replayed: true,
    facts,
  };
}

/** What a call on an existing operation (replay, resolve) is audited as. */
function factsOf(row: OperationEntity, action: 'replay' | 'resolve'): OperationFacts {
  return {
    kind: `operation.${action}`,
    provider: row.provider ?? '',
    connection: row.connection,
    reference: row.reference,
    operationId: row.id,
  };
}
