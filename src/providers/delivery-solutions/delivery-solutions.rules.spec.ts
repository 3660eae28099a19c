import type { CanonicalInvoice, ItemError } from '../provider.contract';
import {
  isIanaTimeZone,
  validateDsInvoice,
  validateDsInvoiceUpdate,
} from './delivery-solutions.rules';

const valid: CanonicalInvoice = {
  provider: 'delivery-solutions',
  reference: 'AKunalA0089',
  amount: 10.43,
  brand: 'kunal',
  issuedAt: '2024-02-08T01:35:23.000Z',
  timeZone: 'America/Los_Angeles',
  order: { status: 'DELIVERED' },
};

const at = (errors: ItemError[]) => errors.map((e) => `${e.path}:${e.code}`);
const long = (n: number) => 'x'.repeat(n);

describe('validateDsInvoice', () => {
  it('accepts a minimal invoice and a full one', () => {
    expect(validateDsInvoice(valid)).toEqual([]);
    expect(
      validateDsInvoice({
        ...valid,
        party: { name: 'K', email: 'k@example.com', phone: '+14155550100', externalId: 'u1' },
        order: {
          status: 'DELIVERED',
          deliveryCharge: 5,
          tips: 0,
          deliveredAt: '2024-02-09T18:00:00Z',
        },
        shipTo: { street1: 's', city: 'c', state: 'CA', postalCode: '94105', countryCode: 'CA' },
        lines: [{ sku: 'S', quantity: 1, price: 0, salePrice: 0, tags: Array(20).fill('t') }],
      }),
    ).toEqual([]);
  });

  it('requires orderExternalId, brandExternalId, createdDate, timeZone, orderInfo.status and orderValue', () => {
    expect(
      at(
        validateDsInvoice({
          provider: 'delivery-solutions',
          reference: '',
          amount: undefined as unknown as number,
        }),
      ),
    ).toEqual([
      'reference:required',
      'amount:required',
      'order.status:required',
      'brand:required',
      'issuedAt:required',
      'timeZone:required',
    ]);
  });

  it('checks lengths from the spec', () => {
    expect(
      at(
        validateDsInvoice({
          ...valid,
          reference: long(101),
          groupReference: long(101),
          brand: long(101),
          party: { name: long(101), email: long(101), externalId: long(101) },
          order: { status: long(101) },
        }),
      ),
    ).toEqual([
      'reference:maxLength',
      'groupReference:maxLength',
      'party.name:maxLength',
      'party.email:maxLength',
      'party.externalId:maxLength',
      'order.status:maxLength',
      'brand:maxLength',
    ]);
  });

  it('wants E.164 phone numbers of at most 20 characters', () => {
    expect(at(validateDsInvoice({ ...valid, party: { phone: '415-555-0100' } }))).toEqual([
      'party.phone:invalid',
    ]);
    expect(at(validateDsInvoice({ ...valid, party: { phone: `+1${'2'.repeat(19)}` } }))).toEqual([
      'party.phone:maxLength',
      'party.phone:invalid',
    ]);
  });

  it('wants an IANA time zone and ISO date-times', () => {
    expect(
      at(
        validateDsInvoice({
          ...valid,
          timeZone: 'Pacific Time',
          issuedAt: '08/02/2024',
          order: { status: 'X', deliveredAt: 'soon' },
        }),
      ),
    ).toEqual(['order.deliveredAt:invalid', 'issuedAt:invalid', 'timeZone:invalid']);
  });

  it('wants a non-negative orderValue and whole non-negative tips and delivery charge', () => {
    expect(
      at(
        validateDsInvoice({
          ...valid,
          amount: -0.01,
          order: { status: 'X', tips: 1.5, deliveryCharge: -1 },
        }),
      ),
    ).toEqual(['amount:min', 'order.deliveryCharge:min', 'order.tips:integer']);
  });

  it('needs street1, city, state and postalCode for shipTo, and a supported country', () => {
    expect(at(validateDsInvoice({ ...valid, shipTo: { countryCode: 'IN' } }))).toEqual([
      'shipTo.street1:required',
      'shipTo.city:required',
      'shipTo.state:required',
      'shipTo.postalCode:required',
      'shipTo.countryCode:enum',
    ]);
    expect(
      at(
        validateDsInvoice({
          ...valid,
          shipTo: {
            street1: long(101),
            street2: long(101),
            apartmentNumber: long(51),
            city: 'c',
            state: 's',
            postalCode: long(21),
          },
        }),
      ),
    ).toEqual([
      'shipTo.street1:maxLength',
      'shipTo.street2:maxLength',
      'shipTo.apartmentNumber:maxLength',
      'shipTo.postalCode:maxLength',
    ]);
  });

  it('checks every line: sku, quantity >= 1, prices >= 0, lengths, at most 20 tags', () => {
    expect(
      at(
        validateDsInvoice({
          ...valid,
          lines: [
            { sku: 'ok', quantity: 1 },
            {
              quantity: 0,
              price: -1,
              salePrice: -1,
              upc: long(101),
              category: long(101),
              title: long(201),
              image: long(201),
              description: long(10_001),
              tags: Array(21).fill('t'),
            },
            { sku: 'S', quantity: 1.5 },
          ],
        }),
      ),
    ).toEqual([
      'lines[1].sku:required',
      'lines[1].upc:maxLength',
      'lines[1].category:maxLength',
      'lines[1].quantity:min',
      'lines[1].price:min',
      'lines[1].salePrice:min',
      'lines[1].image:maxLength',
      'lines[1].title:maxLength',
      'lines[1].description:maxLength',
      'lines[1].tags:maxItems',
      'lines[2].quantity:integer',
    ]);
  });
});

describe('validateDsInvoiceUpdate', () => {
  it('accepts an update of the lines only', () => {
    expect(validateDsInvoiceUpdate({ lines: [{ sku: 'S', quantity: 2 }] })).toEqual([]);
  });

  it('needs both orderValue and status when orderInfo is sent', () => {
    expect(at(validateDsInvoiceUpdate({ amount: 5 }))).toEqual(['order.status:required']);
    expect(at(validateDsInvoiceUpdate({ order: { status: 'X' } }))).toEqual(['amount:required']);
    expect(validateDsInvoiceUpdate({ amount: 5, order: { status: 'X' } })).toEqual([]);
  });

  it('applies the create rules to the fields given', () => {
    expect(
      at(
        validateDsInvoiceUpdate({
          reference: '',
          timeZone: 'Mars/Olympus',
          shipTo: { street1: 's', city: 'c', state: 's', postalCode: 'p', countryCode: 'FR' },
        }),
      ),
    ).toEqual(['reference:required', 'timeZone:invalid', 'shipTo.countryCode:enum']);
  });
});

describe('isIanaTimeZone', () => {
  it('knows IANA zones', () => {
    expect(isIanaTimeZone('America/Los_Angeles')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
    expect(isIanaTimeZone('PST8PDT-ish')).toBe(false);
  });
});
