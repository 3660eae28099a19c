import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadConfig } from './load-config';
import { createApp } from './setup-app';
import { createOpenApiDocument } from './gateway/openapi/document';

/**
 * Writes the OpenAPI document /docs-json serves to a file, from the built app, without
 * listening: `node dist/src/openapi-export.js openapi.json`. The app is built as
 * main.ts builds it (it connects to DATABASE_URL, or an in-memory embedded Postgres when unset).
 */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/src/openapi-export.js <output.json>');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_IN_MEMORY: 'true',
    ...process.env,
  });
  const app = await createApp(config);
  try {
    await app.init();
    writeFileSync(out, `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`);
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `openapi export failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
