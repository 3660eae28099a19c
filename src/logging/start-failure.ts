import { ConfigValidationError } from '../config/app-config';
import { databaseUnavailableReason } from '../problem/database-unavailable';

/**
 * What a failed start's last log line says: what went wrong and what to fix, in one sentence
 * (no stack; the stack is logged at debug just before). Errors the gateway throws at start-up on
 * purpose (a bad DATA_DIR, a bad setting) carry that sentence as their message already.
 */
export function startFailureMessage(error: unknown): string {
  if (error instanceof ConfigValidationError) {
    return `invoice-gateway cannot start: fix the configuration (environment variables): ${error.problems.join('; ')}`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return 'invoice-gateway cannot start: the port is in use by another process; set PORT (and HOST) to a free one';
  }
  const reason = databaseUnavailableReason(error);
  if (reason) {
    return `invoice-gateway cannot start: the database is unavailable (${reason}); check that DATABASE_URL points at a running PostgreSQL, or unset it for the embedded one`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `invoice-gateway cannot start: ${oneLine(message)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}
