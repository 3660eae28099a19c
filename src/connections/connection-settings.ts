import { EnvReader } from '../config/env-reader';
import type { FieldError } from '../problem/problem';
import type { BaseSettings, ProviderDefinition } from '../providers/provider-definition';

/**
 * The naming rule of DESIGN section 11: a connection's settings and secrets are the provider's
 * environment variables without the prefix, in camelCase (`DMS_BASE_URL` -> `settings.baseUrl`,
 * `DMS_API_KEY` -> `secrets.apiKey`). Which variables a provider has, and which of them are
 * secrets, is read from its own definition (`readSettings` and `secrets`), so a connection is
 * checked by exactly the code that checks the environment.
 */

type AnyDefinition = Pick<
  ProviderDefinition<string, BaseSettings>,
  'id' | 'envPrefix' | 'readSettings' | 'secrets'
>;

/** A provider's connection fields: each setting and secret with its environment variable. */
export interface ConnectionFields {
  /** field name -> environment variable, for non-secret settings. */
  settings: ReadonlyMap<string, string>;
  /** field name -> environment variable, for secrets. */
  secrets: ReadonlyMap<string, string>;
}

/** `settings.mock: true` runs the connection against its own in-process simulator. */
export const MOCK_FIELD = 'mock';

/** Records every variable a definition reads. */
class RecordingReader extends EnvReader {
  readonly names = new Set<string>();

  override raw(name: string): string | undefined {
    this.names.add(name);
    return super.raw(name);
  }
}

const PROBE = '\u0001probe:';

export function fieldName(prefix: string, variable: string): string {
  return variable
    .slice(prefix.length + 1)
    .toLowerCase()
    .replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const cache = new Map<string, ConnectionFields>();

/** The fields of a provider's connections, derived from its definition (cached). */
export function connectionFields(definition: AnyDefinition): ConnectionFields {
  const known = cache.get(definition.id);
  if (known) return known;
  const recorder = new RecordingReader({});
  definition.readSettings(recorder);
  const variables = [...recorder.names].filter((n) => n.startsWith(`${definition.envPrefix}_`));
  // every variable set to a marker naming it: the values secrets() picks name the secret fields
  const probeEnv = Object.fromEntries(variables.map((v) => [v, `${PROBE}${v}`]));
  const probed = definition.readSettings(new EnvReader(probeEnv));
  const secretVariables = new Set(
    definition
      .secrets(probed)
      .filter((value): value is string => typeof value === 'string' && value.startsWith(PROBE))
      .map((value) => value.slice(PROBE.length)),
  );
  const settings = new Map<string, string>();
  const secrets = new Map<string, string>();
  for (const variable of variables) {
    const target = secretVariables.has(variable) ? secrets : settings;
    target.set(fieldName(definition.envPrefix, variable), variable);
  }
  const fields = { settings, secrets };
  cache.set(definition.id, fields);
  return fields;
}

/** What a connection's settings and secrets check to. */
export interface CheckedConnection<S extends BaseSettings = BaseSettings> {
  /** The provider's settings, as its definition reads them (secrets included). */
  settings: S;
  mock: boolean;
  errors: FieldError[];
}

/** The variables `text` names, in the order it names them. */
function mentionedIn(text: string, variables: ReadonlyMap<string, string>): string[] {
  const position = (v: string) => text.search(new RegExp(`\\b${v}\\b`));
  return [...variables.keys()]
    .filter((v) => position(v) >= 0)
    .sort((a, b) => position(a) - position(b));
}

function asVariable(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}

/**
 * Checks a connection's settings and secrets with the provider's own rules: one error per bad
 * field, each naming it (`settings.baseUrl`, `secrets.apiKey`); unknown fields and a secret
 * given as a setting (or the reverse) are errors too. Values never appear in a message.
 */
export function checkConnection<S extends BaseSettings>(
  definition: ProviderDefinition<string, S>,
  settings: Record<string, unknown>,
  secrets: Record<string, unknown>,
): CheckedConnection<S> {
  const fields = connectionFields(definition);
  const errors: FieldError[] = [];
  const env: Record<string, string> = {};
  const pathOf = new Map<string, string>();
  for (const [field, variable] of fields.settings) pathOf.set(variable, `settings.${field}`);
  for (const [field, variable] of fields.secrets) pathOf.set(variable, `secrets.${field}`);
  let mock = false;
  const take = (group: 'settings' | 'secrets', values: Record<string, unknown>) => {
    const own = fields[group];
    const other = fields[group === 'settings' ? 'secrets' : 'settings'];
    for (const [field, value] of Object.entries(values)) {
      const path = `${group}.${field}`;
      if (group === 'settings' && field === MOCK_FIELD) {
        if (typeof value !== 'boolean') {
          errors.push({ path, code: 'isBoolean', message: `${path} must be true or false` });
        } else mock = value;
        continue;
      }
      const variable = own.get(field);
      if (!variable) {
        errors.push({
          path,
          code: 'unknown_field',
          message: other.has(field)
            ? `${field} is a ${group === 'settings' ? 'secret: give it in secrets' : 'setting: give it in settings'}`
            : `${definition.id} has no ${group === 'settings' ? 'setting' : 'secret'} ${field}; known: ${[...own.keys(), ...(group === 'settings' ? [MOCK_FIELD] : [])].join(', ')}`,
        });
        continue;
      }
      if (value === null || value === undefined) continue;
      const text = asVariable(value);
      if (text === undefined || text.trim() === '') {
        errors.push({ path, code: 'isString', message: `${path} must be a non-empty string` });
        continue;
      }
      env[variable] = text;
    }
  };
  take('settings', settings);
  take('secrets', secrets);
  const reader = new EnvReader(env);
  const parsed = definition.readSettings(reader);
  const reported = new Set(errors.map((e) => e.path));
  for (const problem of reader.problems) {
    // the field a problem is about: the first variable named after "missing", else the first named
    const at = problem.lastIndexOf('missing');
    const variable =
      mentionedIn(at >= 0 ? problem.slice(at) : '', pathOf)[0] ?? mentionedIn(problem, pathOf)[0];
    const path = variable ? pathOf.get(variable)! : 'settings';
    if (reported.has(path)) continue;
    reported.add(path);
    let message = problem;
    for (const [v, p] of pathOf) message = message.replace(new RegExp(`\\b${v}\\b`, 'g'), p);
    errors.push({ path, code: 'invalid_setting', message });
  }
  if (!mock && !parsed.baseUrl && !reported.has('settings.baseUrl')) {
    errors.push({
      path: 'settings.baseUrl',
      code: 'isDefined',
      message: 'settings.baseUrl is required (or settings.mock: true to run against the simulator)',
    });
  }
  return { settings: parsed, mock, errors };
}
