import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigValidationError } from './config/app-config';
import { loadConfig } from './load-config';

/**
 * docs/configuration.md against the code: every variable `loadConfig` reads (the one place the
 * gateway reads its environment) is documented there, and every variable its tables name is read.
 */
const DOC = readFileSync(join(__dirname, '../docs/configuration.md'), 'utf8');
const OWN_SECTION = DOC.split('\n## Variables of the tools')[0];
/** `<P>_TIMEOUT_MS` in the providers' table stands for one variable per provider prefix. */
const PROVIDER_PREFIX = /^(DMS|GEP_SMART|GEP_QUANTUM|DELIVERY_SOLUTIONS)_/;

/** The names `loadConfig` looks up when given `env`, whether it accepts them or not. */
function namesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  try {
    loadConfig(recording);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
  }
  return read;
}

/** Variable names in the first column of the tables of the gateway's own section. */
function namesInTables(): string[] {
  return OWN_SECTION.split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

describe('docs/configuration.md', () => {
  const read = new Set([
    ...namesRead({}),
    // production and live providers: the branches that read more
    ...namesRead({
      NODE_ENV: 'production',
      DMS_BASE_URL: 'https://dms.example.com',
      GEP_SMART_BASE_URL: 'https://smart.example.com',
      GEP_QUANTUM_BASE_URL: 'https://quantum.example.com',
      DELIVERY_SOLUTIONS_BASE_URL: 'https://ds.example.com',
      CALLBACK_ALLOWED_HOSTS: 'hooks.example.com',
    }),
  ]);

  it('sees the variables the configuration reads', () => {
    expect(read.size).toBeGreaterThan(60);
    expect(read).toContain('DATABASE_URL');
    expect(read).toContain('GEP_SMART_DEADLINE_MS');
  });

  it('documents every variable the gateway reads', () => {
    const missing = [...read].filter(
      (name) =>
        !OWN_SECTION.includes(`\`${name}\``) &&
        !(
          PROVIDER_PREFIX.test(name) &&
          OWN_SECTION.includes(`\`${name.replace(PROVIDER_PREFIX, '<P>_')}\``)
        ),
    );
    expect(missing).toEqual([]);
  });

  it('names no variable the gateway does not read', () => {
    const named = namesInTables();
    expect(named.length).toBeGreaterThan(60);
    const unread = named.filter((name) =>
      name.startsWith('<P>_') ? !read.has(name.replace('<P>_', 'DMS_')) : !read.has(name),
    );
    expect(unread).toEqual([]);
  });
});
