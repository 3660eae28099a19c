import { levels } from 'pino';
import { maskKnownSecrets } from '@lib/redaction';
import type { LogFormat } from '../config/log-format-setting';

export {
  defaultLogFormat,
  logFormatOf,
  LOG_FORMATS,
  type LogFormat,
} from '../config/log-format-setting';

/** Keys a pretty line shows in its own place, or not at all (pino's own bookkeeping). */
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'context', 'v']);
const COLOURS: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '35',
};

/**
 * One pino JSON line as a human-readable line: time, level, [context], message, then the other
 * fields as key=value (objects as JSON) and an error's stack on the lines below. Colour only
 * when `colour` (stdout is a terminal). A line that is not JSON is returned as it is.
 */
export function prettyLine(line: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const label = levels.labels[Number(entry.level)] ?? String(entry.level);
  const time = new Date(Number(entry.time)).toISOString().slice(11, 23);
  const paint = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const parts = [time, paint(COLOURS[label] ?? '0', label.toUpperCase().padEnd(5))];
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  if (entry.context !== undefined) parts.push(paint('90', `[${text(entry.context)}]`));
  if (entry.msg !== undefined) parts.push(text(entry.msg));
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (SHOWN_APART.has(key) || value === undefined) continue;
    if (key === 'err' && value && typeof value === 'object') {
      const { stack: errStack, ...rest } = value as Record<string, unknown>;
      if (typeof errStack === 'string') stack = `\n    ${errStack.split('\n').join('\n    ')}`;
      parts.push(`err=${JSON.stringify(rest)}`);
      continue;
    }
    parts.push(`${key}=${text(value)}`);
  }
  return `${parts.join(' ')}${stack}\n`;
}

/**
 * The destination every log line of the process goes through: known secrets scrubbed (also
 * from what Nest itself logs), then written to stdout as JSON or, for `pretty`, as a readable
 * line. process.stdout.write is looked up on each line (tests capture it).
 */
export function logDestination(format: LogFormat): { write(line: string): void } {
  const colour = process.stdout.isTTY === true;
  return {
    write(line: string): void {
      const scrubbed = maskKnownSecrets(line);
      process.stdout.write(format === 'pretty' ? prettyLine(scrubbed, colour) : scrubbed);
    },
  };
}
