import type { FastifyRequest } from 'fastify';

/** The authenticated caller of a request. */
export interface ApiPrincipal {
  clientId: string;
  clientName: string;
  scopes: ReadonlySet<string>;
  bootstrap: boolean;
  /** The connections it may use; absent: every connection. */
  connections?: readonly string[];
}

/**
 * Facts gathered while a request is handled, read by the audit hook when it finishes:
 * who called, which provider/operation/reference it was about, and the error code if any.
 */
export interface GatewayRequestContext {
  principal?: ApiPrincipal;
  provider?: string;
  /** The connection the call's operation runs on. */
  connection?: string;
  operation?: string;
  reference?: string;
  operationId?: string;
  errorCode?: string;
  /** The JSON text of the answer when it was sent as text, captured for the audit row. */
  responseBody?: unknown;
  /** The answer's value when it was sent as one (serialised by Fastify): kept as it is for the audit row. */
  responseValue?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway?: GatewayRequestContext;
  }
}

/** The same contexts, keyed by the raw Node request: the request logger sees only that. */
const byRawRequest = new WeakMap<object, GatewayRequestContext>();

export function contextOf(request: FastifyRequest): GatewayRequestContext {
  if (!request.gateway) {
    request.gateway = {};
    byRawRequest.set(request.raw, request.gateway);
  }
  return request.gateway;
}

/** The context of a raw Node request, if the gateway gathered any for it. */
export function rawRequestContext(raw: object): GatewayRequestContext | undefined {
  return byRawRequest.get(raw);
}

/** Probes, scrapes and the API docs: neither audited, counted per route, nor request-logged. */
const OPERATIONAL_PATH = /^\/(health|metrics|docs|favicon\.ico)(\/|\?|$|-json)/;

/** The console's page and static files (its session and API calls are audited like any call). */
const CONSOLE_FILES = /^\/console(\/assets\/[^?]*)?(\?|$)/;

export function isOperationalPath(url: string): boolean {
  return OPERATIONAL_PATH.test(url) || CONSOLE_FILES.test(url);
}

const SANE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, otherwise undefined. */
export function saneRequestId(value: unknown): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && SANE_REQUEST_ID.test(text) ? text : undefined;
}
