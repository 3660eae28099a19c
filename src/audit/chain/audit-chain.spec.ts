import { createHash } from 'node:crypto';
import {
  CONTENT_FIELDS,
  GENESIS_HASH,
  auditTimestamp,
  canonicalJson,
  checkRow,
  rowHash,
  type ChainedContent,
  type ChainedRow,
} from './audit-chain';

function content(overrides: Partial<ChainedContent> = {}): ChainedContent {
  return {
    chainId: '0b6a8f1e-6a3e-4a4b-9d36-1f6f3c1d2e10',
    seq: 1,
    prevHash: GENESIS_HASH,
    followsChainId: null,
    followsSeq: null,
    at: '2026-12-01T09:00:00.123000Z',
    requestId: 'req-1',
    clientId: null,
    clientName: 'bootstrap',
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
    reference: 'REQ-1',
    requestBody: { amount: 150000.5, party: { code: 'DLR001', name: 'ABC' } },
    responseBody: null,
    ...overrides,
  };
}

function sealed(overrides: Partial<ChainedContent> = {}): ChainedRow {
  const c = content(overrides);
  return { ...c, hash: rowHash(c) };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text whatever order the keys came in (jsonb reorders them)', () => {
    const stored = JSON.parse('{"zeta":1,"alpha":{"b":true,"a":"x"},"mid":[1,2]}') as unknown;
    const reordered = JSON.parse('{"mid":[1,2],"alpha":{"a":"x","b":true},"zeta":1}') as unknown;
    expect(canonicalJson(stored)).toBe(canonicalJson(reordered));
  });

  it('sorts keys by UTF-16 code units, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('writes numbers in their shortest round-trip form, as they read back from jsonb', () => {
    expect(canonicalJson([1.0, 0.1 + 0.2, 1e21, -0, 150000.5, 5e-324])).toBe(
      '[1,0.30000000000000004,1e+21,0,150000.5,5e-324]',
    );
    // what Postgres would hand back for these numbers parses to the same text
    expect(canonicalJson(JSON.parse('[1.0, 1000000000000000000000, 150000.50]'))).toBe(
      '[1,1e+21,150000.5]',
    );
  });

  it('escapes strings as JSON does and keeps non-ASCII as characters', () => {
    expect(canonicalJson({ s: 'a"b\\c\n€😀' })).toBe('{"s":"a\\"b\\\\c\\n€😀"}');
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/not a JSON number/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/not a JSON value/);
    expect(() => canonicalJson({ b: 1n })).toThrow(/not a JSON value/);
  });
});

describe('rowHash', () => {
  it('is SHA-256 of the canonical JSON of the versioned content', () => {
    const c = content();
    const expected = createHash('sha256')
      .update(canonicalJson({ v: 1, ...c }), 'utf8')
      .digest('hex');
    expect(rowHash(c)).toBe(expected);
    expect(rowHash(c)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with every field of the content, prevHash included', () => {
    const base = rowHash(content());
    const changed: Record<string, unknown> = {
      chainId: '1b6a8f1e-6a3e-4a4b-9d36-1f6f3c1d2e10',
      seq: 2,
      prevHash: 'f'.repeat(64),
      followsChainId: '2b6a8f1e-6a3e-4a4b-9d36-1f6f3c1d2e10',
      followsSeq: 7,
      at: '2026-12-01T09:00:00.123001Z',
      requestId: 'req-2',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      connection: 'dms-uat',
      clientId: '3b6a8f1e-6a3e-4a4b-9d36-1f6f3c1d2e10',
      clientName: 'other',
      direction: 'outbound',
      provider: 'gep-smart',
      operation: 'invoice.update',
      method: 'PUT',
      path: '/v1/invoices/1',
      status: 200,
      durationMs: 13,
      attempt: 1,
      outcome: 'rejected',
      errorCode: 'conflict',
      operationId: '4b6a8f1e-6a3e-4a4b-9d36-1f6f3c1d2e10',
      reference: 'REQ-2',
      requestBody: { amount: 150000.51, party: { code: 'DLR001', name: 'ABC' } },
      responseBody: { ok: true },
    };
    expect(Object.keys(changed).sort()).toEqual([...CONTENT_FIELDS].sort());
    for (const [field, value] of Object.entries(changed)) {
      expect([field, rowHash(content({ [field]: value }))]).not.toEqual([field, base]);
    }
  });

  it('hashes a row without a connection as before the column existed, and one with it over it', () => {
    const c = content();
    const before = rowHash(c);
    expect(rowHash({ ...c, connection: null })).toBe(before);
    expect(rowHash({ ...c, connection: undefined })).toBe(before);
    const onConnection = rowHash({ ...c, connection: 'dms-uat' });
    expect(onConnection).not.toBe(before);
    expect(rowHash({ ...c, connection: 'dms' })).not.toBe(onConnection);
  });

  it('hashes a row without a trace id as chain version 1 did, and one with it over the trace id', () => {
    const c = content();
    const v1 = createHash('sha256')
      .update(canonicalJson({ v: 1, ...c }), 'utf8')
      .digest('hex');
    expect(rowHash({ ...c, traceId: null })).toBe(v1);
    expect(rowHash({ ...c, traceId: undefined })).toBe(v1);
    const traced = { ...c, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };
    expect(rowHash(traced)).toBe(
      createHash('sha256')
        .update(canonicalJson({ v: 1, ...traced }), 'utf8')
        .digest('hex'),
    );
    expect(rowHash(traced)).not.toBe(v1);
  });

  it('ignores what is not content (the database id, the stored hash)', () => {
    const c = content();
    expect(rowHash({ ...c, id: '42', hash: 'x' } as ChainedContent)).toBe(rowHash(c));
  });
});

describe('auditTimestamp', () => {
  it('writes UTC with the six fraction digits timestamptz keeps', () => {
    expect(auditTimestamp(new Date('2026-12-01T10:00:00.5+01:00'))).toBe(
      '2026-12-01T09:00:00.500000Z',
    );
  });
});

describe('checkRow', () => {
  const first = sealed();
  const second = sealed({ seq: 2, prevHash: first.hash });
  const third = sealed({ seq: 3, prevHash: second.hash });

  it('accepts a row that follows the previous one', () => {
    expect(checkRow(undefined, first)).toBeUndefined();
    expect(checkRow(first, second)).toBeUndefined();
  });

  it('names a changed row', () => {
    expect(checkRow(first, { ...second, status: 500 })?.code).toBe('hash_mismatch');
  });

  it('names a gap', () => {
    const found = checkRow(first, third);
    expect(found).toMatchObject({ code: 'seq_gap', seq: 3 });
    expect(found?.reason).toContain('seq 2 is missing');
  });

  it('names a row that does not follow its predecessor', () => {
    const forged = sealed({ seq: 2, prevHash: 'a'.repeat(64) });
    expect(checkRow(first, forged)?.code).toBe('prev_hash_mismatch');
  });

  it('names a repeated and a backwards seq', () => {
    expect(checkRow(second, second)?.code).toBe('duplicate_seq');
    expect(checkRow(third, second)?.code).toBe('out_of_order');
  });
});

describe('rowHash, written directly', () => {
  /** The definition: SHA-256 of the canonical JSON of { v: 1, ...every content field }. */
  function byDefinition(c: ChainedContent): string {
    const hashed: Record<string, unknown> = { v: 1 };
    for (const field of CONTENT_FIELDS) {
      const value = c[field] ?? null;
      if (value === null && (field === 'traceId' || field === 'connection')) continue;
      hashed[field] = value;
    }
    return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
  }

  it('hashes exactly the canonical JSON of the versioned content, with and without a trace id', () => {
    for (const c of [
      content(),
      content({ traceId: 'a'.repeat(32) }),
      content({ traceId: null, seq: 2, responseBody: ['x', { b: 1, a: [null, true] }] }),
      content({ requestBody: 'a string body', errorCode: 'conflict', attempt: 3 }),
      content({ connection: 'dms-uat', traceId: 'b'.repeat(32) }),
    ]) {
      expect(rowHash(c)).toBe(byDefinition(c));
    }
  });
});
