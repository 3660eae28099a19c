import { ISO_WITH_ZONE } from '../common/iso-time';
import { ProblemException } from '../problem/problem';

/** A from/to pair as dates; from must come before to (else a 400 naming `to`). */
export function timeRange(from?: string, to?: string): { from?: Date; to?: Date } {
  const range = { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
  if (range.from && range.to && range.from.getTime() >= range.to.getTime()) {
    throw new ProblemException('validation_failed', {
      detail: 'The query has 1 invalid field: to',
      errors: [{ path: 'to', code: 'isAfterFrom', message: 'to must be later than from' }],
    });
  }
  return range;
}

/** For the CLI: an ISO-8601 date-time with a zone, or an error naming the option. */
export function parseTimeOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(Date.parse(value)))
    throw new Error(
      `--${name} must be an ISO-8601 date-time with a zone, e.g. 2026-11-01T00:00:00Z`,
    );
  return value;
}
