import { UpstreamError } from '@lib/upstream-http';
import { internalProblem, knownProblem, problemBody, ProblemException } from './problem';

const upstream = (init: Partial<ConstructorParameters<typeof UpstreamError>[0]>) =>
  new UpstreamError({
    provider: 'dms',
    kind: 'unavailable',
    message: 'HTTP 503',
    transient: true,
    httpStatus: 503,
    ...init,
  });

describe('knownProblem', () => {
  it('keeps a ProblemException as it is', () => {
    const problem = new ProblemException('conflict', { detail: 'taken' });
    expect(knownProblem(problem)).toBe(problem);
  });

  it('maps upstream failures with the library rule, keeping the upstream facts', () => {
    const rejected = knownProblem(
      upstream({
        kind: 'rejected',
        transient: false,
        httpStatus: 400,
        code: 'INVALID_DEALER_CODE',
      }),
    )!;
    expect([rejected.code, rejected.status]).toEqual(['upstream_rejected', 422]);
    expect(rejected.init.upstream).toMatchObject({
      provider: 'dms',
      httpStatus: 400,
      code: 'INVALID_DEALER_CODE',
      transient: false,
    });

    const unavailable = knownProblem(upstream({}))!;
    expect([unavailable.code, unavailable.status]).toEqual(['upstream_unavailable', 502]);
    expect(unavailable.init.headers).toEqual({});

    const told = knownProblem(upstream({ httpStatus: 429, retryAfterSeconds: 2.2 }))!;
    expect([told.code, told.status]).toEqual(['upstream_unavailable', 503]);
    expect(told.init.headers).toEqual({ 'retry-after': '3' });

    const open = knownProblem(upstream({ kind: 'circuit_open', retryAfterSeconds: 30 }))!;
    expect([open.status, open.init.headers]).toEqual([503, { 'retry-after': '30' }]);

    const timeout = knownProblem(upstream({ kind: 'timeout', httpStatus: undefined }))!;
    expect([timeout.code, timeout.status]).toEqual(['upstream_timeout', 504]);
  });

  it('knows nothing of other errors (the caller answers internal_error without their message)', () => {
    expect(knownProblem(new Error('secret detail'))).toBeUndefined();
    const body = problemBody(internalProblem(), 'req-1');
    expect(body).toMatchObject({ status: 500, code: 'internal_error', requestId: 'req-1' });
    expect(JSON.stringify(body)).not.toContain('secret detail');
  });
});
