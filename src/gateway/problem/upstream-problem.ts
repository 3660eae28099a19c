import { ProblemException } from './problem';

/** The fields of libs/upstream-http's UpstreamError the filter relies on. */
interface UpstreamErrorLike {
  name: string;
  provider: string;
  kind: 'rejected' | 'unavailable' | 'timeout' | 'circuit_open';
  httpStatus?: number;
  code?: string;
  message: string;
  transient: boolean;
  retryAfterSeconds?: number;
}

function isUpstreamError(error: unknown): error is UpstreamErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'UpstreamError' &&
    typeof (error as { provider?: unknown }).provider === 'string'
  );
}

/** Maps an upstream failure to DESIGN.md's problem codes; undefined for other errors. */
export function upstreamProblem(error: unknown): ProblemException | undefined {
  if (!isUpstreamError(error)) return undefined;
  const upstream = {
    provider: error.provider,
    httpStatus: error.httpStatus,
    code: error.code,
    message: error.message,
    transient: error.transient,
  };
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  }
  switch (error.kind) {
    case 'rejected':
      return new ProblemException('upstream_rejected', {
        detail: `${error.provider} rejected the request: ${error.message}`,
        upstream,
      });
    case 'timeout':
      return new ProblemException('upstream_timeout', {
        detail: `${error.provider} did not answer in time`,
        upstream,
      });
    case 'circuit_open':
      return new ProblemException('upstream_unavailable', {
        status: 503,
        detail: `${error.provider} is failing; calls are paused until it recovers`,
        upstream,
        headers,
      });
    case 'unavailable':
      return new ProblemException('upstream_unavailable', {
        status: error.httpStatus === 503 || error.httpStatus === 429 ? 503 : 502,
        detail: `${error.provider} is unavailable: ${error.message}`,
        upstream,
        headers,
      });
  }
}
