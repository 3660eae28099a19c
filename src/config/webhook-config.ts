import type { EnvReader } from './env-reader';

/** Events and webhook endpoints (docs/webhooks.md). */
export interface WebhookConfig {
  /** Events (and their deliveries) older than this are deleted. */
  eventsRetentionDays: number;
  /** Delay before each retry of a failed delivery, in order; the last repeats. */
  retryScheduleMs: number[];
  /** Attempts of one delivery before it ends `failed` (a manual retry sends one more). */
  maxAttempts: number;
  /** An endpoint whose deliveries have failed for this long with none delivered is disabled. */
  disableAfterMs: number;
}

/** About 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the Standard Webhooks schedule). */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

export function readWebhookConfig(r: EnvReader): WebhookConfig {
  const raw = r.raw('WEBHOOK_RETRY_SCHEDULE_MS');
  let retryScheduleMs = DEFAULT_RETRY_SCHEDULE_MS;
  if (raw !== undefined) {
    const delays = raw.split(',').map((part) => part.trim());
    const valid = delays.every((d) => /^\d{1,9}$/.test(d)) && delays.length <= 50;
    if (!valid || delays.length === 0) {
      r.problem(
        `WEBHOOK_RETRY_SCHEDULE_MS="${raw}" is invalid: expected comma-separated delays in milliseconds (0 to 999999999)`,
      );
    } else {
      retryScheduleMs = delays.map(Number);
    }
  }
  return {
    eventsRetentionDays: r.int('EVENTS_RETENTION_DAYS', 30, 1, 36500),
    retryScheduleMs,
    maxAttempts: r.int('WEBHOOK_MAX_ATTEMPTS', retryScheduleMs.length + 1, 1, 1000),
    disableAfterMs: r.int('WEBHOOK_DISABLE_AFTER_HOURS', 120, 1, 24 * 365) * 3_600_000,
  };
}
