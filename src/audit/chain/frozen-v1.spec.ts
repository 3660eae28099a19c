import { legacyRowHash } from '../../database/migrations/1796116036836-AuditHashChain';
import { GENESIS_HASH, rowHash } from './audit-chain';

/** The AuditHashChain migration hashes with its own frozen copy of chain version 1. */
describe('the migration frozen chain version 1', () => {
  const row = {
    chainId: '5b0f7e52-8f0e-4a55-9a53-3f3e2e0c1b11',
    seq: 1,
    prevHash: GENESIS_HASH,
    followsChainId: null,
    followsSeq: null,
    at: '2026-01-02T03:04:05.678000Z',
    requestId: 'req-1',
    clientId: null,
    clientName: 'ops',
    direction: 'inbound',
    provider: 'dms',
    operation: 'invoice.create',
    method: 'POST',
    path: '/v1/invoices',
    status: 201,
    durationMs: 12,
    attempt: null,
    outcome: 'success',
    errorCode: null,
    operationId: null,
    reference: 'INV-1',
    requestBody: { b: [1, 2.5, 'x', null, { é: true, a: -0.1 }], a: 'ü' },
    responseBody: null,
  };

  it('gives the hash the live chain gives to a row without a trace id', () => {
    expect(legacyRowHash(row)).toBe(rowHash(row));
    expect(legacyRowHash({ ...row, seq: 2, prevHash: rowHash(row) })).toBe(
      rowHash({ ...row, seq: 2, prevHash: rowHash(row), traceId: null }),
    );
  });

  it('is pinned to the version 1 answer', () => {
    expect(legacyRowHash(row)).toBe(KNOWN_V1_HASH);
  });
});

// computed by the live rowHash of chain version 1 when the migration was frozen
const KNOWN_V1_HASH = '07d6bf4a656d0ebf454f769bee5e9ab46ab51ec0c8f09373f246af40df00908d';
