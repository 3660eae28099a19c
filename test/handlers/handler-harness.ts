import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { Db } from '../../src/database/db';
import { DocumentsRepository } from '../../src/database/repositories/documents.repository';
import { CreditNotesRepository } from '../../src/database/repositories/credit-notes.repository';
import { IdempotencyRepository } from '../../src/database/repositories/idempotency.repository';
import { InvoicesRepository } from '../../src/database/repositories/invoices.repository';
import { OperationQueueRepository } from '../../src/database/repositories/operation-queue.repository';
import type { Command } from '../../src/operations/commands';
import { Attempt, type HandlerMap, type OperationRef } from '../../src/operations/handlers/handler';
import type { HandlerDeps } from '../../src/operations/handlers/handler-deps';
import { handlerMap } from '../../src/operations/handlers/operation-handlers';
import { KeyedLock } from '../../src/operations/keyed-lock';
import type { FinanceProvider, ServedCapabilities } from '../../src/providers/provider.contract';
import type { ProviderId } from '../../src/providers/provider-ids';
import { servedCapabilities } from '../../src/providers/provider.contract';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { ProblemException } from '../../src/problem/problem';

/** A provider whose calls and rules a test sets: no HTTP, no simulator. */
export function fakeProvider(
  id: ProviderId,
  serves: ServedCapabilities,
  extra: Partial<FinanceProvider> = {},
): FinanceProvider {
  return {
    id,
    displayName: `fake ${id}`,
    mode: 'mock',
    serves,
    capabilities: servedCapabilities(serves),
    ping: () => Promise.resolve({ reachable: true, latencyMs: 0, checkedAt: '' }),
    circuitState: () => 'closed',
    ...extra,
  };
}

/** The handlers over the test run's database (the worker's own), with the providers given. */
export class HandlerHarness {
  readonly db: Db;
  readonly keys: IdempotencyRepository;
  readonly queue: OperationQueueRepository;
  readonly invoices: InvoicesRepository;
  readonly creditNotes: CreditNotesRepository;
  readonly documents: DocumentsRepository;

  private constructor(readonly dataSource: DataSource) {
    this.db = new Db(dataSource);
    this.keys = new IdempotencyRepository(this.db);
    this.queue = new OperationQueueRepository(this.db);
    this.invoices = new InvoicesRepository(this.db);
    this.creditNotes = new CreditNotesRepository(this.db);
    this.documents = new DocumentsRepository(this.db);
  }

  static async open(): Promise<HandlerHarness> {
    const dataSource = new DataSource(dataSourceOptions(process.env.DATABASE_URL!, 2, 2));
    await dataSource.initialize();
    return new HandlerHarness(dataSource);
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }

  /** The handlers of one process (a KeyedLock of its own: another map is another replica). */
  handlers(...providers: FinanceProvider[]): HandlerMap {
    const deps: HandlerDeps = {
      registry: new ProviderRegistry(providers),
      queue: this.queue,
      invoices: this.invoices,
      creditNotes: this.creditNotes,
      documents: this.documents,
      lock: new KeyedLock(this.db),
    };
    return handlerMap(deps);
  }

  /** A sync operation's row for `command` (running, attempt 1) and the attempt to run it. */
  async attempt(command: Command, extra: Partial<OperationRef> = {}): Promise<Attempt> {
    const claimed = await this.keys.insertRunning(
      {
        clientId: 'handler-spec',
        kind: command.kind,
        provider: command.provider,
        reference: null,
        idempotencyKey: null,
        requestHash: 'c'.repeat(64),
        requestId: null,
        traceparent: null,
        command,
        callbackUrl: null,
        expiresAt: null,
      },
      60_000,
      false,
    );
    return new Attempt({ id: claimed!.operation.id, requestId: null, attempt: 1, ...extra });
  }

  /** Another process takes the operation over (its lease passed): this attempt's claim is lost. */
  async takeOver(operationId: string): Promise<void> {
    await this.dataSource.query('UPDATE operations SET attempts = attempts + 1 WHERE id = $1', [
      operationId,
    ]);
  }

  async status(operationId: string): Promise<string | undefined> {
    return (await this.queue.findById(operationId))?.status;
  }
}

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The problem a handler call is refused with (it must be refused with one). */
export async function problemOf(work: Promise<unknown>): Promise<ProblemException> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemException);
  return error as ProblemException;
}
