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

/**
 * Delay before the retry that follows failed attempt `attempt` of a webhook delivery: the
 * schedule's entry for it (the last entry repeats), spread by ±20 % jitter so deliveries that
 * failed together do not all come back at once.
 */
export function scheduledDelayMs(
  attempt: number,
  schedule: readonly number[],
  random: () => number = Math.random,
): number {
  if (schedule.length === 0) return 0;
  const planned = schedule[Math.min(Math.max(attempt - 1, 0), schedule.length - 1)];
  return Math.round(planned * (0.8 + 0.4 * random()));
}
