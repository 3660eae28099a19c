import { maskSecretValues, redactTracked } from '@lib/redaction';

/** What replaces a body over the size limit. */
export interface TruncatedBody {
  truncated: true;
  bytes: number;
  preview: string;
}

/**
 * A copy of `value` fit for a log or an audit row: secret-named keys masked, then any literal
 * secret value masked wherever it appears, then cut to `maxBytes` when serialized larger.
 * `serialized` is `JSON.stringify(value)` when the caller has it (the body as sent): it is
 * reused when the redaction changed nothing, instead of serializing the copy again.
 */
export function sanitizeBody(
  value: unknown,
  secrets: readonly string[],
  maxBytes: number,
  serialized?: string,
): unknown {
  if (value === undefined) return undefined;
  const { value: redacted, changed } = redactTracked(value);
  const text =
    typeof redacted === 'string'
      ? redacted
      : !changed && serialized !== undefined
        ? serialized
        : JSON.stringify(redacted);
  if (text === undefined) return undefined;
  const masked = maskSecretValues(text, secrets);
  const bytes = Buffer.byteLength(masked);
  if (bytes > maxBytes) {
    return {
      truncated: true,
      bytes,
      preview: cutToBytes(masked, maxBytes),
    } satisfies TruncatedBody;
  }
  if (masked === text) return redacted;
  if (typeof redacted === 'string') return masked;
  try {
    return JSON.parse(masked) as unknown;
  } catch {
    return masked;
  }
}

function cutToBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text).subarray(0, maxBytes);
  // drop a trailing partial UTF-8 character
  return buf.toString('utf8').replace(/\uFFFD$/, '');
}
