import {
  maskSecretPatterns,
  masksValue,
  redact,
  REDACTED,
  REDACTION_MAX_DEPTH,
  setOwn,
} from '@lib/redaction';
/**
 * What Postgres stores exactly as given. text and jsonb refuse NUL characters, and an unpaired
 * UTF-16 surrogate is no character at all (jsonb refuses its escape; a text parameter would
 * reach the server as U+FFFD, so the stored row would no longer match its hash). Both are
 * replaced by their visible escape text, so every string can be stored and reads back equal.
 */
// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one
// eslint-disable-next-line no-control-regex -- NUL is exactly what has to be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableString(text: string): string {
  return text.replace(UNSTORABLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** storableString, cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function storableText(text: string, max: number): string {
  const safe = storableString(text);
  if (safe.length <= max) return safe;
  const cut = safe.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * A plain JSON copy of a value (what JSON.stringify keeps: toJSON applied, undefined and
 * functions dropped, non-finite numbers null) with every string and key made storable.
 * Throws on what JSON cannot hold (a BigInt, a cycle).
 */
export function storableJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) return null;
  return JSON.parse(text, (_key, inner: unknown) => {
    if (typeof inner === 'string') return storableString(inner);
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.every((k) => storableString(k) === k)) return record;
    const out: Record<string, unknown> = {};
    for (const k of keys) setOwn(out, storableString(k), record[k]);
    return out;
  });
}

/** Raised inside storableRedacted's walk on a value that is not plain JSON data. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain('not plain JSON data');

/**
 * `storableJson(redact(value))` in one walk, for the plain JSON data audit bodies nearly always
 * are (parsed request and answer bodies): secret-named keys masked, token-shaped text masked,
 * every string and key storable, JSON.stringify's rules for undefined and non-finite numbers.
 * Anything else in the tree (a Date, a Buffer, a class instance, a function) takes the two-step
 * path, so the result is always exactly what that path gives.
 */
export function storableRedacted(value: unknown): unknown {
  try {
    const safe = plainWalk(value, 0, new WeakSet());
    return safe === undefined ? null : safe;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return storableJson(redact(value));
  }
}

function plainWalk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return storableString(maskSecretPatterns(value));
    case 'number':
      return Number.isFinite(value) ? value + 0 : null;
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      break;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw NOT_PLAIN;
  }
  if (value === null) return null;
  const proto: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  if (depth > REDACTION_MAX_DEPTH) return storableString('[TRUNCATED]');
  if (seen.has(value)) return storableString('[CIRCULAR]');
  seen.add(value);
  if (isArray) {
    return (value as unknown[]).map((item) => {
      const safe = plainWalk(item, depth + 1, seen);
      return safe === undefined ? null : safe;
    });
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    const safe = masksValue(key, inner) ? REDACTED : plainWalk(inner, depth + 1, seen);
    if (safe !== undefined) setOwn(out, storableString(key), safe);
  }
  return out;
}
