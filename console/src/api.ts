/** The console's calls: documented routes only, the session cookie, the CSRF header. */

export interface Problem {
  status: number;
  title: string;
  detail: string;
  code: string;
  requestId?: string;
  errors?: { path: string; code: string; message: string }[];
}

/** A refused or failed call, carrying the problem the gateway answered. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
}

/** Called when any call answers 401: the session ended, expired, or the key was revoked. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>;
      return {
        status: res.status,
        title: body.title ?? res.statusText,
        detail: body.detail ?? body.title ?? `HTTP ${res.status}`,
        code: body.code ?? 'error',
        requestId: body.requestId,
        errors: body.errors,
      };
    } catch {
      // not JSON after all: described below
    }
  }
  return {
    status: res.status,
    title: res.statusText,
    detail: `The gateway answered HTTP ${res.status} ${res.statusText}`,
    code: 'error',
  };
}

export async function call<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-console-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({
      status: 0,
      title: 'Network error',
      detail: 'The gateway could not be reached',
      code: 'network',
    });
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && path !== '/console/session') onSignedOut();
    throw new ApiError(problem);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A query string of the non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// --- the shapes the console reads (docs-json has them all)

export interface Session {
  clientId: string;
  clientName: string;
  scopes: string[];
  expiresAt: string;
}

export interface Provider {
  id: string;
  name: string;
  mode: string;
  capabilities: string[];
  circuit: string;
  lastHealth: { reachable: boolean; latencyMs: number; error?: string; checkedAt: string } | null;
}

export type StatusCounts = Record<'queued' | 'running' | 'succeeded' | 'failed' | 'dead', number>;

export interface OperationStats {
  since: string;
  until: string;
  bucket: string;
  buckets: {
    start: string;
    total: number;
    byStatus: StatusCounts;
    byProvider: Record<string, number>;
  }[];
  totals: { total: number; byStatus: StatusCounts; byProvider: Record<string, number> };
  queue: {
    queued: number;
    running: number;
    byProvider: { provider: string; queued: number; running: number }[];
    oldestDueAgeSeconds: number | null;
  };
  attention: { dead: number; outcomeUncertain: number };
}

export interface Attempt {
  attempt: number;
  at: string;
  durationMs: number;
  outcome: string;
  httpStatus?: number;
  code?: string;
  message?: string;
  outcomeUnknown?: boolean;
  sent?: number;
  settled?: number;
}

export interface Operation {
  id: string;
  kind: string;
  provider: string | null;
  reference: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  idempotencyKey: string | null;
  requestId: string | null;
  responseStatus: number | null;
  result: unknown;
  lastError: { code?: string; detail?: string; title?: string } | null;
  history: Attempt[];
  callback: { url: string; status: string; attempts: number; lastHttpStatus: number | null } | null;
  resolution: { by: string; at: string; note: string } | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  links: { self: string; replay?: string; resource?: string };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  requestId: string | null;
  clientName: string | null;
  direction: string;
  provider: string | null;
  operation: string | null;
  method: string;
  path: string;
  status: number | null;
  durationMs: number | null;
  outcome: string;
  errorCode: string | null;
  operationId: string | null;
  reference: string | null;
}

export interface VerifyResult {
  ok: boolean;
  chains: number;
  rows: number;
  breaks: number;
  firstBreak?: { chainId: string | null; seq: number | null; code: string; reason: string };
}

export interface DocumentSummary {
  id: string;
  connection: string;
  provider: string;
  kind: string;
  key: string;
  providerIds: Record<string, string>;
  partyCode: string | null;
  lastStatus: string | null;
  lastStatusAt: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentChange {
  id: string;
  at: string;
  change: string;
  summary: string;
  operationId: string | null;
  inboundId: string | null;
}

export interface DocumentTimeline {
  document: DocumentSummary;
  changes: DocumentChange[];
}

export interface AuditHead {
  heads: { chainId: string; seq: number; hash: string; at: string }[];
  lastVerification: (VerifyResult & { at: string; from: string | null; to: string | null }) | null;
}

export interface Connection {
  name: string;
  provider: string;
  source: 'env' | 'stored';
  isDefault: boolean;
  enabled: boolean;
  version: number;
  mode: 'live' | 'mock' | 'unavailable';
  settings: Record<string, unknown>;
  secretFields: string[];
  error?: string;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  disabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  receivesAll: boolean;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attemptLog: {
    attempt: number;
    at: string;
    httpStatus: number | null;
    durationMs: number;
    error: string | null;
  }[];
}

/** What a key's scopes allow ('admin' holds them all). */
export function can(session: Session, scope: string): boolean {
  return session.scopes.includes(scope) || session.scopes.includes('admin');
}
