import { Inject, Injectable } from '@nestjs/common';
import { InvoicesRepository } from '../../database/repositories/invoices.repository';
import { type InvoiceAnswer, toInvoiceAnswer } from '../../operations/answers';
import { checkInvoiceUpdate } from '../../operations/command-executor';
import {
  OperationRunner,
  type Caller,
  type OperationAnswer,
} from '../../operations/operation-runner';
import { rejectInvalidDocument, resolveProvider } from '../../operations/provider-resolver';
import { ProblemException } from '../../problem/problem';
import type { ProviderId } from '../../providers/provider-ids';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../../providers/provider-registry';
import type { CreateInvoiceDto, InvoiceListQueryDto, UpdateInvoiceDto } from './invoice.dto';

/**
 * Invoices: what needs no upstream is checked here (provider, the provider's rules), then the
 * command runs as an operation; reads come from the gateway's ledger.
 */
@Injectable()
export class InvoicesService {
  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly runner: OperationRunner,
    private readonly invoices: InvoicesRepository,
  ) {}

  create(caller: Caller, dto: CreateInvoiceDto): Promise<OperationAnswer> {
    const { callbackUrl: _callbackUrl, ...invoice } = dto;
    const provider = resolveProvider(this.registry, 'invoice.create', invoice.provider);
    rejectInvalidDocument(provider.validateInvoice?.(invoice) ?? []);
    return this.runner.run(caller, {
      kind: 'invoice.create',
      provider: provider.id,
      invoice: { ...invoice, provider: provider.id },
    });
  }

  async update(caller: Caller, id: string, dto: UpdateInvoiceDto): Promise<OperationAnswer> {
    const existing = await this.find(id);
    const provider = resolveProvider(
      this.registry,
      'invoice.update',
      existing.provider as ProviderId,
    );
    const { callbackUrl: _callbackUrl, ...changes } = dto;
    checkInvoiceUpdate(provider, existing, changes);
    return this.runner.run(caller, {
      kind: 'invoice.update',
      provider: provider.id,
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
