import type { FastifyReply, FastifyRequest } from 'fastify';
import { defaultDmsOptions, type DmsDealer, type DmsSimulatorOptions } from './sim-config';
import { loadFixture } from './fixtures';
import { basicCredentials, bearerToken, isRecord, presentString, safeEqual } from './sim-http';
import { registerDmsWebhookSender } from './dms-webhooks';
import { buildSimulator } from './sim-server';
import type { Simulator } from './sim-types';

/** DMS error codes: the spec's, plus UNAUTHORIZED and INVALID_DATA (see README). */
export type DmsErrorCode =
  | 'INVALID_DEALER_CODE'
  | 'INVALID_AMOUNT'
  | 'IO_NOT_FOUND'
  | 'DMS_SERVICE_ERROR'
  | 'INVOICE_NOT_FOUND'
  | 'DEALER_MISMATCH'
  | 'CREDIT_NOTE_EXISTS'
  | 'INVALID_DATA'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND';

/** A `request_number` starting with this answers 500 DMS_SERVICE_ERROR. */
export const DMS_SERVICE_ERROR_PREFIX = 'SIM-DMS-ERROR';
/** A credit note whose `reason` starts with this is issued for half the amount asked. */
export const DMS_PARTIAL_CREDIT_PREFIX = 'SIM-DMS-PARTIAL';

/** GST invoice document number: at most 16 characters. */
const GST_DOCUMENT_NUMBER = /^[A-Za-z1-9][A-Za-z0-9/-]{0,15}$/;

interface StoredCreditNote {
  requestNumber: string;
  amount: number;
  /** What DMS issued: the amount asked, or half of it for DMS_PARTIAL_CREDIT_PREFIX. */
  issuedAmount: number;
  reason: string;
  number: string;
  date: string;
  url: string;
}

interface StoredInvoice {
  requestNumber: string;
  dealerCode: string;
  dealerName: string;
  amount: number;
  number: string;
  dmsNumber: string;
  date: string;
  url: string;
  creditNote?: StoredCreditNote;
}

class DmsError extends Error {
  constructor(
    readonly status: number,
    readonly code: DmsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function dmsErrorBody(code: DmsErrorCode, message: string) {
  return { success: false, error: message, error_code: code };
}

function codeForStatus(status: number): DmsErrorCode {
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 500 || status === 429) return 'DMS_SERVICE_ERROR';
  return 'INVALID_DATA';
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = presentString(body[field]);
  if (value === undefined) {
    throw new DmsError(400, 'INVALID_DATA', `${field} is required and must be a non-empty string`);
  }
  return value.trim();
}

/** INR, positive, at most 2 decimals. */
function requireAmount(body: Record<string, unknown>, field = 'amount'): number {
  const value = body[field];
  if (value === undefined || value === null) {
    throw new DmsError(400, 'INVALID_DATA', `${field} is required`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DmsError(400, 'INVALID_AMOUNT', `${field} must be a number`);
  }
  if (value < 0) throw new DmsError(400, 'INVALID_AMOUNT', `${field} must not be negative`);
  if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6) {
    throw new DmsError(400, 'INVALID_AMOUNT', `${field} must have at most 2 decimals`);
  }
  return value;
}

/** GST rules: CGST + SGST in equal halves (intra-state) or IGST alone; total = sum. */
function checkTaxDetails(value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) throw new DmsError(400, 'INVALID_DATA', 'tax_details must be an object');
  const parts: Record<string, number> = {};
  for (const key of ['cgst', 'sgst', 'igst', 'total_tax']) {
    const part = value[key] ?? 0;
    if (typeof part !== 'number' || !Number.isFinite(part) || part < 0) {
      throw new DmsError(400, 'INVALID_DATA', `tax_details.${key} must be a non-negative number`);
    }
    parts[key] = part;
  }
  const cents = (n: number) => Math.round(n * 100);
  if (parts.igst > 0 && (parts.cgst > 0 || parts.sgst > 0)) {
    throw new DmsError(400, 'INVALID_DATA', 'tax_details: IGST cannot be combined with CGST/SGST');
  }
  if (cents(parts.cgst) !== cents(parts.sgst)) {
    throw new DmsError(400, 'INVALID_DATA', 'tax_details: CGST and SGST must be equal');
  }
  if (
    value.total_tax !== undefined &&
    cents(parts.total_tax) !== cents(parts.cgst) + cents(parts.sgst) + cents(parts.igst)
  ) {
    throw new DmsError(400, 'INVALID_DATA', 'tax_details: total_tax must equal cgst + sgst + igst');
  }
}

/**
 * Dealer DMS: `POST /api/invoices/generate` and `POST /api/credit-notes/generate`, with
 * `Authorization: Bearer <apiKey>` or Basic `username:password`. Remembers invoices and
 * credit notes until reset.
 */
export function createDmsSimulator(overrides: Partial<DmsSimulatorOptions> = {}): Simulator {
  const options: DmsSimulatorOptions = { ...defaultDmsOptions(), ...overrides };
  const dealers = new Map(
    (options.dealers ?? loadFixture<DmsDealer[]>('dms-dealers.json')).map((dealer) => [
      dealer.code.toUpperCase(),
      dealer,
    ]),
  );
  const ioNumbers = new Set(
    (options.ioNumbers ?? loadFixture<string[]>('dms-io-numbers.json')).map((io) =>
      io.toUpperCase(),
    ),
  );
  const byRequest = new Map<string, StoredInvoice>();
  const byNumber = new Map<string, StoredInvoice>();
  const usedNumbers = new Set<string>();
  let sequence = 0;

  /** `REQ-2025-001234` -> `EINV-2025-001234`, as in the spec; a sequence when that won't fit. */
  function documentNumber(prefix: string, source: string): string {
    const derived = `${prefix}-${source.replace(/^(?:REQ|EINV)-/i, '')}`;
    if (GST_DOCUMENT_NUMBER.test(derived) && !usedNumbers.has(derived.toUpperCase())) {
      usedNumbers.add(derived.toUpperCase());
      return derived;
    }
    let candidate: string;
    do {
      sequence += 1;
      const year = new Date(options.now()).getUTCFullYear();
      candidate = `${prefix}-${year}-${String(sequence).padStart(6, '0')}`;
    } while (usedNumbers.has(candidate.toUpperCase()));
    usedNumbers.add(candidate.toUpperCase());
    return candidate;
  }

  function authorized(request: FastifyRequest): boolean {
    const bearer = bearerToken(request);
    if (bearer !== undefined) return safeEqual(bearer, options.apiKey);
    const basic = basicCredentials(request);
    return (
      basic !== undefined &&
      safeEqual(basic.user, options.username) &&
      safeEqual(basic.password, options.password)
    );
  }

  function bodyOf(request: FastifyRequest): Record<string, unknown> {
    if (!isRecord(request.body)) {
      throw new DmsError(400, 'INVALID_DATA', 'Request body must be a JSON object');
    }
    const requestNumber = request.body.request_number;
    if (typeof requestNumber === 'string' && requestNumber.startsWith(DMS_SERVICE_ERROR_PREFIX)) {
      throw new DmsError(500, 'DMS_SERVICE_ERROR', 'DMS internal error: please retry later');
    }
    return request.body;
  }

  function generateInvoice(request: FastifyRequest) {
    const body = bodyOf(request);
    const requestNumber = requireString(body, 'request_number');
    const dealerCode = requireString(body, 'dealer_code');
    const dealerName = requireString(body, 'dealer_name');
    const amount = requireAmount(body);
    requireString(body, 'description');
    if (!dealers.has(dealerCode.toUpperCase())) {
      throw new DmsError(400, 'INVALID_DEALER_CODE', `Dealer code ${dealerCode} not found in DMS`);
    }
    const io = body.io_number;
    if (io !== undefined && io !== null && io !== '') {
      if (typeof io !== 'string' || !ioNumbers.has(io.trim().toUpperCase())) {
        throw new DmsError(
          400,
          'IO_NOT_FOUND',
          `IO number ${typeof io === 'string' ? io : JSON.stringify(io)} not found`,
        );
      }
    }
    checkTaxDetails(body.tax_details);

    const existing = byRequest.get(requestNumber.toUpperCase());
    if (existing) {
      if (
        existing.dealerCode.toUpperCase() !== dealerCode.toUpperCase() ||
        existing.amount !== amount
      ) {
        throw new DmsError(
          400,
          'INVALID_DATA',
          `request_number ${requestNumber} was already used for e-invoice ${existing.number} with a different dealer or amount`,
        );
      }
      return invoiceAnswer(existing);
    }
    const number = documentNumber('EINV', requestNumber);
    const invoice: StoredInvoice = {
      requestNumber,
      dealerCode,
      dealerName,
      amount,
      number,
      dmsNumber: number.replace(/^EINV-/, 'DMS-'),
      date: new Date(options.now()).toISOString(),
      url: `${options.documentBaseUrl}/invoices/${encodeURIComponent(number)}`,
    };
    byRequest.set(requestNumber.toUpperCase(), invoice);
    byNumber.set(number.toUpperCase(), invoice);
    return invoiceAnswer(invoice);
  }

  function generateCreditNote(request: FastifyRequest) {
    const body = bodyOf(request);
    const requestNumber = requireString(body, 'request_number');
    const invoiceNumber = requireString(body, 'e_invoice_number');
    const dealerCode = requireString(body, 'dealer_code');
    const dealerName = requireString(body, 'dealer_name');
    const amount = requireAmount(body);
    const reason = requireString(body, 'reason');
    const invoice = byNumber.get(invoiceNumber.toUpperCase());
    if (!invoice) {
      throw new DmsError(400, 'INVOICE_NOT_FOUND', `E-invoice ${invoiceNumber} not found in DMS`);
    }
    if (
      invoice.dealerCode.toUpperCase() !== dealerCode.toUpperCase() ||
      invoice.dealerName.trim().toLowerCase() !== dealerName.trim().toLowerCase()
    ) {
      throw new DmsError(
        400,
        'DEALER_MISMATCH',
        `Dealer ${dealerCode} (${dealerName}) does not match e-invoice ${invoice.number}`,
      );
    }
    const existing = invoice.creditNote;
    if (existing) {
      if (
        existing.requestNumber.toUpperCase() === requestNumber.toUpperCase() &&
        existing.amount === amount &&
        existing.reason === reason
      ) {
        return creditNoteAnswer(existing); // an exact repeat is idempotent
      }
      throw new DmsError(
        400,
        'CREDIT_NOTE_EXISTS',
        `Credit note ${existing.number} already generated for e-invoice ${invoice.number}`,
      );
    }
    if (amount > invoice.amount) {
      throw new DmsError(
        400,
        'INVALID_AMOUNT',
        `Credit note amount ${amount} exceeds e-invoice amount ${invoice.amount}`,
      );
    }
    const number = documentNumber('CN', invoice.number);
    invoice.creditNote = {
      requestNumber,
      amount,
      issuedAmount: reason.startsWith(DMS_PARTIAL_CREDIT_PREFIX)
        ? Math.round(amount * 50) / 100
        : amount,
      reason,
      number,
      date: new Date(options.now()).toISOString(),
      url: `${options.documentBaseUrl}/credit-notes/${encodeURIComponent(number)}`,
    };
    return creditNoteAnswer(invoice.creditNote);
  }

  function handle(operation: (request: FastifyRequest) => unknown) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      if (!authorized(request)) {
        return reply
          .code(401)
          .send(dmsErrorBody('UNAUTHORIZED', 'Unauthorized: invalid or missing DMS credentials'));
      }
      try {
        return reply.code(200).send(operation(request));
      } catch (error) {
        if (!(error instanceof DmsError)) throw error;
        return reply.code(error.status).send(dmsErrorBody(error.code, error.message));
      }
    };
  }

  return buildSimulator({
    id: 'dms',
    options,
    tokenFormat: 'opaque',
    errorBody: (status, message) => dmsErrorBody(codeForStatus(status), message),
    faultBody: (status) =>
      dmsErrorBody(
        codeForStatus(status),
        status >= 500 ? 'DMS system unavailable' : `Simulated fault ${status}`,
      ),
    routes(app) {
      app.post('/api/invoices/generate', handle(generateInvoice));
      app.post('/api/credit-notes/generate', handle(generateCreditNote));
      registerDmsWebhookSender(app, options.webhookSecret);
    },
    resetState() {
      byRequest.clear();
      byNumber.clear();
      usedNumbers.clear();
      sequence = 0;
    },
  });
}

function invoiceAnswer(invoice: StoredInvoice) {
  return {
    success: true,
    e_invoice_number: invoice.number,
    dms_number: invoice.dmsNumber,
    invoice_date: invoice.date,
    invoice_url: invoice.url,
  };
}

function creditNoteAnswer(note: StoredCreditNote) {
  return {
    success: true,
    credit_note_number: note.number,
    credit_note_date: note.date,
    credit_note_amount: note.issuedAmount,
    credit_note_url: note.url,
  };
}
