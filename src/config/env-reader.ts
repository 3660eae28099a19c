/**
 * Small typed readers over an environment map. Each records a problem (naming the variable and
 * what it expects) instead of throwing, so start-up can report every bad variable at once.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  required(name: string, expected: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name} is required: expected ${expected}`);
      return '';
    }
    return value;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(
        `${name}="${value}" is invalid: expected an integer from ${min} to ${max}`,
      );
      return fallback;
    }
    return Number(value);
  }

  /** A decimal number in (`above`, `max`]: e.g. a ratio in (0, 1]. */
  decimal(name: string, fallback: number, above: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (!(parsed > above && parsed <= max)) {
      this.problems.push(
        `${name}="${value}" is invalid: expected a decimal number above ${above} and at most ${max}`,
      );
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.problems.push(`${name}="${value}" is invalid: expected true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}="${value}" is invalid: expected one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, protocols: readonly string[] = ['http:', 'https:']): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(
        `${name} is invalid: expected an absolute URL (${protocols.map((p) => p.replace(':', '')).join(' or ')})`,
      );
      return undefined;
    }
  }

  list(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}
