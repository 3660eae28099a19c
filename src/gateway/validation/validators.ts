import { ValidationOptions, registerDecorator } from 'class-validator';
import { ISO_WITH_ZONE } from '../../common/iso-time';

let zones: Set<string> | undefined;

/** True for an IANA time-zone name this runtime knows (e.g. `America/New_York`, `UTC`). */
export function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (zones.has(value) || value === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/');
  } catch {
    return false;
  }
}

export function IsIanaTimeZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an IANA time zone such as America/New_York`,
        ...options,
      },
      validator: { validate: isIanaTimeZone },
    });
}

export { ISO_WITH_ZONE };

export function IsIsoDateTimeWithZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoDateTimeWithZone',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an ISO-8601 date-time with a zone, e.g. 2025-12-17T10:30:00Z`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          ISO_WITH_ZONE.test(value) &&
          !Number.isNaN(Date.parse(value)),
      },
    });
}

/** E.164 phone number: + and 8 to 15 digits. */
export const E164 = /^\+[1-9]\d{7,14}$/;

/** The largest amount the ledger stores (numeric(14,2)). */
export const MAX_AMOUNT = 999_999_999_999.99;

/**
 * Digits after the decimal point of a finite number as JSON wrote it (its shortest round-trip
 * form): 19.99 -> 2, 1e-7 -> 7, 1.5e-10 -> 11, 1e21 -> 0, 0.1 + 0.2 -> 17. NaN and the
 * infinities have none to count: Infinity.
 */
export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) return Infinity;
  const match = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) return Infinity;
  const fraction = match[1]?.length ?? 0;
  const exponent = match[2] ? Number(match[2]) : 0;
  return Math.max(0, fraction - exponent);
}

/**
 * A money amount: a finite JSON number with at most `maxDecimalPlaces` decimals (2 unless
 * told). The one decimal check of the gateway: class-validator's own
 * `IsNumber({ maxDecimalPlaces })` throws on exponent forms such as 1e-7.
 */
export function IsAmount(maxDecimalPlaces = 2, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isAmount',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a number with at most ${maxDecimalPlaces} decimals`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && decimalPlaces(value) <= maxDecimalPlaces,
      },
    });
}
