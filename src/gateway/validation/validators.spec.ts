import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { E164, ISO_WITH_ZONE, IsAmount, decimalPlaces, isIanaTimeZone } from './validators';

class Priced {
  @IsAmount() amount!: unknown;
}
const amountErrors = (amount: unknown) =>
  validateSync(plainToInstance(Priced, { amount })).map((e) => Object.keys(e.constraints ?? {}));

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

  it('counts decimals of every number form JSON can give, exponents included', () => {
    const cases: [number, number][] = [
      [0, 0],
      [-0, 0],
      [19.99, 2],
      [150000, 0],
      [1e-7, 7],
      [1.5e-10, 11],
      [1e-308, 308],
      [5e-324, 324],
      [1e21, 0],
      [1.7976931348623157e308, 0],
      [0.1 + 0.2, 17],
      [0.3, 1],
      [1.005, 3],
      [-12.5, 1],
      [123456789012.34, 2],
    ];
    for (const [value, places] of cases)
      expect([value, decimalPlaces(value)]).toEqual([value, places]);
    for (const value of [NaN, Infinity, -Infinity]) expect(decimalPlaces(value)).toBe(Infinity);
  });

  it('IsAmount refuses tiny exponent forms, float noise and non-numbers without throwing', () => {
    for (const ok of [0, -0, 1, 19.99, 0.1, 1e2, 999999999999.99, 1e21]) {
      expect([ok, amountErrors(ok)]).toEqual([ok, []]);
    }
    for (const bad of [
      1e-7,
      1e-308,
      5e-324,
      0.1 + 0.2,
      1.005,
      10.123,
      NaN,
      Infinity,
      '1',
      null,
      {},
      [],
    ]) {
      expect([bad, amountErrors(bad)]).toEqual([bad, [['isAmount']]]);
    }
  });
});
