import { ProblemException } from '../../src/problem/problem';
import type { InvoiceCreateCommand } from '../../src/operations/commands';
import { contentHash } from '../../src/operations/canonical-json';
import { LostLeaseError } from '../../src/database/repositories/operation-rows';
import type { CanonicalInvoice, InvoiceResult } from '../../src/providers/provider.contract';
import { fakeProvider, HandlerHarness, problemOf, unique } from './handler-harness';

/** invoice.create against the database with a fake provider: its rules and each outcome. */
describe('InvoiceCreateHandler (database, fake provider)', () => {
  let h: HandlerHarness;
  beforeAll(async () => {
    h = await HandlerHarness.open();
  });
  afterAll(() => h.close());

  const invoice = (reference = unique('INV'), amount = 100): CanonicalInvoice => ({
    provider: 'dms',
    reference,
    amount,
  });
  const command = (doc = invoice()): InvoiceCreateCommand => ({
    kind: 'invoice.create',
    provider: 'dms',
    invoice: doc,
  });
  const answer = (id = unique('E')): InvoiceResult => ({
    providerInvoiceId: id,
    status: 'issued',
    raw: { id, access_token: 'secret-token' },
  });
  const provider = (
    create: (doc: CanonicalInvoice) => Promise<InvoiceResult> = () => Promise.resolve(answer()),
    extra = {},
  ) => fakeProvider('dms', { 'invoice.create': (doc) => create(doc) }, extra);

  it('check: the provider must serve it (422) and its rules pass (400 naming the field)', async () => {
    const rules = provider(undefined, {
      validateInvoice: () => [{ path: 'amount', code: 'max', message: 'too much' }],
    });
    const refused = await problemOf(h.handlers(rules)['invoice.create'].check(command()));
    expect(refused).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(refused.init.errors).toEqual([{ path: 'amount', code: 'max', message: 'too much' }]);
    const none = fakeProvider('dms', {});
    expect(await problemOf(h.handlers(none)['invoice.create'].check(command()))).toMatchObject({
      status: 422,
      code: 'unsupported_operation',
    });
    await expect(h.handlers(provider())['invoice.create'].check(command())).resolves.toBe(
      undefined,
    );
  });

  it('admit: a reference the ledger holds with other content is 409; the same content passes', async () => {
    const handlers = h.handlers(provider());
    const doc = invoice();
    await handlers['invoice.create'].run(await h.attempt(command(doc)), command(doc));
    await expect(handlers['invoice.create'].admit(command(doc))).resolves.toBe(undefined);
    const other = { ...doc, amount: 999 };
    expect(await problemOf(handlers['invoice.create'].admit(command(other)))).toMatchObject({
      status: 409,
      code: 'conflict',
    });
  });

  it('run: settles the ledger row (upstream answer redacted) and the operation in one statement', async () => {
    const handlers = h.handlers(provider());
    const doc = invoice();
    const attempt = await h.attempt(command(doc), { ledger: { invoice: null } });
    const settled = await handlers['invoice.create'].run(attempt, command(doc));
    expect(settled).toMatchObject({ responseStatus: 201, result: { reference: doc.reference } });
    const row = await h.invoices.findByReference('dms', doc.reference);
    expect(row).toMatchObject({ contentHash: contentHash(doc), operationId: attempt.op.id });
    expect(row?.upstreamResponse).toMatchObject({ access_token: '[REDACTED]' });
    expect(await h.status(attempt.op.id)).toBe('succeeded');
  });

  it('run: a concurrent create took the reference meanwhile: answered from its row', async () => {
    const doc = invoice();
    const rival = h.handlers(provider());
    const handlers = h.handlers(
      provider(async () => {
        // another request creates the same invoice while this one is upstream
        await rival['invoice.create'].run(await h.attempt(command(doc)), command(doc));
        return answer();
      }),
    );
    const attempt = await h.attempt(command(doc), { ledger: { invoice: null } });
    const settled = await handlers['invoice.create'].run(attempt, command(doc));
    expect(settled.responseStatus).toBe(200);
    expect(await h.status(attempt.op.id)).toBe('succeeded');
  });

  it('run: an attempt that lost its lease writes nothing', async () => {
    const doc = invoice();
    let operationId = '';
    const handlers = h.handlers(
      provider(async () => {
        await h.takeOver(operationId);
        return answer();
      }),
    );
    const attempt = await h.attempt(command(doc), { ledger: { invoice: null } });
    operationId = attempt.op.id;
    await expect(handlers['invoice.create'].run(attempt, command(doc))).rejects.toBeInstanceOf(
      LostLeaseError,
    );
    expect(await h.invoices.findByReference('dms', doc.reference)).toBeNull();
    expect(await h.status(attempt.op.id)).toBe('running');
  });

  it('run: a duplicate refusal after an attempt of unknown outcome is outcome_uncertain', async () => {
    const duplicate = new ProblemException('conflict', { detail: 'exists upstream' });
    const handlers = h.handlers(
      provider(() => Promise.reject(duplicate), {
        isDuplicateCreate: (error: unknown) => error === duplicate,
      }),
    );
    const doc = invoice();
    const first = await h.attempt(command(doc));
    // an earlier attempt for this reference whose answer was lost
    await h.dataSource.query(
      `UPDATE operations SET reference = $2, history = '[{"outcomeUnknown": true}]'::jsonb WHERE id = $1`,
      [first.op.id, doc.reference],
    );
    const refused = await problemOf(
      handlers['invoice.create'].run(await h.attempt(command(doc)), command(doc)),
    );
    expect(refused.code).toBe('outcome_uncertain');
    // without such an attempt, the upstream's refusal stands
    const fresh = invoice();
    expect(
      await problemOf(
        handlers['invoice.create'].run(await h.attempt(command(fresh)), command(fresh)),
      ),
    ).toBe(duplicate);
  });
});
