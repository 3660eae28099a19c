import type { EmbeddedPostgres } from '../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  await (g.__EMBEDDED_PG__ as EmbeddedPostgres | undefined)?.stop();
}
