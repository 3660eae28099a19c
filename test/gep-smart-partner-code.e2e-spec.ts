import request from 'supertest';
import { auth, statusItem } from './support/api';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * GEP SMART's "Client partner code is mandatory (if isPartnerInvNoForPayment=1)": the tenant
 * setting GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT decides, in the gateway's rules and the simulator.
 */
describe('GEP SMART clientPartnerCode and isPartnerInvNoForPayment (e2e, mock mode)', () => {
  const post = (t: TestApp) =>
    request(t.url)
      .post('/v1/invoice-status-updates')
      .set(auth)
      .send({
        updates: [
          statusItem('DEV_Inv070918A'),
          statusItem('NO-CODE-1', { partnerCode: undefined }),
        ],
      })
      .expect(200);

  it('rejects an item without partnerCode by default (isPartnerInvNoForPayment=1)', async () => {
    const t = await startTestApp();
    try {
      const res = await post(t);
      expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
      expect(res.body.results[1]).toMatchObject({
        key: 'NO-CODE-1',
        status: 'rejected',
        errors: [{ path: 'partnerCode', message: 'Client partner code is mandatory' }],
      });
    } finally {
      await t.close();
    }
  });

  it('sends an item without partnerCode when GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT=0', async () => {
    const t = await startTestApp({ GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT: '0' });
    try {
      const res = await post(t);
      expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
        'accepted',
        'accepted',
      ]);
    } finally {
      await t.close();
    }
  });
});
