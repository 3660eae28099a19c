import { traceparentOf } from '@lib/tracing';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { OperationEntity } from '../database/entities/operation.entity';
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
 * any other: the worker takes it over when its lease ends, and the caller retrying with the same
 * key gets the real outcome. Async (`Prefer: respond-async`): everything that needs no upstream
 * is checked, then the row is committed `queued` and the outcome is `accepted`.
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
  ) {}

  async run(caller: Caller, command: Command): Promise<RunOutcome> {
    const facts: OperationFacts = {
      kind: command.kind,
      provider: command.provider,
      reference: referenceOf(command),
    };
    await this.handlers.check(command);
    allowedConnection(caller, command);
    if (caller.callbackUrl !== undefined) await this.checkCallback(caller.callbackUrl);
    if (caller.respondAsync) await this.handlers.admit(command);
    const claim = await this.claim(caller, command, facts);
    if ('outcome' in claim) return claim.outcome;
    const { operation, invoice } = claim;
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
    const outcome = await this.handlers.execute(op, command);
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
   * The operation row for this call: a new one (the usual case costs one statement), or the
   * outcome for a key already taken (replay, reuse, in flight).
   */
  private async claim(
    caller: Caller,
    command: Command,
    facts: OperationFacts,
  ): Promise<
    { operation: OperationEntity; invoice?: InvoiceEntity | null } | { outcome: RunOutcome }
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
        const claimed = await this.keys.insertRunning(init, this.config.async.leaseMs, readInvoice);
        if (claimed) return claimed;
      }
      const existing = key ? await this.keys.findByKey(caller.clientId, key) : null;
      if (!existing) continue; // released meanwhile: try again
      if (existing.expiresAt && existing.expiresAt.getTime() <= Date.now()) {
        await this.keys.releaseExpiredKey(existing.id);
        continue;
      }
      if (isAbandoned(existing) && existing.command === null) {
        // a row older than commands whose process died: nothing to run again, the key is freed
        await this.keys.abandon(existing.id, {
          code: 'abandoned',
          detail: 'no outcome was recorded before the lease ended',
        });
        continue;
      }
      // (an abandoned call with a command is the worker's: it is answered "in flight" until then)
      const found = { ...facts, operationId: existing.id };
      return {
        outcome:
          caller.respondAsync && existing.requestHash === requestHash
            ? { type: 'accepted', operation: existing, replayed: true, facts: found }
            : replay(existing, requestHash, found),
      };
    }
    return { outcome: { type: 'refused', problem: inFlight('Another request'), facts } };
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

/** True when a `running` operation's lease has passed (its process died mid-call). */
export function isAbandoned(operation: OperationEntity, now = Date.now()): boolean {
  return (
    operation.status === 'running' &&
    operation.leaseExpiresAt !== null &&
    operation.leaseExpiresAt.getTime() < now
  );
}

/** What a call on an existing operation (replay, resolve) is audited as. */
function factsOf(row: OperationEntity, action: 'replay' | 'resolve'): OperationFacts {
  return {
    kind: `operation.${action}`,
    provider: row.provider ?? '',
    reference: row.reference,
    operationId: row.id,
  };
}
