import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { InboundWebhookEntity } from '../entities/inbound-webhook.entity';
import type { StatusChange } from '../entities/status-change';
import { jsonParam, type Session, statement } from '../sql';
import { DocumentsRepository } from './documents.repository';

export interface NewInbound {
  connection: string;
  provider: string;
  /** The document numbering the provider's documents belong to (see `documentRealm`). */
  realm: string;
  deliveryKey: string;
  signatureScheme: string;
  event: string | null;
  status: string;
  statusDate: Date | null;
  remarks: string | null;
  identifiers: { eInvoiceNumber?: string; dmsNumber?: string; creditNoteNumber?: string };
  body: unknown;
}

export type DocumentKind = 'invoice' | 'credit_note';

export interface InboundOutcome {
  row: InboundWebhookEntity;
  /** The same delivery was received before: nothing changed now. */
  duplicate: boolean;
}

const INSERT = statement(
  'inbound_insert',
  `INSERT INTO inbound_webhooks (connection, provider, delivery_key, signature_scheme, received_at,
     event, status, status_date, identifiers, matched, body)
   VALUES ($1, $2, $3, $4, now(), $5, $6, $7, $8::jsonb, false, $9::jsonb)
   ON CONFLICT (connection, delivery_key) DO NOTHING
   RETURNING *`,
);
const BY_KEY = statement(
  'inbound_by_key',
  'SELECT * FROM inbound_webhooks WHERE connection = $1 AND delivery_key = $2',
);
const FIND_CREDIT_NOTE = statement(
  'inbound_find_credit_note',
  `SELECT c.id, c.status, o.client_id, c.reference FROM credit_notes c LEFT JOIN operations o ON o.id = c.operation_id
   WHERE c.provider = $3 AND c.connection = $1 AND c.provider_credit_note_id = $2 FOR UPDATE OF c`,
);
const FIND_INVOICE_BY_ID = statement(
  'inbound_find_invoice_by_id',
  `SELECT i.id, i.status, o.client_id, i.reference FROM invoices i LEFT JOIN operations o ON o.id = i.operation_id
   WHERE i.provider = $3 AND i.connection = $1 AND i.provider_invoice_id = $2 FOR UPDATE OF i`,
);
const FIND_INVOICE_BY_NUMBER = statement(
  'inbound_find_invoice_by_number',
  `SELECT i.id, i.status, o.client_id, i.reference FROM invoices i LEFT JOIN operations o ON o.id = i.operation_id
   WHERE i.provider = $3 AND i.connection = $1 AND i.provider_document_number = $2 FOR UPDATE OF i`,
);
const UPDATE_INVOICE = statement(
  'inbound_update_invoice',
  `UPDATE invoices SET status = $2, updated_at = now(),
     status_history = COALESCE(status_history, '[]'::jsonb) || jsonb_build_array($3::jsonb)
   WHERE id = $1`,
);
const UPDATE_CREDIT_NOTE = statement(
  'inbound_update_credit_note',
  `UPDATE credit_notes SET status = $2, updated_at = now(),
     status_history = COALESCE(status_history, '[]'::jsonb) || jsonb_build_array($3::jsonb)
   WHERE id = $1`,
);
const MARK_MATCHED = statement(
  'inbound_mark_matched',
  `UPDATE inbound_webhooks SET matched = true, document_kind = $2, document_id = $3
   WHERE id = $1 RETURNING *`,
);
const EVENT = statement(
  'inbound_status_event',
  `INSERT INTO events (id, type, occurred_at, client_id, connection, provider, subject, data)
   VALUES ($1, 'document.status_changed', now(), $2, $3, $4, $5, $6::jsonb)`,
);

const LIST_FILTERS = [
  ['matched', 'matched = $'],
  ['connection', 'connection = $'],
] as const;

/**
 * Webhooks upstreams send the gateway (DMS status changes): kept, matched to the ledger, and
 * applied to the document with its `document.status_changed` event, in one transaction; a
 * repeated delivery changes nothing.
 */
@Injectable()
export class InboundWebhooksRepository {
  private readonly toEntity: (raw: Record<string, unknown>) => InboundWebhookEntity;

  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsRepository,
  ) {
    this.toEntity = db.mapper(InboundWebhookEntity);
  }

  /**
   * Stores the delivery and, when it names a known document, updates that document's status
   * and history and writes the event (its id given), all in one transaction.
   */
  receive(input: NewInbound, eventId: string): Promise<InboundOutcome> {
    return this.db.tx(async (tx) => {
      const inserted = await this.db.run(
        INSERT,
        [
          input.connection,
          input.provider,
          input.deliveryKey,
          input.signatureScheme,
          input.event,
          input.status,
          input.statusDate,
          JSON.stringify(input.identifiers),
          jsonParam(input.body ?? {}),
        ],
        tx,
      );
      if (!inserted[0]) {
        const existing = await this.db.run(BY_KEY, [input.connection, input.deliveryKey], tx);
        return { row: this.toEntity(existing[0]), duplicate: true };
      }
      const row = this.toEntity(inserted[0]);
      const found = await this.findDocument(input, tx);
      if (!found) return { row, duplicate: false };
      const change: StatusChange = {
        status: input.status,
        at: (input.statusDate ?? row.receivedAt).toISOString(),
        source: `${input.provider}-webhook`,
        inboundId: row.id,
        ...(input.remarks ? { remarks: input.remarks } : {}),
      };
      await this.db.run(
        found.kind === 'invoice' ? UPDATE_INVOICE : UPDATE_CREDIT_NOTE,
        [found.id, input.status, JSON.stringify(change)],
        tx,
      );
      const matched = await this.db.run(MARK_MATCHED, [row.id, found.kind, found.id], tx);
      await this.documents.recordStatusChange(
        {
          realm: input.realm,
          provider: input.provider,
          connection: input.connection,
          kind: found.kind,
          key: found.reference,
          status: input.status,
          summary: `status ${input.status} from a ${input.provider} webhook${found.status === input.status ? '' : ` (was ${found.status})`}${input.remarks ? `: ${input.remarks.slice(0, 200)}` : ''}`,
        },
        row.id,
        tx,
      );
      await this.db.run(
        EVENT,
        [
          eventId,
          found.clientId,
          input.connection,
          input.provider,
          found.id,
          JSON.stringify({
            documentKind: found.kind,
            documentId: found.id,
            status: input.status,
            previousStatus: found.status,
            statusDate: input.statusDate?.toISOString() ?? null,
            remarks: input.remarks,
            event: input.event,
            identifiers: input.identifiers,
            inboundId: row.id,
          }),
        ],
        tx,
      );
      return { row: this.toEntity(matched[0]), duplicate: false };
    });
  }

  /** Newest first; `limit + 1` rows so the caller knows whether more follow. */
  async list(filter: {
    matched?: boolean;
    connection?: string;
    before?: { receivedAt: Date; id: string };
    limit: number;
  }): Promise<InboundWebhookEntity[]> {
    let mask = 0;
    const values: unknown[] = [];
    const where: string[] = [];
    LIST_FILTERS.forEach(([key, condition], bit) => {
      const value = filter[key];
      if (value === undefined) return;
      mask |= 1 << bit;
      values.push(value);
      where.push(`${condition}${values.length}`);
    });
    if (filter.before) {
      mask |= 1 << LIST_FILTERS.length;
      values.push(filter.before.receivedAt, filter.before.id);
      where.push(
        `(date_trunc('milliseconds', received_at), id) < ($${values.length - 1}, $${values.length})`,
      );
    }
    values.push(filter.limit + 1);
    const st = statement(
      `inbound_list_${mask}`,
      `SELECT * FROM inbound_webhooks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY date_trunc('milliseconds', received_at) DESC, id DESC LIMIT $${values.length}`,
    );
    const rows = await this.db.run(st, values);
    return rows.map(this.toEntity);
  }

  private async findDocument(
    input: NewInbound,
    tx: Session,
  ): Promise<{
    kind: DocumentKind;
    id: string;
    reference: string;
    status: string;
    clientId: string | null;
  } | null> {
    const { creditNoteNumber, eInvoiceNumber, dmsNumber } = input.identifiers;
    type Found = { id: string; reference: string; status: string; client_id: string | null };
    const attempts: [DocumentKind, typeof FIND_INVOICE_BY_ID, string | undefined][] = [
      ['credit_note', FIND_CREDIT_NOTE, creditNoteNumber],
      ['invoice', FIND_INVOICE_BY_ID, eInvoiceNumber],
      ['invoice', FIND_INVOICE_BY_NUMBER, dmsNumber],
    ];
    for (const [kind, st, value] of attempts) {
      if (!value) continue;
      const rows = await this.db.run<Found>(st, [input.connection, value, input.provider], tx);
      if (rows[0]) {
        const [hit] = rows;
        return {
          kind,
          id: hit.id,
          reference: hit.reference,
          status: hit.status,
          clientId: hit.client_id,
        };
      }
    }
    return null;
  }
}
