/**
 * Secret masking shared by the logger, the audit writer and the outbound HTTP library.
 * A value is masked when its key names a secret; the shape of the data is kept so the
 * redacted copy stays useful for debugging.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'ocp-apim-subscription-key',
  'gep-auth-key',
  'sharedsecret',
  'client_secret',
  'clientsecret',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'password',
  'apikey',
  'api_key',
  'x-gateway-signature',
]);

const SECRET_PATTERN =
  /secret|password|passwd|token|api[-_]?key|auth[-_]?key|credential|private[-_]?key/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase()) || SECRET_PATTERN.test(key);
}

const MAX_DEPTH = 20;

/** A deep copy of `value` with every secret-named key's value replaced by `[REDACTED]`. */
export function redact<T>(value: T): T {
  return redactValue(value, 0, new WeakSet()) as T;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[TRUNCATED]';
  if (seen.has(value)) return '[CIRCULAR]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && inner !== null && inner !== undefined && inner !== ''
        ? REDACTED
        : redactValue(inner, depth + 1, seen);
  }
  return out;
}

/** Headers with secret values masked; header names are lower-cased. */
export function redactHeaders(
  headers: Record<string, unknown> | undefined | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = isSecretKey(name) ? REDACTED : value;
  }
  return out;
}

/** A URL with secret-named query parameters and any user-info masked. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return url;
  }
  const relative = parsed.host === 'relative.invalid' && !/^[a-z]+:\/\//i.test(url);
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretKey(key)) parsed.searchParams.set(key, REDACTED);
  }
  const text = parsed.toString();
  return relative ? text.slice('http://relative.invalid'.length) : text;
}

/**
 * Masks any occurrence of the given literal secret values inside a string
 * (for error messages and free text that might echo a credential).
 */
export function maskSecretValues(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}
