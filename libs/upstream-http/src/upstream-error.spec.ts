import { sanitizeBody } from './audit-body';
import { REDACTED } from '@lib/redaction';
import { parseRetryAfter } from './retry-after';
import { UpstreamError, upstreamProblemFor } from './upstream-error';
import { defaultErrorParser } from './upstream-http.client';

const base = { provider: 'dms', message: 'm', transient: false };

describe('upstreamProblemFor', () => {
  it('maps each kind to its problem code and status', () => {
    expect(
      upstreamProblemFor(new UpstreamError({ ...base, kind: 'rejected', httpStatus: 400 })),
    ).toEqual({
      status: 422,
      code: 'upstream_rejected',
    });
    expect(
      upstreamProblemFor(new UpstreamError({ ...base, kind: 'unavailable', transient: true })),
    ).toEqual({
      status: 502,
      code: 'upstream_unavailable',
    });
    expect(
      upstreamProblemFor(
        new UpstreamError({ ...base, kind: 'unavailable', transient: true, retryAfterSeconds: 60 }),
      ),
    ).toEqual({ status: 503, code: 'upstream_unavailable', retryAfterSeconds: 60 });
    expect(
      upstreamProblemFor(
        new UpstreamError({
          ...base,
          kind: 'circuit_open',
          transient: true,
          retryAfterSeconds: 12,
        }),
      ),
    ).toEqual({ status: 503, code: 'upstream_unavailable', retryAfterSeconds: 12 });
    expect(
      upstreamProblemFor(new UpstreamError({ ...base, kind: 'timeout', transient: true })),
    ).toEqual({
      status: 504,
      code: 'upstream_timeout',
    });
  });

  it('gives the problem upstream block and keeps the cause', () => {
    const cause = new Error('socket');
    const err = new UpstreamError({
      ...base,
      kind: 'rejected',
      httpStatus: 422,
      code: 'INVALID_DEALER_CODE',
      details: { a: 1 },
      cause,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.cause).toBe(cause);
    expect(err.toProblemUpstream()).toEqual({
      provider: 'dms',
      httpStatus: 422,
      code: 'INVALID_DEALER_CODE',
      message: 'm',
      transient: false,
    });
    expect(err.toProblemUpstream()).not.toHaveProperty('correlationId');
  });

  it("carries the upstream's correlation id into the problem's upstream block", () => {
    const err = new UpstreamError({ ...base, kind: 'unavailable', correlationId: '0HN:7' });
    expect(err.correlationId).toBe('0HN:7');
    expect(err.toProblemUpstream()).toMatchObject({ correlationId: '0HN:7' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(['5'], now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe('defaultErrorParser', () => {
  it('picks common code and message fields', () => {
    expect(
      defaultErrorParser(422, { error_code: 'INVALID_DEALER_CODE', message: 'bad dealer' }),
    ).toEqual({
      code: 'INVALID_DEALER_CODE',
      message: 'bad dealer',
    });
    expect(defaultErrorParser(401, { type: 'UNAUTHORIZED', message: 'Invalid Api Key!' })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'Invalid Api Key!',
    });
    expect(defaultErrorParser(400, { errors: [{ code: 'X', errorMessage: 'y' }] })).toEqual({
      code: 'X',
      message: 'y',
    });
    expect(defaultErrorParser(401, { error: 'invalid_client', error_description: 'nope' })).toEqual(
      {
        code: 'invalid_client',
        message: 'nope',
      },
    );
    expect(defaultErrorParser(502, '<html>bad gateway</html>')).toEqual({
      message: '<html>bad gateway</html>',
    });
    expect(defaultErrorParser(502, undefined)).toBeUndefined();
  });
});

describe('sanitizeBody', () => {
  it('masks secret keys and literal secret values, and keeps the shape', () => {
    expect(
      sanitizeBody(
        { password: 'p4ssw0rd', note: 'key is s3cr3t-v4lue', list: [1] },
        ['s3cr3t-v4lue'],
        1_000,
      ),
    ).toEqual({ password: REDACTED, note: `key is ${REDACTED}`, list: [1] });
  });
  it('truncates a body serialized larger than the limit', () => {
    const out = sanitizeBody({ blob: 'é'.repeat(100) }, [], 50) as {
      truncated: boolean;
      preview: string;
    };
    expect(out.truncated).toBe(true);
    expect(Buffer.byteLength(out.preview)).toBeLessThanOrEqual(50);
    expect(out.preview).not.toContain('\uFFFD');
  });
});
