import { createHash } from 'node:crypto';
import { Agent, type Dispatcher, errors, request } from 'undici';

/**
 * Outbound HTTP on undici, shared by the token transport and `@lib/upstream-http`: keep-alive
 * pools per TLS configuration, one body read, axios-compatible answer parsing, node-style error
 * codes. No redirect is ever followed and no proxy is used (undici does neither by itself).
 */

type Pem = string | Buffer | Array<string | Buffer>;

/** TLS settings of the connections of one client certificate (mutual TLS). */
export interface ClientTlsOptions {
  /** PEM certificate (chain). */
  cert?: Pem;
  /** PEM private key. */
  key?: Pem;
  /** PEM CA bundle trusted for the server certificate (default: the system CAs). */
  ca?: Pem;
  passphrase?: string;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** SNI name, when it is not the URL's host. */
  servername?: string;
}

export interface DispatcherSettings {
  /** Connections per origin. */
  connections: number;
  /** TCP connect plus TLS handshake (undici's `connect.timeout`). */
  connectTimeoutMs: number;
  /** Idle time before a kept-alive socket is closed (a server's `Keep-Alive` hint may lower it). */
  keepAliveTimeoutMs: number;
}

/** Code of the error undici raises when `connect.timeout` passes. */
export const UNDICI_CONNECT_TIMEOUT_CODE = 'UND_ERR_CONNECT_TIMEOUT';

/** How long close() waits for requests in flight before destroying their sockets. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One undici `Agent` (a keep-alive pool per origin) per distinct TLS configuration: the plain
 * one, and one per client certificate. A dispatcher is made on first use and reused by every
 * later request with the same configuration (same object, or equal content).
 */
export class TlsDispatchers {
  private plain?: Agent;
  private readonly byKey = new Map<string, Agent>();
  private readonly keys = new WeakMap<ClientTlsOptions, string>();
  private closing?: Promise<void>;

  constructor(private readonly settings: DispatcherSettings) {}

  /** The dispatcher for `tls` (none: plain HTTP and server-only TLS). */
  get(tls?: ClientTlsOptions): Agent {
    if (this.closing) throw new errors.ClientClosedError();
    if (!tls) return (this.plain ??= this.create());
    let key = this.keys.get(tls);
    if (key === undefined) {
      key = tlsKey(tls);
      this.keys.set(tls, key);
    }
    let agent = this.byKey.get(key);
    if (!agent) {
      agent = this.create(tls);
      this.byKey.set(key, agent);
    }
    return agent;
  }

  /** Dispatchers made so far (for tests and diagnostics). */
  get size(): number {
    return this.byKey.size + (this.plain ? 1 : 0);
  }

  /**
   * Closes every dispatcher: idle sockets at once, busy ones after their answer or after a
   * short grace. Idempotent; later `get()` calls throw ClientClosedError.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all(
      [...(this.plain ? [this.plain] : []), ...this.byKey.values()].map(closeGracefully),
    ).then(() => undefined);
    return this.closing;
  }

  private create(tls?: ClientTlsOptions): Agent {
    const { connections, connectTimeoutMs, keepAliveTimeoutMs } = this.settings;
    return new Agent({
      connections,
      pipelining: 1,
      keepAliveTimeout: keepAliveTimeoutMs,
      // the caller's AbortSignal bounds every attempt; no second timer per request
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: connectTimeoutMs, ...tls },
    });
  }
}

async function closeGracefully(agent: Agent): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([agent.close().then(() => 'closed' as const), grace]);
    if (outcome === 'late') await agent.destroy();
  } finally {
    clearTimeout(timer);
  }
}

/** A digest of the TLS settings: equal settings share one dispatcher. Never logged. */
function tlsKey(tls: ClientTlsOptions): string {
  const hash = createHash('sha256');
  const add = (name: string, value: Pem | string | boolean | undefined): void => {
    hash.update(`${name}\0`);
    for (const part of [value ?? ''].flat()) {
      hash.update(typeof part === 'boolean' ? String(part) : part);
      hash.update('\0');
    }
  };
  add('cert', tls.cert);
  add('key', tls.key);
  add('ca', tls.ca);
  add('passphrase', tls.passphrase);
  add('rejectUnauthorized', tls.rejectUnauthorized ?? true);
  add('servername', tls.servername);
  return hash.digest('hex');
}

export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Already encoded body. */
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** JSON when the body parses as JSON, else the text ('' when empty). */
  data: unknown;
}

/**
 * Sends one request and reads its whole answer (any status) once. Rejects only without an
 * answer: with undici's error, or the signal's reason when it was aborted.
 */
export async function sendHttp(dispatcher: Dispatcher, call: HttpCall): Promise<HttpAnswer> {
  const res = await request(call.url, {
    dispatcher,
    method: call.method,
    headers: call.headers,
    body: call.body,
    signal: call.signal,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, data: parseAnswer(text) };
}

/**
 * The answer as axios read it with `forcedJSONParsing` + `silentJSONParsing`: parsed when the
 * text is JSON, whatever the content type; the text itself when not (a BOM is already gone).
 */
export function parseAnswer(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The error code of a failed request, as node's http client names it: undici's "other side
 * closed" (the peer ended the connection before answering) is `ECONNRESET` ("socket hang up");
 * system errors (`ECONNREFUSED`, `ENOTFOUND`, TLS codes) keep theirs.
 */
export function networkErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  return code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code;
}
