import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, Repository } from 'typeorm';
import { InvoiceEntity } from '../../database/entities/invoice.entity';
import { contentHash } from '../../operations/canonical-json';
import type {
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  CallContext,
  InvoiceResult,
} from '../../providers/provider.contract';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../../providers/provider-registry';
import { KeyedLock } from '../idempotency/keyed-lock';
import { OperationRunner, type Outcome } from '../idempotency/operation-runner';
import { ProblemException } from '../problem/problem';
import { rejectInvalidDocument, resolveProvider } from '../providers/provider-resolver';
import type {
  CreateInvoiceDto,
  InvoiceDto,
  InvoiceListQueryDto,
  UpdateInvoiceDto,
} from './invoice.dto';
import {
  insertRow,
  isUniqueViolation,
  parseDate,
  toInvoiceDto,
  upstreamId,
} from './invoice-ledger';

/** Invoices: created and updated through their provider, kept in the gateway's ledger. */
@Injectable()
export class InvoicesService {
  private readonly repo: Repository<InvoiceEntity>;

  constructor(
    dataSource: DataSource,
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly runner: OperationRunner,
    private readonly lock: KeyedLock,
  ) {
    this.repo = dataSource.getRepository(InvoiceEntity);
  }

  async create(request: FastifyRequest, dto: CreateInvoiceDto): Promise<Outcome> {
    const provider = resolveProvider(this.registry, 'invoice.create', dto.provider);
    const invoice = dto;
    rejectInvalidDocument(provider.validateInvoice?.(invoice) ?? []);
    const hash = contentHash(invoice);
    return this.runner.run(
      request,
      { kind: 'invoice.create', provider: provider.id, reference: dto.reference, body: dto },
      (operation) =>
        this.lock.run(`invoice:${provider.id}:${dto.reference}`, async () => {
          const existing = await this.repo.findOne({
            where: { provider: provider.id, reference: dto.reference },
          });
          if (existing) return this.sameOrConflict(existing, hash);
          const result = await provider.createInvoice!(
            invoice,
            callContext(request, operation.id, dto.reference),
          );
          const row = this.repo.create({
            provider: provider.id,
            reference: dto.reference,
            contentHash: hash,
            request: invoice,
            mock: provider.mode === 'mock',
            operationId: operation.id,
            amount: invoice.amount,
            currency: invoice.currency ?? (provider.id === 'dms' ? 'INR' : null),
            party: (invoice.party as Record<string, unknown> | undefined) ?? null,
            ...fromResult(provider.id, result),
          });
          try {
            return { status: 201, body: toInvoiceDto(await insertRow(this.repo, row)) };
          } catch (error) {
            if (!isUniqueViolation(error)) throw error;
            // a concurrent create with the same reference won the race
            const winner = await this.repo.findOneByOrFail({
              provider: provider.id,
              reference: dto.reference,
            });
            return this.sameOrConflict(winner, hash);
          }
        }),
    );
  }

  async update(request: FastifyRequest, id: string, dto: UpdateInvoiceDto): Promise<Outcome> {
    const existing = await this.get(id);
    const provider = resolveProvider(
      this.registry,
      'invoice.update',
      existing.provider as CanonicalInvoice['provider'],
    );
    if (!existing.providerInvoiceId) {
      throw new ProblemException('conflict', {
        detail: 'This invoice has no provider id yet and cannot be updated',
      });
    }
    const { merged, update } = mergeUpdate(existing.request as CanonicalInvoice, dto);
    rejectInvalidDocument(provider.validateInvoice?.(merged) ?? []);
    return this.runner.run(
      request,
      {
        kind: 'invoice.update',
        provider: provider.id,
        reference: existing.reference,
        body: { id, ...dto },
      },
      async (operation) => {
        const result = await provider.updateInvoice!(
          existing.providerInvoiceId!,
          update,
          callContext(request, operation.id, existing.reference),
        );
        const changes = fromResult(provider.id, result);
        const saved = await this.repo.save(
          Object.assign(existing, changes, {
            providerInvoiceId: changes.providerInvoiceId ?? existing.providerInvoiceId,
            request: merged,
            contentHash: contentHash(merged),
            amount: merged.amount,
            currency: merged.currency ?? existing.currency,
            party: (merged.party ?? null) as Record<string, unknown> | null,
            operationId: operation.id,
          }),
        );
        return { status: 200, body: toInvoiceDto(saved) };
      },
    );
  }

  async get(id: string): Promise<InvoiceEntity> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row) throw new ProblemException('not_found', { detail: `No invoice ${id}` });
    return row;
  }

  async list(query: InvoiceListQueryDto): Promise<InvoiceDto[]> {
    const rows = await this.repo.find({
      where: {
        ...(query.provider ? { provider: query.provider } : {}),
        ...(query.reference ? { reference: query.reference } : {}),
      },
      order: { createdAt: 'DESC' },
      take: query.limit ?? 50,
    });
    return rows.map(toInvoiceDto);
  }

  private sameOrConflict(existing: InvoiceEntity, hash: string): Outcome {
    if (existing.contentHash === hash) return { status: 200, body: toInvoiceDto(existing) };
    throw new ProblemException('conflict', {
      detail: `An invoice with provider ${existing.provider} and reference ${existing.reference} exists with other content`,
      errors: [
        {
          path: 'reference',
          code: 'conflict',
          message: `invoice ${existing.id} already uses this reference`,
        },
      ],
    });
  }
}

/**
 * The invoice after an update, and what to send. Order fields merge into the stored order, and
 * the upstream's order block needs its value and status together, so a change to either sends
 * both from the merged invoice.
 */
export function mergeUpdate(
  previous: CanonicalInvoice,
  dto: CanonicalInvoiceUpdate,
): { merged: CanonicalInvoice; update: CanonicalInvoiceUpdate } {
  const merged: CanonicalInvoice = {
    ...previous,
    ...dto,
    ...(dto.order ? { order: { ...previous.order, ...dto.order } } : {}),
  };
  const update: CanonicalInvoiceUpdate = { ...dto };
  if (dto.amount !== undefined || dto.order !== undefined) {
    update.amount = merged.amount;
    update.order = merged.order;
  }
  return { merged, update };
}

function fromResult(provider: string, result: InvoiceResult) {
  return {
    status: result.status,
    providerInvoiceId: upstreamId(provider, 'invoice id', result.providerInvoiceId),
    providerDocumentNumber: upstreamId(provider, 'document number', result.providerDocumentNumber),
    issuedAt: parseDate(result.issuedAt),
    documentUrl: result.documentUrl ?? null,
    upstreamResponse: result.raw as object,
  };
}

export function callContext(
  request: FastifyRequest,
  operationId: string,
  reference: string,
): CallContext {
  return { requestId: String(request.id), operationId, reference };
}
