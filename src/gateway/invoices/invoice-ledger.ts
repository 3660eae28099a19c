import { ProblemException } from '../problem/problem';
import type { ObjectLiteral, Repository } from 'typeorm';
import type { InvoiceEntity } from '../../database/entities/invoice.entity';
import type { InvoiceDto } from './invoice.dto';

export function toInvoiceDto(row: InvoiceEntity): InvoiceDto {
  return {
    id: row.id,
    provider: row.provider,
    reference: row.reference,
    status: row.status,
    providerInvoiceId: row.providerInvoiceId,
    providerDocumentNumber: row.providerDocumentNumber,
    issuedAt: row.issuedAt ? row.issuedAt.toISOString() : null,
    documentUrl: row.documentUrl,
    amount: row.amount,
    currency: row.currency,
    party: row.party,
    mock: row.mock,
    operationId: row.operationId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Postgres unique_violation */
export function isUniqueViolation(error: unknown): boolean {
  return (
    (error as { code?: string; driverError?: { code?: string } })?.driverError?.code === '23505' ||
    (error as { code?: string })?.code === '23505'
  );
}

/** A date from an upstream answer, or null when absent or unparseable. */
export function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * Inserts a new ledger row in one statement (no transaction round trips) and returns it with
 * the generated id and timestamps filled in.
 */
export async function insertRow<T extends ObjectLiteral>(repo: Repository<T>, row: T): Promise<T> {
  await repo.insert(row);
  return row;
}

/** Ledger columns for upstream identifiers hold this many characters. */
const MAX_UPSTREAM_ID = 100;

/** An upstream identifier the ledger can store; an unusable one is the upstream's fault (502). */
export function upstreamId(provider: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > MAX_UPSTREAM_ID) {
    throw new ProblemException('upstream_unavailable', {
      status: 502,
      detail: `${provider} answered with an unusable ${field}`,
      upstream: {
        provider,
        code: 'INVALID_RESPONSE',
        message: `${field} must be a string of at most ${MAX_UPSTREAM_ID} characters`,
        transient: false,
      },
    });
  }
  return value;
}
