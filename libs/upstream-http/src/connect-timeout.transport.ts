import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

export const CONNECT_TIMEOUT_CODE = 'ECONNECTTIMEOUT';

type RequestFn = (
  options: http.RequestOptions,
  callback?: (res: http.IncomingMessage) => void,
) => http.ClientRequest;

/**
 * An axios `transport` (native http/https, no redirects) that fails a request whose TCP
 * connection is not established within `connectTimeoutMs`. Reused keep-alive sockets are
 * already connected and are not timed.
 */
export function connectTimeoutTransport(connectTimeoutMs: number): { request: RequestFn } {
  const request: RequestFn = (options, callback) => {
    const send = options.protocol === 'https:' ? https.request : http.request;
    const req = send(options, callback);
    req.once('socket', (socket: Socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => {
        const err = new Error(
          `connect timeout after ${connectTimeoutMs} ms`,
        ) as NodeJS.ErrnoException;
        err.code = CONNECT_TIMEOUT_CODE;
        req.destroy(err);
      }, connectTimeoutMs);
      timer.unref();
      const clear = (): void => clearTimeout(timer);
      socket.once('connect', clear);
      socket.once('close', clear);
      req.once('close', clear);
    });
    return req;
  };
  return { request };
}
