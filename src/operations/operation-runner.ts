import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { OperationEntity } from '../database/entities/operation.entity';
import {
  OperationsRepository,
  type OperationFinal,
} from '../database/repositories/operations.repository';
import { PROBLEM_CONTENT_TYPE, problemBody, ProblemException } from '../problem/problem';
import { canonicalJson, sha256 } from './canonical-json';
import { CommandExecutor, failedFinal } from './command-executor';
import { type Command, commandIdentity, referenceOf } from './commands';

/** Who asks for an operation, as plain values (the HTTP layer reads them off the request). */
export interface Caller {
  clientId: string;
  /** Correlation id of the call (X-Request-Id): in problem bodies, audit rows and upstream calls. */
  requestId: string;
  /** The Idempotency-Key, already checked for form. */
  idempotencyKey?: string;
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

/**
 * A `running` operation whose lease passed has lost its process (a sync call is bounded by its
 * upstream deadline, 25 s by default, far below it). The async worker sets its own lease.
 */
export const OPERATION_LEASE_MS = 5 * 60_000;

/** Tries at claiming a key before answering "in flight" (each lost race re-reads the holder). */
const CLAIM_TRIES = 3;

/**
 * Runs a command as an operation, inline: the row is written (under a lease) before anything
 * is sent upstream, the Idempotency-Key is honoured (replay, reuse, in flight, expired and
 * abandoned holders), the executor runs the command, and the outcome is stored for replay.
 * Transient failures (5xx) free the key so the caller can retry with it.
 */
@Injectable()
export class OperationRunner {
  private readonly logger = new Logger('OperationRunner');

  constructor(
    private readonly operations: OperationsRepository,
    private readonly executor: CommandExecutor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(caller: Caller, command: Command): Promise<OperationAnswer> {
    const facts: OperationFacts = {
      kind: command.kind,
      provider: command.provider,
      reference: referenceOf(command),
    };
    const claim = await this.claim(caller, command, facts);
    if ('answer' in claim) return claim.answer;
    const operation = claim.operation;
    facts.operationId = operation.id;

    const op = { id: operation.id, requestId: caller.requestId, attempt: operation.attempts };
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
    await this.record(
      operation.id,
      failedFinal(op, outcome, caller.requestId, problem.status >= 500),
    );
    return problemAnswer(problem, caller.requestId, facts);
  }

  /**
   * The operation row for this call: a new one (the usual case costs one statement), or the
   * answer for a key already taken (replay, reuse, in flight).
   */
  private async claim(
    caller: Caller,
    command: Command,
    facts: OperationFacts,
  ): Promise<{ operation: OperationEntity } | { answer: OperationAnswer }> {
    const key = caller.idempotencyKey;
    const requestHash = sha256(canonicalJson(commandIdentity(command)));
    const init = {
      clientId: caller.clientId,
      kind: command.kind,
      provider: command.provider,
      reference: facts.reference,
      idempotencyKey: key ?? null,
      requestHash,
      requestId: caller.requestId,
      command,
      expiresAt: key ? new Date(Date.now() + this.config.api.idempotencyTtlMs) : null,
    };
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const operation = await this.operations.insertRunning(init, OPERATION_LEASE_MS);
      if (operation) return { operation };
      const existing = key ? await this.operations.findByKey(caller.clientId, key) : null;
      if (!existing) continue; // released meanwhile: try again
      if (existing.expiresAt && existing.expiresAt.getTime() <= Date.now()) {
        await this.operations.releaseExpiredKey(existing.id);
        continue;
      }
      if (isAbandoned(existing)) {
        // its process died mid-call: the outcome is unknown, the key is free again
        await this.operations.abandon(existing.id, {
          code: 'abandoned',
          detail: 'no outcome was recorded before the lease ended',
        });
        continue;
      }
      return {
        answer: this.replay(existing, requestHash, caller.requestId, {
          ...facts,
          operationId: existing.id,
        }),
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
  private async record(operationId: string, final: OperationFinal): Promise<void> {
    try {
      await this.operations.finish(operationId, final);
    } catch (error) {
      this.logger.error(
        { err: error, operationId },
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
