import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { InboundWebhookEntity } from '../database/entities/inbound-webhook.entity';
import { InboundWebhooksRepository } from '../database/repositories/inbound-webhooks.repository';
import { verifyWebhook } from '../common/webhooks/standard-webhooks';
import { newEventId } from '../common/webhooks/ids';
import { ProblemException, validationProblem } from '../problem/problem';
import type { ConfigWithProviders } from '../providers/providers-config';
import { DeliveryWorker } from '../operations/delivery-worker';
import { documentRealm } from '../operations/documents';
import { ConnectionRegistry } from '../connections/connection-registry';

export interface InboundView {
  id: string;
  connection: string;
  provider: string;
  receivedAt: string;
  event: string | null;
  status: string;
  statusDate: string | null;
  identifiers: Record<string, string>;
  matched: boolean;
  /** The same delivery arrived before: this one changed nothing. */
  duplicate?: boolean;
  documentKind: string | null;
  documentId: string | null;
  signatureScheme: string;
  body: unknown;
}

/** What the DMS route reads from a body; everything else is kept raw. */
const IDENTIFIERS = [
  ['e_invoice_number', 'eInvoiceNumber'],
  ['dms_number', 'dmsNumber'],
  ['credit_note_number', 'creditNoteNumber'],
] as const;

/**
 * Status webhooks from DMS (`POST /v1/inbound/dms/{connection}`): authenticated with the
 * connection's webhook secret (a Standard Webhooks signature when its headers are present, else
 * `X-DMS-Signature`), read tolerantly, kept, matched to the ledger's invoice or credit note,
 * applied with a `document.status_changed` event. A missing or wrong signature is 401 and keeps
 * nothing; an unknown document is kept unmatched; a repeated delivery changes nothing.
 */
@Injectable()
export class InboundWebhooksService {
  constructor(
    private readonly repo: InboundWebhooksRepository,
    private readonly worker: DeliveryWorker,
    @Inject(APP_CONFIG) private readonly config: ConfigWithProviders,
    private readonly connections: ConnectionRegistry,
  ) {}

  /**
   * The secret that authenticates a DMS connection's webhooks: `DMS_WEBHOOK_SECRET` for the env
   * connection `dms`, the stored connection's `secrets.webhookSecret` otherwise. A name that is
   * not an enabled DMS connection is 404; one without a secret refuses every delivery (401).
   */
  private webhookSecretOf(connection: string): string {
    const live = this.connections.find(connection);
    if (!live || live.provider !== 'dms' || !live.enabled) {
      throw new ProblemException('not_found', { detail: `No DMS connection ${connection}` });
    }
    const secret =
      live.source === 'env'
        ? this.config.providers.dms.webhookSecret
        : live.row && this.connections.openSecrets(live.row).webhookSecret;
    if (!secret) {
      throw new ProblemException('unauthorized', {
        detail: `Connection ${connection} has no webhook secret (${live.source === 'env' ? 'DMS_WEBHOOK_SECRET' : 'secrets.webhookSecret'}): its webhooks are refused`,
      });
    }
    return secret;
  }

  async receiveDms(
    connection: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
    body: unknown,
  ): Promise<InboundView> {
    const secret = this.webhookSecretOf(connection);
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const standard = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].some((h) =>
      header(h),
    );
    if (standard) {
      const outcome = verifyWebhook(
        secret,
        {
          'webhook-id': header('webhook-id'),
          'webhook-timestamp': header('webhook-timestamp'),
          'webhook-signature': header('webhook-signature'),
        },
        rawBody,
        Math.floor(Date.now() / 1000),
      );
      if (outcome !== 'ok') throw unauthorized(`the Standard Webhooks signature: ${outcome}`);
    } else if (!dmsSignatureMatches(secret, rawBody, header('x-dms-signature'))) {
      throw unauthorized('X-DMS-Signature is missing or wrong');
    }
    const fields = readBody(body);
    const outcome = await this.repo.receive(
      {
        connection,
        provider: 'dms',
        realm: documentRealm('dms', connection),
        deliveryKey: standard
          ? `id:${header('webhook-id')!.slice(0, 120)}`
          : `sha256:${createHash('sha256').update(rawBody).digest('hex')}`,
        signatureScheme: standard ? 'standard-webhooks' : 'x-dms-signature',
        ...fields,
        body,
      },
      newEventId(),
    );
    if (outcome.row.matched && !outcome.duplicate) this.worker.wake();
    return { ...inboundView(outcome.row), duplicate: outcome.duplicate };
  }

  async list(query: {
    matched?: boolean;
    cursor?: string;
    limit?: number;
  }): Promise<{ items: InboundView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.repo.list({
      matched: query.matched,
      limit,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(inboundView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null,
    };
  }
}

function unauthorized(why: string): ProblemException {
  return new ProblemException('unauthorized', { detail: `Webhook refused: ${why}` });
}

/** `X-DMS-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, compared in constant time. */
function dmsSignatureMatches(secret: string, rawBody: string, given: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(given?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** The fields the route reads (see docs/webhooks.md); `status` is the one it needs. */
function readBody(body: unknown) {
  const record = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : null;
  if (!record) {
    throw validationProblem([
      { path: '', code: 'isObject', message: 'the body must be a JSON object' },
    ]);
  }
  const fields = record as Record<string, unknown>;
  const text = (key: string, max: number): string | undefined => {
    const value = fields[key];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return typeof value === 'string' && value.trim() !== ''
      ? value.trim().slice(0, max)
      : undefined;
  };
  const status = text('status', 100);
  if (!status) {
    throw validationProblem([
      { path: 'status', code: 'isNotEmpty', message: 'status is required (the new status)' },
    ]);
  }
  const identifiers: Record<string, string> = {};
  for (const [wire, name] of IDENTIFIERS) {
    const value = text(wire, 100);
    if (value) identifiers[name] = value;
  }
  const date = text('status_date', 40);
  const parsed = date ? new Date(date) : null;
  return {
    event: text('event', 100) ?? null,
    status,
    statusDate: parsed && !Number.isNaN(parsed.getTime()) ? parsed : null,
    remarks: text('remarks', 1000) ?? null,
    identifiers,
  };
}

export function inboundView(row: InboundWebhookEntity): InboundView {
  return {
    id: row.id,
    connection: row.connection,
    provider: row.provider,
    receivedAt: row.receivedAt.toISOString(),
    event: row.event,
    status: row.status,
    statusDate: row.statusDate?.toISOString() ?? null,
    identifiers: row.identifiers,
    matched: row.matched,
    documentKind: row.documentKind,
    documentId: row.documentId,
    signatureScheme: row.signatureScheme,
    body: row.body,
  };
}

const CURSOR = /^i:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z),([0-9a-f-]{36})$/;

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`i:${at.toISOString()},${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw validationProblem(
      [
        {
          path: 'cursor',
          code: 'invalidCursor',
          message: 'cursor must be a nextCursor value from a previous page',
        },
      ],
      'query',
    );
  }
  return { receivedAt: new Date(match[1]), id: match[2] };
}
