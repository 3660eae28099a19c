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
    for (const k of keys) {
      // defineProperty: a key named __proto__ stays an own key, as JSON.parse made it
      Object.defineProperty(out, storableString(k), {
        value: record[k],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  });
}
