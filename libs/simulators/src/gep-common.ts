import { loadFixture } from './fixtures';

/** Error codes GEP uses in `errorDetails[].errors[].errorCode`. */
export type GepErrorCode = 'MandatoryField' | 'DataValidation';

export interface GepError {
  errorCode: GepErrorCode;
  errorDescription: string;
}

/** Magic prefixes shared by the GEP simulators (see README). */
export const GEP_MAGIC = {
  /** documentNumber / supplierInvoiceNumber / batchId / clientPartnerCode / source system. */
  invalid: 'INVALID-',
  /** documentNumber: the document is already paid. */
  paid: 'PAID-',
  /** clientPartnerCode: the supplier is unknown. */
  unknownSupplier: 'UNKNOWN-',
  /** documentNumber: the whole request fails with a 500. */
  serverError: 'SIM-GEP-ERROR',
} as const;

let invalidDocuments: Set<string> | undefined;

/** Document numbers GEP rejects: an `INVALID-` prefix or `fixtures/gep-invalid-documents.json`. */
export function isInvalidGepDocument(documentNumber: string): boolean {
  invalidDocuments ??= new Set(
    loadFixture<string[]>('gep-invalid-documents.json').map((value) => value.toUpperCase()),
  );
  return (
    documentNumber.toUpperCase().startsWith(GEP_MAGIC.invalid) ||
    invalidDocuments.has(documentNumber.toUpperCase())
  );
}

export function startsWithMagic(value: string | undefined, prefix: string): boolean {
  return value !== undefined && value.toUpperCase().startsWith(prefix.toUpperCase());
}

/**
 * GEP reports token lifetime in MINUTES. The simulator's token really lives `ttlSeconds`; the
 * reported value is ttlSeconds / 60, floored to 3 decimals so it never overstates the lifetime
 * (3600 s -> 60; 90 s -> 1.5; 30 s -> 0.5). Real GEP sends whole minutes.
 */
export function gepExpiresMinutes(ttlSeconds: number): number {
  return Math.floor((ttlSeconds / 60) * 1000) / 1000;
}

/** Finds a status in a list case-insensitively; returns the list's spelling. */
export function matchStatus(statuses: readonly string[], value: string): string | undefined {
  const lower = value.trim().toLowerCase();
  return statuses.find((status) => status.toLowerCase() === lower);
}
