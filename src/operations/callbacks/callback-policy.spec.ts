import type { CallbackConfig } from '../../config/async-config';
import { CallbackRefused, checkCallbackUrl, isForbiddenAddress } from './callback-policy';

const config = (overrides: Partial<CallbackConfig> = {}): CallbackConfig => ({
  allowedHosts: ['hooks.example.com', '*.partner.example', '127.0.0.1'],
  allowHttp: false,
  secret: 'x'.repeat(32),
  maxAttempts: 10,
  ...overrides,
});
const resolvesTo =
  (...addresses: string[]) =>
  () =>
    Promise.resolve(addresses);

async function refusal(url: string, c = config(), resolve = resolvesTo('93.184.216.34')) {
  try {
    await checkCallbackUrl(url, c, resolve);
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackRefused);
    return (error as CallbackRefused).reason;
  }
  throw new Error(`${url} was accepted`);
}

describe('callback URL policy', () => {
  it('accepts an https URL on an allowed host that resolves to a public address', async () => {
    const url = await checkCallbackUrl(
      'https://hooks.example.com/in?x=1',
      config(),
      resolvesTo('93.184.216.34'),
    );
    expect(url.host).toBe('hooks.example.com');
    await expect(
      checkCallbackUrl('https://a.b.partner.example/x', config(), resolvesTo('8.8.8.8')),
    ).resolves.toBeInstanceOf(URL);
  });

  it('refuses when no host is allowed at all', async () => {
    expect(await refusal('https://hooks.example.com/', config({ allowedHosts: [] }))).toMatch(
      /not enabled/,
    );
  });

  it('refuses other schemes, and http unless CALLBACK_ALLOW_HTTP', async () => {
    for (const url of [
      'ftp://hooks.example.com/',
      'file:///etc/passwd',
      'gopher://hooks.example.com/',
    ]) {
      expect(await refusal(url)).toMatch(/must use https/);
    }
    expect(await refusal('http://hooks.example.com/')).toMatch(/must use https/);
    await expect(
      checkCallbackUrl(
        'http://hooks.example.com/',
        config({ allowHttp: true }),
        resolvesTo('1.1.1.1'),
      ),
    ).resolves.toBeInstanceOf(URL);
    expect(await refusal('not a url')).toMatch(/absolute URL/);
  });

  it('refuses hosts off the allow-list, the bare suffix of a pattern, and credentials in the URL', async () => {
    expect(await refusal('https://evil.example.com/')).toMatch(/not in CALLBACK_ALLOWED_HOSTS/);
    expect(await refusal('https://partner.example/')).toMatch(/not in CALLBACK_ALLOWED_HOSTS/);
    expect(await refusal('https://hooks.example.com.evil.io/')).toMatch(/not in/);
    expect(await refusal('https://user:pw@hooks.example.com/')).toMatch(/credentials/);
  });

  it('refuses an allowed pattern host that resolves to a loopback, private, link-local or metadata address', async () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      'fd00:ec2::254',
    ]) {
      expect(
        await refusal('https://x.partner.example/', config(), resolvesTo('8.8.8.8', address)),
      ).toMatch(/loopback, private, link-local or metadata/);
    }
  });

  it('allows an internal address only when its host is listed exactly', async () => {
    await expect(
      checkCallbackUrl('https://127.0.0.1:8443/hook', config(), resolvesTo()),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkCallbackUrl('https://hooks.example.com/', config(), resolvesTo('10.0.0.5')),
    ).resolves.toBeInstanceOf(URL);
    // a pattern match is not an exact listing
    expect(await refusal('https://in.partner.example/', config(), resolvesTo('10.0.0.5'))).toMatch(
      /private/,
    );
  });

  it('refuses a host that does not resolve', async () => {
    expect(
      await refusal('https://hooks.example.com/', config(), () =>
        Promise.reject(new Error('ENOTFOUND')),
      ),
    ).toMatch(/does not resolve/);
  });

  it('classifies addresses', () => {
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('2606:4700::1111')).toBe(false);
    expect(isForbiddenAddress('169.254.169.254')).toBe(true);
    expect(isForbiddenAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isForbiddenAddress('not-an-ip')).toBe(true);
  });
});
