import { Injectable } from '@nestjs/common';
import { CreditNotesRepository } from '../../database/repositories/credit-notes.repository';
import { type CreditNoteAnswer, toCreditNoteAnswer } from '../../operations/answers';
import { OperationRunner } from '../../operations/operation-runner';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { resolveCall } from '../../operations/provider-resolver';
import { ProblemException } from '../../problem/problem';
import { ConnectionRegistry } from '../../connections/connection-registry';
import type { CreateCreditNoteDto } from './credit-note.dto';

/**
 * Credit notes: the command is checked against its invoice in the ledger (and by the
 * provider's rules) when it runs, before any upstream call; one per invoice and provider.
 */
@Injectable()
export class CreditNotesService {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly runner: OperationRunner,
    private readonly creditNotes: CreditNotesRepository,
  ) {}

  create(caller: Caller, dto: CreateCreditNoteDto): Promise<RunOutcome> {
    const { provider, connection } = resolveCall(
      this.registry,
      'credit-note.create',
      dto.provider,
      dto.connection,
    );
    const {
      provider: _provider,
      connection: _connection,
      callbackUrl: _callbackUrl,
      party,
      ...rest
    } = dto;
    return this.runner.run(caller, {
      kind: 'credit-note.create',
      provider: provider.id,
      connection,
      creditNote: { ...rest, party: { code: party.code, name: party.name } },
    });
  }

  async get(id: string): Promise<CreditNoteAnswer> {
    const row = await this.creditNotes.findById(id);
    if (!row) throw new ProblemException('not_found', { detail: `No credit note ${id}` });
    return toCreditNoteAnswer(row);
  }
}
