import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import type { OperationEntity } from '../../database/entities/operation.entity';
import { canonicalJson, sha256 } from '../../operations/canonical-json';
import { OperationsService } from '../../operations/operations.service';
import { contextOf } from '../context/request-context';
import { ProblemException, PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { problemBody, toProblem } from '../problem/problem.filter';

/** What a mutating call answers: status and JSON body. */
export interface Outcome {
  status: number;
  body: unknown;
  contentType?: string;
  /** True when the answer is a stored one replayed for a repeated Idempotency-Key. */
  replayed?: boolean;
}

export interface RunSpec {
  kind: string;
  provider: string | null;
  reference: string | null;
  body: unknown;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A `running` operation older than this has lost its process (every call is bounded by its
 * upstream deadline, 25 s by default, far below it).
 */
export const OPERATION_LEASE_MS = 5 * 60_000;

function isAbandoned(operation: OperationEntity): boolean {
  return (
    operation.status === 'running' &&
    operation.startedAt !== null &&
    Date.now() - operation.startedAt.getTime() > OPERATION_LEASE_MS
  );
}

/**
 * Runs a mutating call as an operation: the row is written before any upstream call, the
 * Idempotency-Key is honoured (replay, reuse, in flight), and the answer is stored for replay.
 * Transient upstream failures release the key so the caller can retry with it.
 */
@Injectable()
export class OperationRunner {
  private readonly logger = new Logger('OperationRunner');

  constructor(
    private readonly operations: OperationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    request: FastifyRequest,
    spec: RunSpec,
    work: (operation: OperationEntity) => Promise<Outcome>,
  ): Promise<Outcome> {
    const ctx = contextOf(request);
    const principal = ctx.principal;
    if (!principal) throw new ProblemException('unauthorized');
    ctx.operation = spec.kind;
    ctx.provider = spec.provider ?? undefined;
    ctx.reference = spec.reference ?? undefined;

    const key = idempotencyKeyOf(request);
    const requestHash = sha256(
      canonicalJson({ method: request.method, path: request.url.split('?')[0], body: spec.body }),
    );
    const newOperation = {
      clientId: principal.clientId,
      kind: spec.kind,
      provider: spec.provider,
      reference: spec.reference,
      idempotencyKey: key ?? null,
      requestHash,
      requestId: String(request.id),
      request: spec.body,
      expiresAt: key ? new Date(Date.now() + this.config.api.idempotencyTtlMs) : null,
    };

    // Insert first: a free key (the usual case) costs one statement; a taken one is read after.
    let operation: OperationEntity | undefined;
    for (let tries = 0; tries < 3 && !operation; tries++) {
      operation = await this.operations.start(newOperation);
      if (operation || !key) continue;
      const existing = await this.operations.findByKey(principal.clientId, key);
      if (!existing) continue; // released meanwhile: try again
      if (existing.expiresAt && existing.expiresAt.getTime() <= Date.now()) {
        await this.operations.releaseExpiredKey(existing.id);
        continue;
      }
      if (isAbandoned(existing)) {
        // its process died mid-call: the outcome is unknown, the key is free again
        await this.operations.failAndReleaseKey(existing.id, 500, {
          code: 'abandoned',
          detail: 'no outcome was recorded',
        });
        continue;
      }
      ctx.operationId = existing.id;
      return this.replay(existing, requestHash);
    }
    if (!operation) {
      throw new ProblemException('idempotency_key_in_flight', {
        detail: 'Another request with this Idempotency-Key is being processed; retry shortly',
        headers: { 'retry-after': '1' },
      });
    }
    ctx.operationId = operation.id;

    let outcome: Outcome;
    try {
      outcome = await work(operation);
    } catch (error) {
      const problem = toProblem(error);
      if (problem.code === 'internal_error') {
        this.logger.error(
          { err: error, operationId: operation.id },
          `Operation ${spec.kind} failed unexpectedly`,
        );
      }
      const body = problemBody(problem, String(request.id));
      await this.record(operation.id, () =>
        problem.status >= 500
          ? this.operations.failAndReleaseKey(operation.id, problem.status, body)
          : this.operations.finish(operation.id, 'failed', problem.status, body, body),
      );
      throw problem;
    }
    await this.record(operation.id, () =>
      this.operations.finish(
        operation.id,
        outcome.status < 400 ? 'succeeded' : 'failed',
        outcome.status,
        outcome.body,
      ),
    );
    return outcome;
  }

  /**
   * Stores an operation's outcome. The caller's answer does not depend on it: a failure is
   * logged, and the row stays `running` until its lease ends (then its key is freed).
   */
  private async record(operationId: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger.error(
        { err: error, operationId },
        'Could not record the outcome of an operation',
      );
    }
  }

  private replay(existing: OperationEntity, requestHash: string): Outcome {
    if (existing.requestHash !== requestHash) {
      throw new ProblemException('idempotency_key_reused', {
        detail:
          'This Idempotency-Key was used with a different request body; use a new key for a new request',
        errors: [
          {
            path: 'Idempotency-Key',
            code: 'idempotency_key_reused',
            message: 'key already used for another request',
          },
        ],
      });
    }
    if (
      existing.responseStatus === null ||
      existing.status === 'running' ||
      existing.status === 'queued'
    ) {
      throw new ProblemException('idempotency_key_in_flight', {
        detail: 'A request with this Idempotency-Key is still being processed; retry shortly',
        headers: { 'retry-after': '1' },
      });
    }
    return {
      status: existing.responseStatus,
      body: existing.result,
      contentType: existing.responseStatus >= 400 ? PROBLEM_CONTENT_TYPE : undefined,
      replayed: true,
    };
  }
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ProblemException('validation_failed', {
      detail: 'The request has 1 invalid field: Idempotency-Key',
      errors: [
        {
          path: 'Idempotency-Key',
          code: 'invalid',
          message: 'Idempotency-Key must be 1-255 visible ASCII characters',
        },
      ],
    });
  }
  return value;
}
