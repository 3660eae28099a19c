import { REDACTED, maskSecretPatterns } from './redaction';

/**
 * Literal secret values this process holds (configured credentials, generated mock
 * credentials). Log lines are scrubbed of them whatever key they appear under, so an error
 * message that echoes a credential never reaches the log; and of every token-shaped value
 * (bearer tokens, Basic credentials, JWTs, secret-named keys written out: maskSecretPatterns),
 * which also covers credentials this process never held, such as an upstream's OAuth token.
 */
const secrets = new Set<string>();

const MIN_LENGTH = 6;

export function registerSecrets(...values: (string | undefined | null)[]): void {
  for (const value of values) if (value && value.length >= MIN_LENGTH) secrets.add(value);
}

export function maskKnownSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return maskSecretPatterns(out);
}
