import { Injectable, Logger } from '@nestjs/common';
import type { OperationEntity } from '../../database/entities/operation.entity';
import { CreditNotesRepository } from '../../database/repositories/credit-notes.repository';
import { InvoicesRepository } from '../../database/repositories/invoices.repository';
import { OperationQueueRepository } from '../../database/repositories/operation-queue.repository';
import { internalProblem, knownProblem, ProblemException } from '../../problem/problem';
import { ConnectionRegistry } from '../../connections/connection-registry';
import type { Command } from '../commands';
import { KeyedLock } from '../keyed-lock';
import { CreditNoteCreateHandler } from './credit-note-create.handler';
import { creditMemoStatusPostHandler } from './credit-memo-status-post.handler';
import {
  Attempt,
  type ExecutionOutcome,
  type HandlerMap,
  type OperationHandler,
  type OperationRef,
} from './handler';
import { DocumentsRepository } from '../../database/repositories/documents.repository';
import type { HandlerDeps } from './handler-deps';
import { InvoiceCreateHandler } from './invoice-create.handler';
import { invoiceStatusPostHandler } from './invoice-status-post.handler';
import { InvoiceUpdateHandler } from './invoice-update.handler';
import { remittancePostHandler } from './remittance-post.handler';
import type { ResolutionInput } from './resolution';

/** The one map: a handler per operation kind (a new kind is one handler and one line here). */
export function handlerMap(deps: HandlerDeps): HandlerMap {
  return {
    'invoice.create': new InvoiceCreateHandler(deps),
    'invoice.update': new InvoiceUpdateHandler(deps),
    'credit-note.create': new CreditNoteCreateHandler(deps),
    'invoice-status.post': invoiceStatusPostHandler(deps),
    'credit-memo-status.post': creditMemoStatusPostHandler(deps),
    'remittance.post': remittancePostHandler(deps),
  };
}

/**
 * The engine's entry: the runner and the worker reach every kind through it, and it reaches
 * them only through the map. It reads nothing from a request: a command, its operation
 * reference and the ledger are all a run needs.
 */
@Injectable()
export class OperationHandlers {
  private readonly logger = new Logger('OperationHandlers');
  private readonly map: HandlerMap;

  constructor(
    registry: ConnectionRegistry,
    private readonly queue: OperationQueueRepository,
    invoices: InvoicesRepository,
    creditNotes: CreditNotesRepository,
    lock: KeyedLock,
    documents: DocumentsRepository,
  ) {
    this.map = handlerMap({ registry, queue, invoices, creditNotes, documents, lock });
  }

  /** The handler of a command's kind. */
  of<C extends Command>(command: C): OperationHandler<C> {
    return this.map[command.kind] as unknown as OperationHandler<C>;
  }

  /** Rules that need no upstream and no ledger state (both modes, before the row). Throws. */
  check(command: Command): Promise<void> {
    return this.of(command).check(command);
  }

  /** The ledger rules an async call is accepted under (before its 202). Throws. */
  admit(command: Command): Promise<void> {
    return this.of(command).admit(command);
  }

  /** Runs a command's attempt: the committed success, or the failure (not yet recorded). */
  async execute(op: OperationRef, command: Command): Promise<ExecutionOutcome> {
    const attempt = new Attempt(op);
    try {
      return { status: 'succeeded', ...(await this.of(command).run(attempt, command)) };
    } catch (error) {
      const problem = knownProblem(error);
      if (!problem) {
        this.logger.error(
          { err: error, operationId: op.id },
          `Operation ${command.kind} failed unexpectedly`,
        );
      }
      return {
        status: 'failed',
        problem: problem ?? internalProblem(),
        startedAt: attempt.startedAt,
        durationMs: attempt.elapsedMs(),
        outcomeUnknown: attempt.outcomeUnknown(error),
        ...(attempt.progress ? { progress: attempt.progress } : {}),
      };
    }
  }

  /**
   * An operator records the outcome of a `failed` or `dead` create settled outside the gateway
   * (the upstream was unavailable, or the outcome was uncertain): the ledger row is written with
   * the identifiers given, under the same ledger rules as a run, and the operation ends
   * `succeeded` with the resolution, in one transaction. Undefined for an unknown operation.
   */
  async resolve(
    operationId: string,
    input: ResolutionInput,
    visibleTo: string | undefined,
  ): Promise<OperationEntity | undefined> {
    const done = await this.queue.resolveWith(operationId, async (row, session) => {
      if (visibleTo && row.clientId !== visibleTo) {
        throw new ProblemException('not_found', { detail: `No operation ${operationId}` });
      }
      if (row.status !== 'failed' && row.status !== 'dead') {
        throw new ProblemException('conflict', {
          detail: `Operation ${operationId} is ${row.status}: only failed or dead operations can be resolved`,
        });
      }
      const command = row.command as Command | null;
      const handler = command ? this.of(command) : undefined;
      if (!command || !handler?.resolve) {
        throw new ProblemException('unsupported_operation', {
          detail: `Operation ${operationId} is ${row.kind}: only creates (invoice.create, credit-note.create) are resolved with identifiers; replay it instead`,
        });
      }
      const result = await handler.resolve(operationId, command, input, session);
      return {
        value: true,
        final: {
          status: 'succeeded' as const,
          responseStatus: 201,
          result,
          lastError: row.lastError,
          releaseKey: false,
          attempt: null,
          resolution: { by: input.by, at: new Date().toISOString(), note: input.note },
        },
      };
    });
    return done ? ((await this.queue.findById(operationId)) ?? undefined) : undefined;
  }
}
