/**
 * How log lines are written (LOG_FORMAT): `json`, one pino JSON object a line, for a file, a
 * pipe or a log collector; `pretty`, one human-readable line each, for a terminal. Unset: pretty
 * when stdout is a terminal, JSON otherwise.
 */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function defaultLogFormat(isTty = process.stdout.isTTY === true): LogFormat {
  return isTty ? 'pretty' : 'json';
}

/** LOG_FORMAT as given when valid, else the default (a bad value is reported by the config). */
export function logFormatOf(
  env: Record<string, string | undefined>,
  isTty = process.stdout.isTTY === true,
): LogFormat {
  const given = env.LOG_FORMAT;
  return (LOG_FORMATS as readonly string[]).includes(given ?? '')
    ? (given as LogFormat)
    : defaultLogFormat(isTty);
}
