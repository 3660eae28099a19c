import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from 'undici';
import { TlsDispatchers, networkErrorCode, parseAnswer } from './http-transport';

const FIXTURES = join(__dirname, '..', 'test-fixtures');

describe('parseAnswer (as axios forcedJSONParsing + silentJSONParsing)', () => {
  it('parses JSON text, keeps anything else as text', () => {
    expect(parseAnswer('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
    expect(parseAnswer('42')).toBe(42);
    expect(parseAnswer('{"broken":')).toBe('{"broken":');
    expect(parseAnswer('<html>no</html>')).toBe('<html>no</html>');
    expect(parseAnswer('')).toBe('');
  });
});

describe('networkErrorCode', () => {
  it('names a connection the peer closed ECONNRESET and keeps system codes', () => {
    expect(networkErrorCode(new errors.SocketError('other side closed'))).toBe('ECONNRESET');
    expect(networkErrorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      'ECONNREFUSED',
    );
    expect(networkErrorCode(new errors.ConnectTimeoutError())).toBe('UND_ERR_CONNECT_TIMEOUT');
    expect(networkErrorCode(new Error('no code'))).toBeUndefined();
    expect(networkErrorCode(undefined)).toBeUndefined();
  });
});

describe('TlsDispatchers', () => {
  const settings = { connections: 2, connectTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000 };
  const cert = readFileSync(join(FIXTURES, 'client.pem'));
  const key = readFileSync(join(FIXTURES, 'client.key'));

  it('one dispatcher per distinct TLS configuration, made once', async () => {
    const pools = new TlsDispatchers(settings);
    const tls = { cert, key };
    const plain = pools.get();
    expect(pools.get()).toBe(plain);
    const mtls = pools.get(tls);
    expect(mtls).not.toBe(plain);
    expect(pools.get(tls)).toBe(mtls);
    // equal content, another object (another strategy reading the same files)
    expect(pools.get({ cert: Buffer.from(cert), key: Buffer.from(key) })).toBe(mtls);
    expect(pools.get({ cert, key, rejectUnauthorized: true })).toBe(mtls);
    expect(pools.get({ cert, key, rejectUnauthorized: false })).not.toBe(mtls);
    expect(pools.get({ cert, key, passphrase: 'other' })).not.toBe(mtls);
    expect(pools.size).toBe(4);
    await pools.close();
  });

  it('close() closes every dispatcher once; later get() throws ClientClosedError', async () => {
    const pools = new TlsDispatchers(settings);
    const plain = pools.get();
    const mtls = pools.get({ cert, key });
    const closing = pools.close();
    expect(pools.close()).toBe(closing);
    await closing;
    expect([plain.closed, mtls.closed]).toEqual([true, true]);
    expect(() => pools.get()).toThrow(errors.ClientClosedError);
  });
});
