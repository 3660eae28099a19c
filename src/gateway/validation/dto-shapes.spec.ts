import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { AuditLogQueryDto } from '../audit/audit-query.dto';
import {
  CreditMemoStatusBatchDto,
  InvoiceStatusBatchDto,
  RemittanceBatchDto,
} from '../batches/batch.dto';
import { CreateCreditNoteDto } from '../credit-notes/credit-note.dto';
import { CreateInvoiceDto, InvoiceListQueryDto, UpdateInvoiceDto } from '../invoices/invoice.dto';
import { OperationListQueryDto } from '../operations/operation.dto';
import { ProblemException } from '../../common/http/problem-details';
import { validationExceptionFactory } from '../problem/validation';

/** The gateway's own pipe settings (setup-app.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: validationExceptionFactory,
});

async function pathsOf(metatype: ArgumentMetadata['metatype'], value: unknown): Promise<string[]> {
  try {
    await pipe.transform(value, { type: 'body', metatype });
  } catch (error) {
    if (error instanceof ProblemException) return error.init.errors?.map((e) => e.path) ?? [];
    throw error;
  }
  return [];
}

const creditNote = {
  providerInvoiceId: 'EINV-1',
  reference: 'REQ-1',
  party: { code: 'DLR001', name: 'ABC Motors' },
  amount: 10,
  reason: 'why',
};

/** Every DTO refuses, with a 400 naming the field, the shapes that used to reach a service. */
describe('DTO shapes', () => {
  it('a credit note needs its party, as an object', async () => {
    expect(await pathsOf(CreateCreditNoteDto, creditNote)).toEqual([]);
    expect(await pathsOf(CreateCreditNoteDto, { ...creditNote, party: undefined })).toContain(
      'party',
    );
    for (const party of ['DLR001', 5, [], [{ code: 'DLR001', name: 'ABC Motors' }]]) {
      expect([party, await pathsOf(CreateCreditNoteDto, { ...creditNote, party })]).toEqual([
        party,
        expect.arrayContaining(['party']),
      ]);
    }
  });

  it('nested invoice objects are objects, and lines are objects', async () => {
    const invoice = { provider: 'dms', reference: 'R', amount: 1 };
    expect(await pathsOf(CreateInvoiceDto, invoice)).toEqual([]);
    for (const field of ['party', 'taxes', 'order', 'shipTo']) {
      for (const value of ['x', 1, [], [{}]]) {
        expect([
          field,
          value,
          await pathsOf(CreateInvoiceDto, { ...invoice, [field]: value }),
        ]).toEqual([field, value, expect.arrayContaining([field])]);
      }
    }
    expect(
      await pathsOf(CreateInvoiceDto, { ...invoice, lines: [{ quantity: 1 }, 'x'] }),
    ).toContain('lines[1]');
    // an array item that is itself an array: isObject (each) names the list
    expect(await pathsOf(CreateInvoiceDto, { ...invoice, lines: [[{ quantity: 1 }]] })).toContain(
      'lines',
    );
    expect(await pathsOf(UpdateInvoiceDto, { party: [] })).toContain('party');
    expect(await pathsOf(UpdateInvoiceDto, { amount: 1e-7 })).toContain('amount');
  });

  it('batches need their item arrays, items are objects, nested payment and comment too', async () => {
    expect(await pathsOf(InvoiceStatusBatchDto, {})).toContain('updates');
    expect(await pathsOf(CreditMemoStatusBatchDto, { updates: 'x' })).toContain('updates');
    expect(await pathsOf(RemittanceBatchDto, { remittances: [] })).toContain('remittances');
    expect(await pathsOf(InvoiceStatusBatchDto, { updates: [1] })).toContain('updates[0]');
    expect(await pathsOf(InvoiceStatusBatchDto, { updates: [{ comment: [] }] })).toContain(
      'updates[0].comment',
    );
    expect(
      await pathsOf(InvoiceStatusBatchDto, { updates: [{ comment: { attachments: ['x'] } }] }),
    ).toContain('updates[0].comment.attachments[0]');
    expect(await pathsOf(RemittanceBatchDto, { remittances: [{ payment: 'x' }] })).toContain(
      'remittances[0].payment',
    );
    expect(
      await pathsOf(RemittanceBatchDto, { remittances: [{ payment: { grossAmount: 1e-308 } }] }),
    ).toContain('remittances[0].payment.grossAmount');
  });

  it('query DTOs name an unknown or a malformed parameter', async () => {
    expect(await pathsOf(InvoiceListQueryDto, { limit: 'abc' })).toContain('limit');
    expect(await pathsOf(OperationListQueryDto, { nope: '1' })).toContain('nope');
    expect(await pathsOf(AuditLogQueryDto, { reference: ['a', 'b'] })).toContain('reference');
  });
});
