import { Module } from '@nestjs/common';
import { CreditNotesRepository } from './credit-notes.repository';
import { InvoicesRepository } from './invoices.repository';
import { OperationsRepository } from './operations.repository';

/** The repositories: the only code that writes SQL for operations and the ledger. */
@Module({
  providers: [OperationsRepository, InvoicesRepository, CreditNotesRepository],
  exports: [OperationsRepository, InvoicesRepository, CreditNotesRepository],
})
export class RepositoriesModule {}
