import { randomUUID } from 'node:crypto';
import { runCli } from '../../src/cli/cli';

/** A new API client made with the CLI (`clients:create`) in the database at `databaseUrl`. */
export async function createClient(
  databaseUrl: string,
  scopes: string,
  prefix = 'client',
): Promise<{ name: string; key: string }> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const lines: string[] = [];
  const code = await runCli(['clients:create', '--name', name, '--scopes', scopes], {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    env: { DATABASE_URL: databaseUrl },
  });
  if (code !== 0) throw new Error(`clients:create failed:\n${lines.join('\n')}`);
  return { name, key: lines[lines.length - 1] };
}
