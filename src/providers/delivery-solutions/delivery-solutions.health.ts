import { probeHttp } from '../probe';
import type { ProbeResult } from '../provider.contract';

/** Default wait of the reachability probe. */
export const DS_PROBE_TIMEOUT_MS = 2000;

/**
 * No health route is published: an unauthenticated HEAD to the base URL (any HTTP answer means
 * reachable). It fetches no token and does not touch the circuit.
 */
export function probeDeliverySolutions(
  baseUrl: string,
  timeoutMs = DS_PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  return probeHttp(baseUrl, timeoutMs);
}
