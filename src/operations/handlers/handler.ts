import type { InvoiceEntity } from '../../database/entities/invoice.entity';
import type { OperationAttempt } from '../../database/entities/operation.entity';
import type { OperationFinal } from '../../database/repositories/operation-rows';
import { problemBody, type ProblemException } from '../../problem/problem';
import type {
  BatchItemResult,
  CallContext,
  FinanceProvider,
} from '../../providers/provider.contract';
import type { BatchAnswer, CreditNoteAnswer, InvoiceAnswer } from '../answers';
import type { Command, CommandKind } from '../commands';
import type { Session } from '../../database/sql';
import type { ResolutionInput } from './resolution';

/** The operation a command runs under: its row id, correlation id and attempt number. */
export interface OperationRef {
  id: string;
  requestId: string | null;
  /** The row's `attempts` after the claim: also the fence its final write is checked against. */
  attempt: number;
  /** A batch's per-item fate from earlier attempts (the row's `progress`). */
  progress?: BatchProgress | null;
  /** Aborts the upstream call (the worker stopping at shutdown). */
  signal?: AbortSignal;
  /**
   * What the ledger held when the operation row was inserted (read in the same statement): an
   * invoice create's row for its reference, or null. Absent: the handler reads it itself.
   */
  ledger?: { invoice: InvoiceEntity | null };
}

/** A batch item settled by an attempt: its result and that attempt's number. */
export type SettledItem = BatchItemResult & { attempt: number };

/** A batch's per-item fate, in input order: null while an item is not settled. */
export type BatchProgress = (SettledItem | null)[];

/** What a successful run answers (already committed with its ledger rows). */
export interface Settled {
  responseStatus: number;
  result: InvoiceAnswer | CreditNoteAnswer | BatchAnswer;
}

/**
 * How running a command ended. `succeeded` is already committed: the operation's final state
 * together with the ledger rows it produced, in one transaction. `failed` is not recorded yet:
 * the caller decides (a sync call stores it, or frees the key of a transient failure; the
 * async worker may schedule another attempt).
 */
export type ExecutionOutcome =
  | ({ status: 'succeeded' } & Settled)
  | {
      status: 'failed';
      /** What the failure is answered with (upstream failures keep provider, code, transient). */
      problem: ProblemException;
      startedAt: Date;
      durationMs: number;
      /** The attempt sent something whose fate is unknown (see OperationAttempt.outcomeUnknown). */
      outcomeUnknown: boolean;
      /** A batch's per-item fate after this attempt (items it settled kept for the next one). */
      progress?: BatchProgress;
    };

export type FailedOutcome = Extract<ExecutionOutcome, { status: 'failed' }>;

/**
 * One operation kind. `check` holds every rule that needs no upstream and no ledger state
 * (the provider, the provider's own rules, the invoice an update changes): run before the
 * operation row is written, in both modes. `admit` adds the ledger rules an async call is
 * accepted under (409 conflict, 422 business_rule_violated); a sync call meets the same rules
 * in `run`, against the ledger row read with its operation's insert, so its answer is recorded
 * on the operation like any other. `run` makes the upstream call and settles: it resolves with
 * the committed success, or throws the failure.
 */
export interface OperationHandler<C extends Command> {
  check(command: C): Promise<void>;
  admit(command: C): Promise<void>;
  run(attempt: Attempt, command: C): Promise<Settled>;
  /**
   * Creates only: an operator's record of the document settled outside the gateway (the ledger
   * row with the identifiers given, on the resolution's transaction). Absent: not resolvable.
   */
  resolve?(
    operationId: string,
    command: C,
    input: ResolutionInput,
    session: Session,
  ): Promise<InvoiceAnswer | CreditNoteAnswer>;
}

export type CommandOf<K extends CommandKind> = Extract<Command, { kind: K }>;

/** The one map of handlers: one per operation kind. */
export type HandlerMap = { readonly [K in CommandKind]: OperationHandler<CommandOf<K>> };

/** Timing of one attempt, for the operation's history, and whether it sent anything upstream. */
export class Attempt {
  readonly startedAt = new Date();
  private provider?: FinanceProvider;
  /** Batch items this attempt sent. */
  sentItems?: number;
  /** A batch's per-item fate as this attempt leaves it (kept when it fails). */
  progress?: BatchProgress;

  constructor(readonly op: OperationRef) {}

  /** Makes the upstream call: from here a failure may leave something behind upstream. */
  send<T>(provider: FinanceProvider, call: () => Promise<T>): Promise<T> {
    this.provider = provider;
    return call();
  }

  /**
   * Whether a failure leaves the upstream's state unknown: only for providers that cannot take
   * a create twice (the others deduplicate, so sending again is safe), and only once sent.
   */
  outcomeUnknown(error: unknown): boolean {
    return this.provider?.createMayHaveLanded?.(error) ?? false;
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt.getTime();
  }

  /** What the upstream call carries: correlation, the operation, the reference, the abort. */
  context(reference: string | null): CallContext {
    return {
      requestId: this.op.requestId ?? undefined,
      operationId: this.op.id,
      ...(reference !== null ? { reference } : {}),
      ...(this.op.signal ? { signal: this.op.signal } : {}),
    };
  }

  entry(outcome: 'succeeded' | 'failed', httpStatus: number): OperationAttempt {
    return {
      attempt: this.op.attempt,
      at: this.startedAt.toISOString(),
      durationMs: this.elapsedMs(),
      outcome,
      httpStatus,
      ...(this.sentItems !== undefined ? { sent: this.sentItems } : {}),
    };
  }

  /** What this attempt's success stores: the answer, and its history entry. */
  succeeded(settled: Settled, progress?: BatchProgress): OperationFinal {
    return {
      status: 'succeeded',
      responseStatus: settled.responseStatus,
      result: settled.result,
      lastError: null,
      releaseKey: false,
      attempt: this.entry('succeeded', settled.responseStatus),
      ...(progress ? { progress } : {}),
    };
  }
}

/** The history entry of a failed attempt. */
export function failedAttempt(op: OperationRef, outcome: FailedOutcome): OperationAttempt {
  return {
    attempt: op.attempt,
    at: outcome.startedAt.toISOString(),
    durationMs: outcome.durationMs,
    outcome: 'failed',
    httpStatus: outcome.problem.status,
    code: outcome.problem.init.upstream?.code ?? outcome.problem.code,
    message: outcome.problem.message,
    ...(outcome.outcomeUnknown ? { outcomeUnknown: true } : {}),
  };
}

/** What a failed attempt stores: the problem body answered, and its history entry. */
export function failedFinal(
  op: OperationRef,
  outcome: FailedOutcome,
  requestId: string,
  releaseKey: boolean,
  status: 'failed' | 'dead' = 'failed',
): OperationFinal {
  const body = problemBody(outcome.problem, requestId);
  return {
    status,
    responseStatus: outcome.problem.status,
    result: releaseKey ? null : body,
    lastError: body,
    releaseKey,
    attempt: failedAttempt(op, outcome),
    ...(outcome.progress ? { progress: outcome.progress } : {}),
  };
}
