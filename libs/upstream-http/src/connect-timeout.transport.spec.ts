import { Socket } from 'node:net';
import { CONNECT_TIMEOUT_CODE, connectTimeoutTransport } from './connect-timeout.transport';

describe('connectTimeoutTransport', () => {
  it('fails a request whose socket does not connect in time', async () => {
    const { request } = connectTimeoutTransport(100);
    // a socket that stays "connecting" forever (a black-holed address)
    const socket = new Socket();
    Object.defineProperty(socket, 'connecting', { value: true });
    const started = Date.now();
    const req = request({
      protocol: 'http:',
      host: '127.0.0.1',
      port: 9,
      path: '/',
      createConnection: () => socket,
    });
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => req.on('error', resolve));
    req.end();
    expect(err.code).toBe(CONNECT_TIMEOUT_CODE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(1_000);
    socket.destroy();
  });
});
