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
