import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource, Repository } from 'typeorm';
import { CreditNoteEntity } from '../../database/entities/credit-note.entity';
import { InvoiceEntity } from '../../database/entities/invoice.entity';
import { contentHash } from '../../operations/canonical-json';
import type { CanonicalCreditNote, FinanceProvider } from '../../providers/provider.contract';
import { PROVIDER_REGISTRY, ProviderRegistry } from '../../providers/provider-registry';
import { KeyedLock } from '../idempotency/keyed-lock';
import { OperationRunner, type Outcome } from '../idempotency/operation-runner';
import { callContext } from '../invoices/invoices.service';
import { insertRow, isUniqueViolation, parseDate, upstreamId } from '../invoices/invoice-ledger';
import { FieldError, ProblemException } from '../problem/problem';
import { resolveProvider } from '../providers/provider-resolver';
import type { CreateCreditNoteDto, CreditNoteDto } from './credit-note.dto';

/**
 * Credit notes: checked against their invoice in the ledger before any upstream call, one per
 * invoice and provider.
 */
@Injectable()
export class CreditNotesService {
  private readonly repo: Repository<CreditNoteEntity>;
  private readonly invoices: Repository<InvoiceEntity>;

  constructor(
    dataSource: DataSource,
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly runner: OperationRunner,
    private readonly lock: KeyedLock,
  ) {
    this.repo = dataSource.getRepository(CreditNoteEntity);
    this.invoices = dataSource.getRepository(InvoiceEntity);
  }

  async create(request: FastifyRequest, dto: CreateCreditNoteDto): Promise<Outcome> {
    const provider = resolveProvider(this.registry, 'credit-note.create', dto.provider);
    return this.runner.run(
      request,
      { kind: 'credit-note.create', provider: provider.id, reference: dto.reference, body: dto },
      (operation) =>
        this.lock.run(
          `credit-note:${provider.id}:${dto.invoiceId ?? dto.providerInvoiceId}`,
          async () => {
            const invoice = await this.findInvoice(provider, dto);
            const providerInvoiceId = invoice?.providerInvoiceId ?? dto.providerInvoiceId!;
            if (invoice) this.checkAgainstInvoice(invoice, dto);
            const note: CanonicalCreditNote = {
              provider: provider.id,
              reference: dto.reference,
              providerInvoiceId,
              party: { code: dto.party.code, name: dto.party.name },
              amount: dto.amount,
              reason: dto.reason,
              ...(dto.description !== undefined ? { description: dto.description } : {}),
            };
            const hash = contentHash(note);
            const existing = await this.repo.findOne({
              where: { provider: provider.id, providerInvoiceId },
            });
            if (existing) return sameOrConflict(existing, hash);

            const result = await provider.createCreditNote!(
              note,
              callContext(request, operation.id, dto.reference),
            );
            const row = this.repo.create({
              provider: provider.id,
              reference: dto.reference,
              invoiceId: invoice?.id ?? null,
              providerInvoiceId,
              providerCreditNoteId: upstreamId(
                provider.id,
                'credit note id',
                result.providerCreditNoteId,
              ),
              status: result.status,
              issuedAt: parseDate(result.issuedAt),
              amount: dto.amount,
              reason: dto.reason,
              description: dto.description ?? null,
              party: { ...note.party },
              documentUrl: result.documentUrl ?? null,
              contentHash: hash,
              request: note,
              upstreamResponse: result.raw as object,
              mock: provider.mode === 'mock',
              operationId: operation.id,
            });
            try {
              return { status: 201, body: toCreditNoteDto(await insertRow(this.repo, row)) };
            } catch (error) {
              if (!isUniqueViolation(error)) throw error;
              const winner = await this.repo.findOneByOrFail({
                provider: provider.id,
                providerInvoiceId,
              });
              return sameOrConflict(winner, hash);
            }
          },
        ),
    );
  }

  async get(id: string): Promise<CreditNoteDto> {
    const row = await this.repo.findOne({ where: { id } });
    if (!row) throw new ProblemException('not_found', { detail: `No credit note ${id}` });
    return toCreditNoteDto(row);
  }

  /** The ledger invoice, or undefined for a providerInvoiceId the ledger does not know (the upstream decides). */
  private async findInvoice(
    provider: FinanceProvider,
    dto: CreateCreditNoteDto,
  ): Promise<InvoiceEntity | undefined> {
    if (dto.invoiceId) {
      const invoice = await this.invoices.findOne({ where: { id: dto.invoiceId } });
      if (!invoice || invoice.provider !== provider.id) {
        throw violation([
          {
            path: 'invoiceId',
            code: 'INVOICE_NOT_FOUND',
            message: `no ${provider.id} invoice ${dto.invoiceId} in the ledger`,
          },
        ]);
      }
      if (dto.providerInvoiceId && dto.providerInvoiceId !== invoice.providerInvoiceId) {
        throw violation([
          {
            path: 'providerInvoiceId',
            code: 'INVOICE_NOT_FOUND',
            message: `invoice ${dto.invoiceId} is ${invoice.providerInvoiceId}, not ${dto.providerInvoiceId}`,
          },
        ]);
      }
      return invoice;
    }
    const invoice = await this.invoices.findOne({
      where: { provider: provider.id, providerInvoiceId: dto.providerInvoiceId },
    });
    return invoice ?? undefined;
  }

  private checkAgainstInvoice(invoice: InvoiceEntity, dto: CreateCreditNoteDto): void {
    const errors: FieldError[] = [];
    const dealer = (invoice.party as { code?: string } | null)?.code;
    if (dealer !== undefined && dealer !== dto.party.code) {
      errors.push({
        path: 'party.code',
        code: 'DEALER_MISMATCH',
        message: `the invoice belongs to dealer ${dealer}`,
      });
    }
    if (dto.amount > invoice.amount) {
      errors.push({
        path: 'amount',
        code: 'INVALID_AMOUNT',
        message: `the credit note amount exceeds the invoice amount ${invoice.amount}`,
      });
    }
    if (errors.length) throw violation(errors);
  }
}

function violation(errors: FieldError[]): ProblemException {
  return new ProblemException('business_rule_violated', {
    detail: `The credit note breaks ${errors.length === 1 ? 'a rule' : 'rules'} of its invoice: ${errors.map((e) => e.code).join(', ')}`,
    errors,
  });
}

function sameOrConflict(existing: CreditNoteEntity, hash: string): Outcome {
  if (existing.contentHash === hash) return { status: 200, body: toCreditNoteDto(existing) };
  throw new ProblemException('conflict', {
    detail: `Invoice ${existing.providerInvoiceId} has a credit note already (${existing.providerCreditNoteId ?? existing.id})`,
    errors: [
      {
        path: 'providerInvoiceId',
        code: 'CREDIT_NOTE_EXISTS',
        message: 'one credit note per invoice',
      },
    ],
  });
}

export function toCreditNoteDto(row: CreditNoteEntity): CreditNoteDto {
  return {
    id: row.id,
    provider: row.provider,
    reference: row.reference,
    invoiceId: row.invoiceId,
    providerInvoiceId: row.providerInvoiceId,
    providerCreditNoteId: row.providerCreditNoteId,
    status: row.status,
    issuedAt: row.issuedAt ? row.issuedAt.toISOString() : null,
    amount: row.amount,
    reason: row.reason,
    description: row.description,
    party: row.party,
    documentUrl: row.documentUrl,
    mock: row.mock,
    operationId: row.operationId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
