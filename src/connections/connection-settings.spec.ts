import { dmsDefinition } from '../providers/dms/dms.definition';
import { gepSmartDefinition } from '../providers/gep-smart/gep-smart.definition';
import { checkConnection, connectionFields, fieldName } from './connection-settings';

describe('connection settings (the naming rule)', () => {
  it('names fields after the environment variables without the prefix, in camelCase', () => {
    expect(fieldName('DMS', 'DMS_BASE_URL')).toBe('baseUrl');
    expect(fieldName('GEP_SMART', 'GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT')).toBe(
      'partnerInvNoForPayment',
    );
  });

  it('takes the secret fields from the provider definition', () => {
    const dms = connectionFields(dmsDefinition);
    expect([...dms.secrets.keys()].sort()).toEqual(['apiKey', 'password', 'webhookSecret']);
    // the secret that authenticates DMS's status webhooks (DESIGN section 12) follows the rule too
    expect(dms.secrets.get('webhookSecret')).toBe('DMS_WEBHOOK_SECRET');
    expect(dms.settings.get('baseUrl')).toBe('DMS_BASE_URL');
    expect(dms.settings.get('timeoutMs')).toBe('DMS_TIMEOUT_MS');
    expect(dms.settings.has('apiKey')).toBe(false);
    const smart = connectionFields(gepSmartDefinition);
    expect([...smart.secrets.keys()].sort()).toEqual(['authKey', 'sharedSecret']);
    expect(smart.settings.get('tokenUrl')).toBe('GEP_SMART_TOKEN_URL');
  });

  it('accepts a complete connection, reading it as the environment would be read', () => {
    const checked = checkConnection(
      dmsDefinition,
      { baseUrl: 'https://dms.example.com/', timeoutMs: 5000 },
      { apiKey: 'k-1' },
    );
    expect(checked.errors).toEqual([]);
    expect(checked.settings.baseUrl).toBe('https://dms.example.com');
    expect(checked.settings.apiKey).toBe('k-1');
    expect(checked.settings.http.timeoutMs).toBe(5000);
  });

  it('names each bad field once, never with its value', () => {
    const checked = checkConnection(
      dmsDefinition,
      { baseUrl: 'not a url', timeoutMs: 'soon', apiKey: 'leak-me', colour: 'red' },
      {},
    );
    const paths = checked.errors.map((e) => e.path).sort();
    expect(paths).toEqual([
      'settings.apiKey',
      'settings.baseUrl',
      'settings.colour',
      'settings.timeoutMs',
    ]);
    expect(JSON.stringify(checked.errors)).not.toContain('leak-me');
    expect(checked.errors.find((e) => e.path === 'settings.apiKey')?.message).toMatch(/secret/);
  });

  it('names the missing secret of a live connection', () => {
    const checked = checkConnection(
      gepSmartDefinition,
      { baseUrl: 'https://smart.example.com', tokenUrl: 'https://smart.example.com/token' },
      { authKey: 'a' },
    );
    expect(checked.errors.map((e) => e.path)).toEqual(['secrets.sharedSecret']);
  });

  it('requires a base URL unless the connection is a mock', () => {
    expect(checkConnection(dmsDefinition, {}, {}).errors.map((e) => e.path)).toEqual([
      'settings.baseUrl',
    ]);
    const mock = checkConnection(dmsDefinition, { mock: true }, {});
    expect(mock.errors).toEqual([]);
    expect(mock.mock).toBe(true);
  });
});

describe('connection settings: which field a provider problem is about', () => {
  it('names the field the provider says is missing', () => {
    const checked = checkConnection(
      dmsDefinition,
      { baseUrl: 'https://dms.example.com', username: 'u' },
      {},
    );
    expect(checked.errors.map((e) => e.path)).toEqual(['secrets.password']);
    expect(checked.errors[0].message).toContain('secrets.password');
  });

  it('names the first field of a rule when none is set', () => {
    const checked = checkConnection(dmsDefinition, { baseUrl: 'https://dms.example.com' }, {});
    expect(checked.errors.map((e) => e.path)).toEqual(['secrets.apiKey']);
  });
});
