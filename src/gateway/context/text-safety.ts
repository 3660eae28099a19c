import type { FieldError } from '../../common/http/problem-details';

/**
 * Text the gateway refuses wherever it enters (JSON bodies, query strings, path parameters):
 * NUL characters and unpaired UTF-16 surrogates. Postgres refuses both in `text` and `jsonb`,
 * so letting one through turns into a 500 (or a lost audit row) when the row is written.
 */
export type UnsafeCharacter = 'nul' | 'surrogate';

// a high surrogate not followed by a low one, or a low surrogate not preceded by a high one
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unsafeCharacter(text: string): UnsafeCharacter | undefined {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  return undefined;
}

/**
 * Names that resolve to a member of Object.prototype (`hasOwnProperty`, `toString`,
 * `__proto__`, `constructor`, ...) plus `prototype`. class-transformer's plainToInstance
 * silently drops any key whose name is a function on the target instance, so the validation
 * pipe's whitelist never sees these and cannot refuse them: they are refused where input is
 * parsed instead.
 */
export function isPrototypeKey(key: string): boolean {
  return key === 'prototype' || key === '__proto__' || Object.hasOwn(Object.prototype, key);
}

/** A name safe to print in a message or store in a row: NUL and lone surrogates as \uXXXX. */
export function printable(text: string): string {
  return text
    .replaceAll('\u0000', 'U+0000')
    .replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      (ch) => `U+${ch.charCodeAt(0).toString(16).toUpperCase()}`,
    );
}

/** The field error for an unsafe character found at `path` (already printable). */
export function unsafeCharacterError(
  path: string,
  kind: UnsafeCharacter,
  what: string,
): FieldError {
  return kind === 'nul'
    ? {
        path,
        code: 'controlCharacter',
        message: `${what} must not contain NUL characters (U+0000)`,
      }
    : {
        path,
        code: 'unpairedSurrogate',
        message: `${what} must not contain unpaired UTF-16 surrogates (U+D800 to U+DFFF alone)`,
      };
}

export function forbiddenKeyError(path: string): FieldError {
  return { path, code: 'forbiddenKey', message: `${path} is not an accepted field name` };
}
