/**
 * Secret masking shared by the logger, the audit writer and the outbound HTTP library.
 * A value is masked when its key names a secret, and any string is scrubbed of token-shaped
 * text (maskSecretPatterns) whatever its key; the shape of the data is kept so the redacted
 * copy stays useful for debugging.
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

/** Objects nested deeper are cut ('[TRUNCATED]'), by redact and by every copy that follows its rules. */
export const REDACTION_MAX_DEPTH = 20;

/** A deep copy of `value` with every secret-named key's value replaced by `[REDACTED]`. */
export function redact<T>(value: T): T {
  return redactValue(value, 0, new WeakSet(), { changed: false }) as T;
}

/**
 * `redact`, also telling whether the copy serializes differently from `value`: `false` only
 * for plain JSON data (objects, arrays, primitives) in which nothing was masked, so that
 * `JSON.stringify(value)` is also the copy's serialization.
 */
export function redactTracked<T>(value: T): { value: T; changed: boolean } {
  const track = { changed: false };
  return { value: redactValue(value, 0, new WeakSet(), track) as T, changed: track.changed };
}

function redactValue(
  value: unknown,
  depth: number,
  seen: WeakSet<object>,
  track: { changed: boolean },
): unknown {
  if (typeof value === 'string') {
    const masked = maskSecretPatterns(value);
    if (masked !== value) track.changed = true;
    return masked;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > REDACTION_MAX_DEPTH) {
    track.changed = true;
    return '[TRUNCATED]';
  }
  if (seen.has(value)) {
    track.changed = true;
    return '[CIRCULAR]';
  }
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen, track));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) {
    track.changed = true;
    return `[${value.length} bytes]`;
  }
  // class instances, boxed values, toJSON: their serialization is theirs, not the copy's
  const proto: unknown = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) track.changed = true;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    let safe: unknown;
    if (masksValue(key, inner)) {
      safe = REDACTED;
      track.changed = true;
    } else {
      safe = redactValue(inner, depth + 1, seen, track);
    }
    setOwn(out, key, safe);
  }
  return out;
}

/** Whether the value under `key` is replaced by `[REDACTED]`: a secret-named key holding something. */
export function masksValue(key: string, value: unknown): boolean {
  return isSecretKey(key) && value !== null && value !== undefined && value !== '';
}

/**
 * Sets an own enumerable property of a copy. A key named __proto__ (JSON.parse makes it an own
 * key) stays one: it never becomes the copy's prototype.
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
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
 * Masks any occurrence of the given literal secret values inside a string, then any
 * token-shaped text (maskSecretPatterns): for error messages and free text that might echo a
 * credential.
 */
export function maskSecretValues(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return maskSecretPatterns(out);
}

// Every pattern below runs in linear time on hostile text (bounded repeats, literal anchors,
// no nested quantifiers): strings from request bodies pass through here on their way to audit rows.

/** `Bearer <token>` (RFC 6750 b64token), 8 characters or more. */
const BEARER = /\b(Bearer)(\s{1,8})[A-Za-z0-9\-._~+/]{8,}=*/gi;
/** `Basic <base64>`: masked when it decodes to `user:password`. */
const BASIC = /\b(Basic)(\s{1,8})([A-Za-z0-9+/]{6,}={0,2})/gi;
/** Runs of base64url and dots long enough to be a JSON Web Token... */
const TOKEN_RUN = /[\w.-]{20,}/g;
/** ...and a JWT exactly (its header always starts `{"`, base64url `eyJ`). */
const JWT = /^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*\.?$/;
/**
 * A secret-named key followed by its value in text: JSON (`"access_token":"..."`, also
 * escaped inside a string), query or form (`token=...`), header-like (`x-api-key: ...`).
 * Values under 8 characters are left: they are no credential, and `[REDACTED]` is not masked
 * twice.
 */
const NAMED_VALUE =
  /(?<![\w-])([\w-]{0,32}(?:secret|password|passwd|token|api[-_]?key|auth[-_]?key|credential)[\w-]{0,32}\\?"?\s{0,8}[:=]\s{0,8}\\?"?)([^\s"'&,;\\]{8,})/gi;

const REDACTED_IN_URL = encodeURIComponent(REDACTED);

/**
 * What any pattern above needs somewhere in the text (a JWT starts `eyJ`; the named values need
 * one of their key words): one linear test lets the text most strings are go untouched.
 */
const MAYBE_SECRET = /eyJ|bearer|basic|secret|passw|token|key|credential/i;

/**
 * Masks credentials recognisable by their shape, wherever they appear in a text: bearer tokens,
 * Basic credentials, JWTs, and the values of secret-named keys written out in text (an upstream
 * answer that echoes `Authorization` or a token, a log line, an error message).
 */
export function maskSecretPatterns(text: string): string {
  if (text.length < 8 || !MAYBE_SECRET.test(text)) return text;
  return text
    .replace(TOKEN_RUN, (run) => (JWT.test(run) ? REDACTED : run))
    .replace(BEARER, (_m, word: string, space: string) => `${word}${space}${REDACTED}`)
    .replace(BASIC, (match: string, word: string, space: string, encoded: string) =>
      isBasicCredential(encoded) ? `${word}${space}${REDACTED}` : match,
    )
    .replace(NAMED_VALUE, (match: string, key: string, value: string) =>
      value.startsWith(REDACTED) || value.startsWith(REDACTED_IN_URL) ? match : `${key}${REDACTED}`,
    );
}

function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  return /^[\x20-\x7e]*:[\x20-\x7e]*$/.test(decoded) && decoded.length >= 3;
}
