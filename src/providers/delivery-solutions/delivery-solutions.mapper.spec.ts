import type { CanonicalInvoice } from '../provider.contract';
import {
  fromDsInvoiceAnswer,
  mergePassThrough,
  toDsCreateInvoiceRequest,
  toDsItem,
  toDsUpdateInvoiceRequest,
} from './delivery-solutions.mapper';

const invoice: CanonicalInvoice = {
  provider: 'delivery-solutions',
  reference: 'AKunalA0089',
  groupReference: 'GAKunalA0089',
  party: {
    name: 'Kunal',
    email: 'kunal@example.com',
    phone: '+14155550100',
    externalId: 'user-42',
  },
  amount: 10.43,
  currency: 'USD',
  brand: 'kunal',
  location: 'location001',
  issuedAt: '2024-02-08T01:35:23.000Z',
  timeZone: 'America/Los_Angeles',
  order: {
    status: 'DELIVERED',
    type: 'delivery',
    deliveryCharge: 5,
    tips: 2,
    deliveredAt: '2024-02-09T18:00:00.000Z',
    attributes: { channel: 'web' },
  },
  shipTo: {
    street1: '156 2nd Street',
    street2: 'Floor 2',
    apartmentNumber: '4B',
    city: 'San Francisco',
    state: 'CA',
    postalCode: '94105',
    countryCode: 'US',
    latitude: 37.787,
    longitude: -122.397,
  },
  lines: [
    {
      sku: 'SKU-1',
      upc: '012345678905',
      category: 'shoes',
      quantity: 2,
      price: 5,
      salePrice: 4.5,
      title: 'Runner',
      description: 'A shoe',
      image: 'https://img.example.com/1.png',
      tags: ['new'],
      attributes: { color: 'red' },
    },
  ],
};

describe('toDsCreateInvoiceRequest', () => {
  it('maps every canonical field to its Delivery Solutions name', () => {
    expect(toDsCreateInvoiceRequest(invoice)).toStrictEqual({
      itemList: [
        {
          sku: 'SKU-1',
          upc: '012345678905',
          category: 'shoes',
          quantity: 2,
          price: 5,
          salePrice: 4.5,
          title: 'Runner',
          description: 'A shoe',
          image: 'https://img.example.com/1.png',
          tags: ['new'],
          itemAttributes: { color: 'red' },
        },
      ],
      groupId: 'GAKunalA0089',
      orderExternalId: 'AKunalA0089',
      customer: {
        name: 'Kunal',
        email: 'kunal@example.com',
        phone: '+14155550100',
        userExternalId: 'user-42',
      },
      orderInfo: {
        orderValue: 10.43,
        status: 'DELIVERED',
        type: 'delivery',
        amount: 5,
        tips: 2,
        actualDeliveryTime: '2024-02-09T18:00:00.000Z',
        attributes: { channel: 'web' },
      },
      deliveryAddress: {
        street1: '156 2nd Street',
        street2: 'Floor 2',
        apartmentNumber: '4B',
        city: 'San Francisco',
        state: 'CA',
        postalCode: '94105',
        countryCode: 'US',
        latitude: 37.787,
        longitude: -122.397,
      },
      brandExternalId: 'kunal',
      createdDate: 1707356123000,
      timeZone: 'America/Los_Angeles',
      locationExternalId: 'location001',
    });
  });

  it('converts issuedAt with any offset to epoch milliseconds', () => {
    const body = toDsCreateInvoiceRequest({ ...invoice, issuedAt: '2024-02-07T17:35:23-08:00' });
    expect(body.createdDate).toBe(1707356123000);
  });

  it('sends the required customer, orderInfo and itemList even when the invoice has none', () => {
    const body = toDsCreateInvoiceRequest({
      provider: 'delivery-solutions',
      reference: 'R1',
      amount: 0,
      brand: 'b',
      issuedAt: '2024-01-01T00:00:00Z',
      timeZone: 'UTC',
      order: { status: 'NEW' },
    });
    expect(body).toStrictEqual({
      itemList: [],
      orderExternalId: 'R1',
      customer: {},
      orderInfo: { orderValue: 0, status: 'NEW' },
      brandExternalId: 'b',
      createdDate: 1704067200000,
      timeZone: 'UTC',
    });
  });

  it('throws on an issuedAt the rules would have rejected', () => {
    expect(() => toDsCreateInvoiceRequest({ ...invoice, issuedAt: 'yesterday' })).toThrow(
      /issuedAt/,
    );
  });

  it('merges passThrough under the mapped body (nested objects too)', () => {
    const body = toDsCreateInvoiceRequest({
      ...invoice,
      passThrough: {
        storeExternalId: 'store-7',
        orderExternalId: 'IGNORED',
        orderInfo: { currencyCode: 'USD', orderValue: 1 },
      },
    });
    expect(body.storeExternalId).toBe('store-7');
    expect(body.orderExternalId).toBe('AKunalA0089');
    expect(body.orderInfo).toMatchObject({ currencyCode: 'USD', orderValue: 10.43 });
  });
});

describe('toDsItem', () => {
  it('carries size and weight in itemAttributes (the spec does not publish their object schema)', () => {
    expect(toDsItem({ sku: 'S', quantity: 1, size: 'M', weight: 1.2 })).toStrictEqual({
      sku: 'S',
      quantity: 1,
      itemAttributes: { size: 'M', weight: 1.2 },
    });
  });
});

describe('toDsUpdateInvoiceRequest', () => {
  it('sends only the fields given', () => {
    expect(
      toDsUpdateInvoiceRequest({ lines: [{ sku: 'SKU-2', quantity: 1, title: 'Sock' }] }),
    ).toStrictEqual({ itemList: [{ sku: 'SKU-2', quantity: 1, title: 'Sock' }] });
  });

  it('maps amount and order together to orderInfo, and the other fields by name', () => {
    expect(
      toDsUpdateInvoiceRequest({
        reference: 'R2',
        groupReference: 'G2',
        amount: 20,
        order: { status: 'RETURNED', tips: 1 },
        party: { phone: '+447700900123' },
        shipTo: {
          street1: '1 High St',
          city: 'London',
          state: 'LDN',
          postalCode: 'SW1A 1AA',
          countryCode: 'GB',
        },
        brand: 'b2',
        location: 'l2',
        issuedAt: '2024-01-01T00:00:00Z',
        timeZone: 'Europe/London',
        passThrough: { storeExternalId: 's2' },
      }),
    ).toStrictEqual({
      storeExternalId: 's2',
      groupId: 'G2',
      orderExternalId: 'R2',
      customer: { phone: '+447700900123' },
      orderInfo: { orderValue: 20, status: 'RETURNED', tips: 1 },
      deliveryAddress: {
        street1: '1 High St',
        city: 'London',
        state: 'LDN',
        postalCode: 'SW1A 1AA',
        countryCode: 'GB',
      },
      brandExternalId: 'b2',
      createdDate: 1704067200000,
      timeZone: 'Europe/London',
      locationExternalId: 'l2',
    });
  });
});

describe('fromDsInvoiceAnswer', () => {
  it('keeps the Delivery Solutions id and reports createdDate as issuedAt', () => {
    const answer = {
      id: '656eb9dd180d13598624a50b',
      orderExternalId: 'AKunalA0089',
      createdAt: '2024-07-23T10:34:01.695Z',
      createdDate: 1709231400000,
    };
    expect(fromDsInvoiceAnswer(answer)).toStrictEqual({
      providerInvoiceId: '656eb9dd180d13598624a50b',
      status: 'issued',
      issuedAt: '2024-02-29T18:30:00.000Z',
      raw: answer,
    });
  });

  it('falls back to createdAt without createdDate', () => {
    expect(fromDsInvoiceAnswer({ id: 'x', createdAt: '2024-07-23T10:34:01.695Z' }).issuedAt).toBe(
      '2024-07-23T10:34:01.695Z',
    );
  });

  it("passes a success's warnings on: objects by type (or code) and message, strings as given", () => {
    const answer = {
      id: 'x',
      warnings: [
        { type: 'ADDRESS_UNVERIFIED', message: 'address not verified' },
        { code: 'SKU_UNKNOWN', message: 'sku unknown' },
        'plain text',
        { detail: 1 },
      ],
    };
    expect(fromDsInvoiceAnswer(answer).warnings).toEqual([
      { code: 'ADDRESS_UNVERIFIED', message: 'address not verified' },
      { code: 'SKU_UNKNOWN', message: 'sku unknown' },
      { code: 'upstream_warning', message: 'plain text' },
      { code: 'upstream_warning', message: '{"detail":1}' },
    ]);
    expect(fromDsInvoiceAnswer({ id: 'x', warnings: [] })).not.toHaveProperty('warnings');
    expect(fromDsInvoiceAnswer({ id: 'x', warnings: 'odd' })).not.toHaveProperty('warnings');
  });
});

describe('mergePassThrough', () => {
  it('returns the mapped body unchanged without passThrough', () => {
    const mapped = { a: 1 };
    expect(mergePassThrough(mapped, undefined)).toBe(mapped);
  });

  it('lets arrays and scalars from the mapped body win', () => {
    expect(
      mergePassThrough({ list: [1], n: 1 }, { list: [2, 3], n: 2, extra: true }),
    ).toStrictEqual({ list: [1], n: 1, extra: true });
  });
});
