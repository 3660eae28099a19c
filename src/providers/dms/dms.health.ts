import { probeHttp } from '../probe';
import type { ProbeResult } from '../provider.contract';

/** Default wait of the reachability probe. */
export const DMS_PROBE_TIMEOUT_MS = 2000;

/**
 * DMS publishes no health route: an unauthenticated HEAD to the base URL is the cheapest sign of
 * life (any HTTP answer, even 401 or 404, means reachable). No credentials, no circuit.
 */
export function probeDms(baseUrl: string, timeoutMs = DMS_PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return probeHttp(baseUrl, timeoutMs);
}
