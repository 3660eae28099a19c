import { OperationEntity } from '../database/entities/operation.entity';
import { isReplayable, operationView } from './operation-view';

function row(overrides: Partial<OperationEntity>): OperationEntity {
  return Object.assign(new OperationEntity(), {
    id: '7c1a2f0e-0000-4000-8000-000000000001',
    clientId: 'c',
    kind: 'invoice.create',
    provider: 'dms',
    reference: 'REQ-1',
    idempotencyKey: null,
    requestHash: 'x'.repeat(64),
    requestId: 'req-1',
    status: 'queued',
    attempts: 0,
    nextAttemptAt: new Date('2026-01-05T10:00:00Z'),
    command: { kind: 'invoice.create' },
    history: [],
    leaseExpiresAt: null,
    lastError: null,
    responseStatus: null,
    result: null,
    delivery: 'async',
    seriesAttempts: 0,
    seriesStartedAt: new Date('2026-01-05T10:00:00Z'),
    progress: null,
    resolution: null,
    callbackUrl: null,
    callbackStatus: null,
    callbackAttempts: 0,
    callbackLastHttpStatus: null,
    callbackLastError: null,
    callbackNextAttemptAt: null,
    createdAt: new Date('2026-01-05T10:00:00Z'),
    updatedAt: new Date('2026-01-05T10:00:00Z'),
    startedAt: null,
    completedAt: null,
    expiresAt: null,
    ...overrides,
  });
}

describe('operationView', () => {
  it('shows a queued operation with when it is due, a pending callback and only its self link', () => {
    const view = operationView(row({ callbackUrl: 'https://hooks.example.com/x' }));
    expect(view).toMatchObject({
      status: 'queued',
      nextAttemptAt: '2026-01-05T10:00:00.000Z',
      result: null,
      callback: {
        url: 'https://hooks.example.com/x',
        status: 'pending',
        attempts: 0,
        lastHttpStatus: null,
      },
      links: { self: '/v1/operations/7c1a2f0e-0000-4000-8000-000000000001' },
    });
    expect(view.links).not.toHaveProperty('replay');
  });

  it('links a succeeded create to its resource and gives its result and duration', () => {
    const view = operationView(
      row({
        status: 'succeeded',
        result: { id: 'inv-1' },
        startedAt: new Date('2026-01-05T10:00:00Z'),
        completedAt: new Date('2026-01-05T10:00:01.250Z'),
        nextAttemptAt: null,
      }),
    );
    expect(view).toMatchObject({
      result: { id: 'inv-1' },
      durationMs: 1250,
      nextAttemptAt: null,
      links: { resource: '/v1/invoices/inv-1' },
    });
  });

  it('offers replay for failed and dead operations only, and hides the stored problem as result', () => {
    for (const status of ['failed', 'dead'] as const) {
      const view = operationView(row({ status, result: { code: 'upstream_rejected' } }));
      expect(view.links.replay).toBe(`/v1/operations/${view.id}/replay`);
      expect(view.result).toBeNull();
    }
    expect(['queued', 'running', 'succeeded'].map((s) => isReplayable(s as never))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('links an update to the invoice it changes, from its command', () => {
    const view = operationView(
      row({ kind: 'invoice.update', command: { kind: 'invoice.update', invoiceId: 'inv-9' } }),
    );
    expect(view.links.resource).toBe('/v1/invoices/inv-9');
  });
});
