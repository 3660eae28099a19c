import { Injectable } from '@nestjs/common';
import { InvoicesRepository } from '../../database/repositories/invoices.repository';
import { type InvoiceAnswer, toInvoiceAnswer } from '../../operations/answers';
import { OperationRunner } from '../../operations/operation-runner';
import type { Caller, RunOutcome } from '../../operations/run-outcome';
import { resolveCall } from '../../operations/provider-resolver';
import { ProblemException } from '../../problem/problem';
import type { ProviderId } from '../../providers/provider-ids';
import { ConnectionRegistry } from '../../connections/connection-registry';
import type { CreateInvoiceDto, InvoiceListQueryDto, UpdateInvoiceDto } from './invoice.dto';

/**
 * Invoices: the request becomes a command (its provider resolved) that runs as an operation
 * (its handler checks the provider's rules); reads come from the gateway's ledger.
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly runner: OperationRunner,
    private readonly invoices: InvoicesRepository,
  ) {}

  create(caller: Caller, dto: CreateInvoiceDto): Promise<RunOutcome> {
    const { callbackUrl: _callbackUrl, connection: requested, ...invoice } = dto;
    const { provider, connection } = resolveCall(
      this.registry,
      'invoice.create',
      invoice.provider,
      requested,
    );
    return this.runner.run(caller, {
      kind: 'invoice.create',
      provider: provider.id,
      connection,
      invoice: { ...invoice, provider: provider.id },
    });
  }

  async update(caller: Caller, id: string, dto: UpdateInvoiceDto): Promise<RunOutcome> {
    const existing = await this.find(id);
    const { callbackUrl: _callbackUrl, connection: requested, ...changes } = dto;
    const { provider, connection } = resolveCall(
      this.registry,
      'invoice.update',
      existing.provider as ProviderId,
      requested,
    );
    return this.runner.run(caller, {
      kind: 'invoice.update',
      provider: provider.id,
      connection,
      invoiceId: id,
      reference: existing.reference,
      changes,
    });
  }

  async get(id: string): Promise<InvoiceAnswer> {
    return toInvoiceAnswer(await this.find(id));
  }

  async list(query: InvoiceListQueryDto): Promise<InvoiceAnswer[]> {
    const rows = await this.invoices.list({
      provider: query.provider,
      reference: query.reference,
      limit: query.limit ?? 50,
    });
    return rows.map(toInvoiceAnswer);
  }

  private async find(id: string) {
    const row = await this.invoices.findById(id);
    if (!row) throw new ProblemException('not_found', { detail: `No invoice ${id}` });
    return row;
  }
}
