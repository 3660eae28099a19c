import type {
  CallbackStatus,
  OperationAttempt,
  OperationEntity,
  OperationResolution,
  OperationStatus,
} from '../database/entities/operation.entity';

/** The operation answer (docs/async.md): `GET /v1/operations/{id}`, a 202's body, a callback's body. */
export interface OperationView {
  id: string;
  kind: string;
  provider: string | null;
  reference: string | null;
  status: OperationStatus;
  attempts: number;
  nextAttemptAt: string | null;
  idempotencyKey: string | null;
  requestId: string | null;
  responseStatus: number | null;
  /** The body a sync call answered (the invoice, credit note or batch answer), once succeeded. */
  result: unknown;
  lastError: unknown;
  history: OperationAttempt[];
  callback: {
    url: string;
    status: CallbackStatus;
    attempts: number;
    lastHttpStatus: number | null;
  } | null;
  resolution: OperationResolution | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  links: { self: string; replay?: string; resource?: string };
}

const REPLAYABLE: ReadonlySet<OperationStatus> = new Set(['failed', 'dead']);

export function isReplayable(status: OperationStatus): boolean {
  return REPLAYABLE.has(status);
}

export function operationView(row: OperationEntity): OperationView {
  const self = `/v1/operations/${row.id}`;
  const resource = resourceLink(row);
  return {
    id: row.id,
    kind: row.kind,
    provider: row.provider,
    reference: row.reference,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'queued' ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    idempotencyKey: row.idempotencyKey,
    requestId: row.requestId,
    responseStatus: row.responseStatus,
    result: row.status === 'succeeded' ? (row.result ?? null) : null,
    lastError: row.lastError ?? null,
    history: row.history ?? [],
    callback: row.callbackUrl
      ? {
          url: row.callbackUrl,
          status: row.callbackStatus ?? 'pending',
          attempts: row.callbackAttempts,
          lastHttpStatus: row.callbackLastHttpStatus,
        }
      : null,
    resolution: row.resolution ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    durationMs:
      row.startedAt && row.completedAt ? row.completedAt.getTime() - row.startedAt.getTime() : null,
    links: {
      self,
      ...(isReplayable(row.status) ? { replay: `${self}/replay` } : {}),
      ...(resource ? { resource } : {}),
    },
  };
}

/** Per kind that makes or changes a ledger resource: its link, once known. */
const RESOURCE_LINKS: Partial<
  Record<string, (row: OperationEntity, id: unknown) => string | undefined>
> = {
  'invoice.create': (row, id) =>
    row.status === 'succeeded' && typeof id === 'string' ? `/v1/invoices/${id}` : undefined,
  'invoice.update': (row) => {
    const invoiceId = (row.command as { invoiceId?: unknown } | null)?.invoiceId;
    return typeof invoiceId === 'string' ? `/v1/invoices/${invoiceId}` : undefined;
  },
  'credit-note.create': (row, id) =>
    row.status === 'succeeded' && typeof id === 'string' ? `/v1/credit-notes/${id}` : undefined,
};

/** The ledger resource an operation made or changed, once known. */
function resourceLink(row: OperationEntity): string | undefined {
  const id = (row.result as { id?: unknown } | null)?.id;
  return Object.hasOwn(RESOURCE_LINKS, row.kind) ? RESOURCE_LINKS[row.kind]?.(row, id) : undefined;
}
