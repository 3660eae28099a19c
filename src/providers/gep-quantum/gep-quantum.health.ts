import { probeHttp } from '../probe';
import type { ProbeResult } from '../provider.contract';

/** Default probe timeout when no connect timeout is configured. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * The cheap reachability probe for /health/upstreams: an unauthenticated HEAD to the base URL
 * (any HTTP answer, even APIM's 401, means reachable). No token, no subscription key, no
 * circuit.
 */
export function gepQuantumProbe(
  baseUrl: string,
  timeoutMs = PROBE_TIMEOUT_MS,
): () => Promise<ProbeResult> {
  return () => probeHttp(baseUrl, timeoutMs);
}
