import { E164, ISO_WITH_ZONE, isIanaTimeZone } from './validators';

describe('validators', () => {
  it('accepts IANA zones and refuses others', () => {
    for (const zone of ['America/New_York', 'Asia/Kolkata', 'UTC', 'Europe/London'])
      expect(isIanaTimeZone(zone)).toBe(true);
    for (const zone of ['EST5EDT-not', 'Mars/Olympus', '', 5, '+05:30'])
      expect(isIanaTimeZone(zone)).toBe(false);
  });

  it('requires a zone on ISO date-times', () => {
    expect(ISO_WITH_ZONE.test('2025-12-17T10:30:00.000Z')).toBe(true);
    expect(ISO_WITH_ZONE.test('2025-12-17T10:30:00+05:30')).toBe(true);
    expect(ISO_WITH_ZONE.test('2025-12-17T10:30:00')).toBe(false);
    expect(ISO_WITH_ZONE.test('2025-12-17')).toBe(false);
  });

  it('checks E.164 phone numbers', () => {
    expect(E164.test('+14155550123')).toBe(true);
    expect(E164.test('4155550123')).toBe(false);
    expect(E164.test('+0123456789')).toBe(false);
  });
});
