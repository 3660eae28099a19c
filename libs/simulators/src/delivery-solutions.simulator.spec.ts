import { createDeliverySolutionsSimulator } from './delivery-solutions.simulator';
import { DELIVERY_SOLUTIONS_EXAMPLES } from './spec-examples.fixture';

const TOKEN_URL = '/ent-services/security/v1/oauth/token';
const INVOICES = '/returns/v1/invoices';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});
const API_KEY = { 'x-api-key': 'sim-ds-api-key', tenantid: 'sim-tenant' };

describe('Delivery Solutions simulator', () => {
  let clock = Date.parse('2026-03-01T12:00:00.000Z');
  const ds = createDeliverySolutionsSimulator({ now: () => clock, tokenTtlSeconds: 600 });
  const invoice = (change: Record<string, unknown> = {}) => ({
    ...DELIVERY_SOLUTIONS_EXAMPLES.createRequest,
    ...change,
  });
  const create = (payload: object, headers: Record<string, string> = API_KEY) =>
    ds.app.inject({ method: 'POST', url: INVOICES, headers, payload });
  const oauth = (headers: Record<string, string>, payload = 'grant_type=client_credentials') =>
    ds.app.inject({ method: 'POST', url: TOKEN_URL, headers: { ...FORM, ...headers }, payload });

  beforeEach(() => {
    ds.reset();
    clock = Date.parse('2026-03-01T12:00:00.000Z');
  });
  afterAll(() => ds.app.close());

  describe('OAuth2 client credentials', () => {
    it('answers every field as a string, including expires_in', async () => {
      const response = await oauth(basic('sim-ds-client-id', 'sim-ds-client-secret'));
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toEqual({
        token_type: 'BearerToken',
        issued_at: String(clock),
        client_id: 'sim-ds-client-id',
        access_token: expect.any(String) as unknown,
        scope: '',
        expires_in: '600',
        refresh_count: '0',
        status: 'approved',
      });
      expect(Object.values(body).every((value) => typeof value === 'string')).toBe(true);
      const created = await create(invoice(), { authorization: `Bearer ${body.access_token}` });
      expect(created.statusCode).toBe(201);
    });

    it.each([
      [
        'wrong secret',
        basic('sim-ds-client-id', 'x'),
        401,
        'UNAUTHORIZED',
        'Invalid client credentials',
      ],
      ['no credentials', {}, 401, 'UNAUTHORIZED', 'Invalid client credentials'],
      ['blocked merchant', basic('blocked-merchant', 'x'), 403, 'FORBIDDEN', 'Blocked Merchant'],
      ['quota', basic('quota-exceeded', 'x'), 429, 'TOO_MANY_REQUESTS', 'Quota Limit Exceeded'],
    ])('%s -> %i', async (_name, headers, status, type, message) => {
      const response = await oauth(headers);
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ type, message });
    });

    it('needs a form body with grant_type=client_credentials', async () => {
      const creds = basic('sim-ds-client-id', 'sim-ds-client-secret');
      expect((await oauth(creds, 'grant_type=password')).statusCode).toBe(400);
      const json = await ds.app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: creds,
        payload: { grant_type: 'client_credentials' },
      });
      expect(json.statusCode).toBe(400);
      expect(json.json()).toMatchObject({ type: 'INVALID_DATA' });
    });

    it('refuses an expired token and an unknown one with 401', async () => {
      const { access_token: token } = (
        await oauth(basic('sim-ds-client-id', 'sim-ds-client-secret'))
      ).json<{ access_token: string }>();
      clock += 600_000;
      const expired = await create(invoice(), { authorization: `Bearer ${token}` });
      expect(expired.statusCode).toBe(401);
      expect(expired.json()).toEqual({
        type: 'UNAUTHORIZED',
        message: 'Unauthorized: Invalid or missing authentication token',
        errors: [{ type: 'UNAUTHORIZED', message: 'Access Token expired' }],
      });
      const unknown = await create(invoice(), { authorization: 'Bearer forged' });
      expect(unknown.statusCode).toBe(401);
    });
  });

  describe('API key', () => {
    it('refuses an invalid key with 401 and a missing one with 403', async () => {
      const invalid = await create(invoice(), { 'x-api-key': 'nope', tenantid: 'sim-tenant' });
      expect(invalid.statusCode).toBe(401);
      expect(invalid.json()).toEqual({
        type: 'UNAUTHORIZED',
        message: 'Invalid Api Key!',
        errors: [{ type: 'UNAUTHORIZED', message: 'Invalid Api Key!' }],
      });
      const wrongTenant = await create(invoice(), { 'x-api-key': 'sim-ds-api-key', tenantid: 'x' });
      expect(wrongTenant.statusCode).toBe(401);
      const missing = await create(invoice(), { tenantid: 'sim-tenant' });
      expect(missing.statusCode).toBe(403);
      expect(missing.json()).toEqual({
        type: 'FORBIDDEN',
        message: 'Invalid Api Key!',
        errors: [{ type: 'FORBIDDEN', message: 'Invalid Api Key!' }],
      });
    });
  });

  describe('invoices', () => {
    it('stores epoch-millisecond createdDate and ISO createdAt, defaults countryCode', async () => {
      const response = await create(
        invoice({ deliveryAddress: { street1: 'a', city: 'b', state: 'c', postalCode: '1' } }),
      );
      const body = response.json();
      expect(body.createdDate).toBe(1707356123000);
      expect(body.createdAt).toBe('2026-03-01T12:00:00.000Z');
      expect(body.deliveryAddress.countryCode).toBe('US');
    });

    it('rejects a second invoice for the same orderExternalId with 422', async () => {
      expect((await create(invoice())).statusCode).toBe(201);
      const again = await create(invoice({ groupId: 'other' }));
      expect(again.statusCode).toBe(422);
      expect(again.json()).toEqual({
        type: 'INVALID_DATA',
        message: 'Invoice already Exists',
        errors: [{ type: 'INVALID_DATA', message: 'Invoice already Exists' }],
      });
    });

    it('answers a SIM-WARN invoice with warnings, create and update; others without', async () => {
      const warned = await create(invoice({ orderExternalId: 'SIM-WARN-1' }));
      expect(warned.statusCode).toBe(201);
      const warning = {
        type: 'ADDRESS_UNVERIFIED',
        message: 'Delivery address could not be verified; the invoice was stored as sent',
      };
      expect(warned.json().warnings).toEqual([warning]);
      const updated = await ds.app.inject({
        method: 'PUT',
        url: `${INVOICES}/${warned.json<{ id: string }>().id}`,
        headers: API_KEY,
        payload: { itemList: [{ sku: 'SKU-1', quantity: 1, price: 1 }] },
      });
      expect(updated.json().warnings).toEqual([warning]);
      expect((await create(invoice())).json()).not.toHaveProperty('warnings');
    });

    it('updates a stored invoice and 404s an unknown id', async () => {
      const { id } = (await create(invoice())).json<{ id: string }>();
      const updated = await ds.app.inject({
        method: 'PUT',
        url: `${INVOICES}/${id}`,
        headers: API_KEY,
        payload: { itemList: [{ sku: 'SKU-1', quantity: 2, price: 5.25 }] },
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({
        id,
        orderExternalId: 'AKunalA0089',
        itemList: [{ sku: 'SKU-1', quantity: 2, price: 5.25 }],
      });
      const missing = await ds.app.inject({
        method: 'PUT',
        url: `${INVOICES}/000000000000000000000000`,
        headers: API_KEY,
        payload: {},
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ type: 'NOT_FOUND', message: 'Invoice not found' });
    });

    it.each([
      [{ customer: { phone: '0415 555 2671' } }, 'Please enter the phone number in E.164 format'],
      [{ orderExternalId: undefined }, '"orderExternalId" is required'],
      [{ createdDate: '2024-02-08T01:35:23Z' }, '"createdDate" must be a number'],
      [{ createdDate: 1707356123000.5 }, '"createdDate" must be an integer'],
      [{ timeZone: 'Mars/Olympus' }, '"timeZone" is not a valid IANA time zone'],
      [{ orderInfo: { status: 'NEW' } }, '"orderInfo.orderValue" is required'],
      [
        { itemList: [{ quantity: 0, sku: 'A' }] },
        '"itemList[0].quantity" must be greater than or equal to 1',
      ],
      [{ itemList: undefined }, '"itemList" is required'],
    ])('%j -> 400 "%s"', async (change, message) => {
      const response = await create(invoice(change));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: 'INVALID_DATA', message });
    });

    it.each([
      [
        { deliveryAddress: { street1: 'a', city: 'b', state: 'c', postalCode: '00000' } },
        422,
        'GEOCODING_FAILED',
      ],
      [{ orderExternalId: 'SIM-UNMAPPED-1' }, 422, 'UNMAPPED_ERROR'],
      [{ orderExternalId: 'SIM-500-1' }, 500, 'INTERNAL_SERVER_ERROR'],
      [{ orderExternalId: 'SIM-429-1' }, 429, 'TOO_MANY_REQUESTS'],
    ])('magic %j -> %i %s', async (change, status, type) => {
      const response = await create(invoice(change));
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ type });
    });
  });
});
