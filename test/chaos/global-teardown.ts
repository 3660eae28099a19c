import type { EmbeddedPostgres } from '../../src/database/embedded-postgres';

/** Stops the embedded server the chaos setup started (when DATABASE_URL was unset). */
export default async function chaosTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  await (g.__CHAOS_EMBEDDED_PG__ as EmbeddedPostgres | undefined)?.stop();
}
