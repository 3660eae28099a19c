export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failed transiently: exponential with full
 * jitter (uniform in [0, min(max, base * 2^(attempt-1))]), and never shorter than the upstream's
 * Retry-After (which may exceed the ceiling: the upstream knows best when it recovers).
 */
export function retryDelayMs(
  attempt: number,
  settings: BackoffSettings,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
