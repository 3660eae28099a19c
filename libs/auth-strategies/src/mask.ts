const MASK = '[REDACTED]';

/** Replaces every occurrence of the given secret values (>= 4 chars) in a text. */
export function maskSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  }
  return out;
}

/** A short, single-line, masked excerpt of an upstream text (for error messages). */
export function safeExcerpt(
  value: unknown,
  secrets: Iterable<string | undefined>,
  max = 200,
): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return maskSecrets(oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine, secrets);
}
