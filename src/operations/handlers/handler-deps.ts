import { withSpan } from '@lib/tracing';
import type { CreditNotesRepository } from '../../database/repositories/credit-notes.repository';
import type { DocumentsRepository } from '../../database/repositories/documents.repository';
import type { InvoicesRepository } from '../../database/repositories/invoices.repository';
import type { OperationQueueRepository } from '../../database/repositories/operation-queue.repository';
import type { Session } from '../../database/sql';
import type { ProviderLookup } from '../../providers/provider-registry';
import type { KeyedLock } from '../keyed-lock';
import type { Attempt, BatchProgress, Settled } from './handler';

/** What the handlers work with: the providers, the repositories and the key lock. */
export interface HandlerDeps {
  registry: ProviderLookup;
  queue: OperationQueueRepository;
  invoices: InvoicesRepository;
  creditNotes: CreditNotesRepository;
  documents: DocumentsRepository;
  lock: KeyedLock;
}

/**
 * Commits the operation's success with whatever `work` writes to the ledger, in one
 * transaction (on `session` when the work holds a key's lock). A problem thrown by `work` rolls
 * the ledger writes back and fails the attempt; so does a lost claim (another process took the
 * operation over after this one's lease).
 */
export function settle(
  queue: OperationQueueRepository,
  attempt: Attempt,
  work: (session: Session) => Promise<Settled>,
  session?: Session,
  progress?: BatchProgress,
): Promise<Settled> {
  return withSpan('operation.settle', { 'operation.id': attempt.op.id }, () =>
    queue.settle(
      attempt.op,
      async (tx) => {
        const settled = await work(tx);
        return { value: settled, final: attempt.succeeded(settled, progress) };
      },
      session,
    ),
  );
}
