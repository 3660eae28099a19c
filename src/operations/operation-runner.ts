import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { OperationEntity } from '../database/entities/operation.entity';
import {
  OperationsRepository,
  type OperationFinal,
} from '../database/repositories/operations.repository';
import {
  PROBLEM_CONTENT_TYPE,
  problemBody,
  ProblemException,
  validationProblem,
} from '../problem/problem';
import { CallbackRefused, checkCallbackUrl } from './callbacks/callback-policy';
import { canonicalJson, sha256 } from './canonical-json';
import type { InvoiceEntity } from '../database/entities/invoice.entity';
import {
  CommandExecutor,
  failedFinal,
  type OperationRef,
  type ResolutionInput,
} from './command-executor';
import { type Command, commandIdentity, referenceOf } from './commands';
import { DeliveryWorker } from './delivery-worker';
import { operationView } from './operation-view';
import { DatabaseOutage } from '../metrics/database-outage';

/** Who asks for an operation, as plain values (the HTTP layer reads them off the request). */
export interface Caller {
  clientId: string;
  /** Correlation id of the call (X-Request-Id): in problem bodies, audit rows and upstream calls. */
  requestId: string;
  /** The Idempotency-Key, already checked for form. */
  idempotencyKey?: string;
  /** `Prefer: respond-async`: accept durably and answer 202 with the operation. */
  respondAsync?: boolean;
  /** Where the operation answer is POSTed when the operation ends (checked here). */
  callbackUrl?: string;
}

/** What the operation is about (the audit row of the call names it). */
export interface OperationFacts {
  kind: string;
  provider: string;
  reference: string | null;
  operationId?: string;
}

/** The answer to a mutating call: status, headers and body, as the HTTP layer sends them. */
export interface OperationAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** True when a stored answer is replayed for a repeated Idempotency-Key. */
  replayed: boolean;
  /** The problem code when the answer is a problem. */
  errorCode?: string;
  facts: OperationFacts;
}

/** Tries at claiming a key before answering "in flight" (each lost race re-reads the holder). */
const CLAIM_TRIES = 3;

/**
 * Runs a command as an operation. Sync: the row is written (under a lease of ASYNC_LEASE_MS,
 * longer than any upstream deadline) before anything is sent upstream, the executor runs the
 * command inline, and the outcome is stored for replay; transient failures (5xx) free the key so
 * the caller can retry with it. A sync call whose process dies is a stored command like any
 * other: the worker takes it over when its lease ends, and the caller retrying with the same key
 * gets the real outcome. Async (`Prefer: respond-async`): everything that needs no upstream is
 * checked, then the row is committed `queued` and the answer is 202 with the operation.
 * Both honour the Idempotency-Key (replay, reuse, in flight, expired holders).
 */
@Injectable()
export class OperationRunner {
  private readonly logger = new Logger('OperationRunner');

  constructor(
    private readonly operations: OperationsRepository,
    private readonly executor: CommandExecutor,
    private readonly worker: DeliveryWorker,
    private readonly outage: DatabaseOutage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(caller: Caller, command: Command): Promise<OperationAnswer> {
    const facts: OperationFacts = {
      kind: command.kind,
      provider: command.provider,
      reference: referenceOf(command),
    };
    if (caller.callbackUrl !== undefined) await this.checkCallback(caller.callbackUrl);
    if (caller.respondAsync) await this.executor.check(command);
    const claim = await this.claim(caller, command, facts);
    if ('answer' in claim) return claim.answer;
    const { operation, invoice } = claim;
    facts.operationId = operation.id;
    if (operation.status === 'queued') {
      this.worker.wake({ provider: operation.provider });
      return accepted(operation, false, facts);
    }

    const op: OperationRef = {
      id: operation.id,
      requestId: caller.requestId,
      attempt: operation.attempts,
      ...(invoice !== undefined ? { ledger: { invoice } } : {}),
    };
    const outcome = await this.executor.execute(op, command);
    if (outcome.status === 'succeeded') {
      return {
        status: outcome.responseStatus,
        body: outcome.result,
        headers: {},
        replayed: false,
        facts,
      };
    }
    const problem = outcome.problem;
    await this.record(op, failedFinal(op, outcome, caller.requestId, problem.status >= 500));
    return problemAnswer(problem, caller.requestId, facts);
  }

  /**
   * Queues a `failed` or `dead` operation again (a new attempt series; the history keeps the
   * old attempts; a batch re-sends only the items not yet settled): 202 with the operation.
   * Another status is 409 conflict. `visibleTo` limits it to one client's operations.
   */
  async replayOperation(
    caller: Caller,
    id: string,
    visibleTo: string | undefined,
  ): Promise<OperationAnswer> {
    const existing = await this.visible(id, visibleTo);
    const facts = factsOf(existing, 'replay');
    const queued = await this.operations.requeue(id);
    if (!queued) {
      const now = (await this.operations.findById(id)) ?? existing;
      return problemAnswer(
        new ProblemException('conflict', {
          detail: `Operation ${id} is ${now.status}: only failed or dead operations can be replayed`,
        }),
        caller.requestId,
        facts,
      );
    }
    this.worker.wake();
    return accepted(queued, false, facts);
  }

  /** An operator's resolution of a failed or dead create (see CommandExecutor.resolve): 200. */
  async resolveOperation(
    caller: Caller,
    id: string,
    input: ResolutionInput,
    visibleTo: string | undefined,
  ): Promise<OperationAnswer> {
    const existing = await this.visible(id, visibleTo);
    const facts = factsOf(existing, 'resolve');
    try {
      const resolved = await this.executor.resolve(id, input, visibleTo);
      if (!resolved) throw new ProblemException('not_found', { detail: `No operation ${id}` });
      return { status: 200, body: operationView(resolved), headers: {}, replayed: false, facts };
    } catch (error) {
      if (error instanceof ProblemException) return problemAnswer(error, caller.requestId, facts);
      throw error;
    }
  }

  private async visible(id: string, visibleTo: string | undefined): Promise<OperationEntity> {
    const row = await this.operations.findById(id);
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
   * answer for a key already taken (replay, reuse, in flight).
   */
  private async claim(
    caller: Caller,
    command: Command,
    facts: OperationFacts,
  ): Promise<
    { operation: OperationEntity; invoice?: InvoiceEntity | null } | { answer: OperationAnswer }
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
      command,
      callbackUrl: caller.callbackUrl ?? null,
      expiresAt: key ? new Date(Date.now() + this.config.api.idempotencyTtlMs) : null,
    };
    // a sync create reads the ledger row of its reference in the same statement
    const readInvoice = command.kind === 'invoice.create';
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      if (caller.respondAsync) {
        const operation = await this.operations.insertQueued(init);
        if (operation) return { operation };
      } else {
        const claimed = await this.operations.insertRunning(
          init,
          this.config.async.leaseMs,
          readInvoice,
        );
        if (claimed) return claimed;
      }
      const existing = key ? await this.operations.findByKey(caller.clientId, key) : null;
      if (!existing) continue; // released meanwhile: try again
      if (existing.expiresAt && existing.expiresAt.getTime() <= Date.now()) {
        await this.operations.releaseExpiredKey(existing.id);
        continue;
      }
      if (isAbandoned(existing) && existing.command === null) {
        // a row older than commands whose process died: nothing to run again, the key is freed
        await this.operations.abandon(existing.id, {
          code: 'abandoned',
          detail: 'no outcome was recorded before the lease ended',
        });
        continue;
      }
      // (an abandoned call with a command is the worker's: it is answered "in flight" until then)
      const found = { ...facts, operationId: existing.id };
      return {
        answer:
          caller.respondAsync && existing.requestHash === requestHash
            ? accepted(existing, true, found)
            : this.replay(existing, requestHash, caller.requestId, found),
      };
    }
    return {
      answer: problemAnswer(
        new ProblemException('idempotency_key_in_flight', {
          detail: 'Another request with this Idempotency-Key is being processed; retry shortly',
          headers: { 'retry-after': '1' },
        }),
        caller.requestId,
        facts,
      ),
    };
  }

  /**
   * Stores a failed attempt. The caller's answer does not depend on it: a failure is logged,
   * and the row stays `running` until its lease ends (then its key is freed).
   */
  private async record(op: { id: string; attempt: number }, final: OperationFinal): Promise<void> {
    try {
      await this.operations.finish(op.id, final, undefined, op);
    } catch (error) {
      if (this.outage.refused(error, 'operation outcome')) return;
      this.logger.error(
        { err: error, operationId: op.id },
        'Could not record the outcome of an operation',
      );
    }
  }

  private replay(
    existing: OperationEntity,
    requestHash: string,
    requestId: string,
    facts: OperationFacts,
  ): OperationAnswer {
    if (existing.requestHash !== requestHash) {
      return problemAnswer(
        new ProblemException('idempotency_key_reused', {
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
        requestId,
        facts,
      );
    }
    if (
      existing.responseStatus === null ||
      existing.status === 'running' ||
      existing.status === 'queued'
    ) {
      return problemAnswer(
        new ProblemException('idempotency_key_in_flight', {
          detail: 'A request with this Idempotency-Key is still being processed; retry shortly',
          headers: { 'retry-after': '1' },
        }),
        requestId,
        facts,
      );
    }
    const failed = existing.responseStatus >= 400;
    return {
      status: existing.responseStatus,
      body: existing.result,
      headers: failed ? { 'content-type': PROBLEM_CONTENT_TYPE } : {},
      replayed: true,
      ...(failed ? { errorCode: (existing.result as { code?: string } | null)?.code } : {}),
      facts,
    };
  }
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

/** 202: the operation is stored; its answer says where to follow it. */
function accepted(
  operation: OperationEntity,
  replayed: boolean,
  facts: OperationFacts,
): OperationAnswer {
  return {
    status: 202,
    body: operationView(operation),
    headers: {
      location: `/v1/operations/${operation.id}`,
      'preference-applied': 'respond-async',
    },
    replayed,
    facts,
  };
}

function problemAnswer(
  problem: ProblemException,
  requestId: string,
  facts: OperationFacts,
): OperationAnswer {
  return {
    status: problem.status,
    body: problemBody(problem, requestId),
    headers: { ...(problem.init.headers ?? {}), 'content-type': PROBLEM_CONTENT_TYPE },
    replayed: false,
    errorCode: problem.code,
    facts,
  };
}
