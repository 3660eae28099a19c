import { Injectable } from '@nestjs/common';
import { Db } from '../db';
import { type Session, statement } from '../sql';

export type DocumentKind = 'invoice' | 'credit_note' | 'credit_memo' | 'remittance_target';
export type DocumentChangeKind =
  | 'created'
  | 'updated'
  | 'status_posted'
  | 'remittance_posted'
  | 'status_changed'
  | 'credit_note_created';

/** One change to one document, as a settle (or an inbound status change) records it. */
export interface DocumentWrite {
  /** The numbering the key belongs to (documents of one realm and key meet on one row). */
  realm: string;
  provider: string;
  /** The connection the change went through. */
  connection: string;
  kind: DocumentKind;
  /** The reference, or the upstream document number. */
  key: string;
  partyCode?: string | null;
  /** Upstream identifiers (merged into the row's). */
  providerIds?: Record<string, string>;
  /** The document's status after this change (null: unchanged). */
  status?: string | null;
  /** A payment was accepted for the document (sets paidAt once). */
  paid?: boolean;
  change: DocumentChangeKind;
  summary: string;
}

export interface DocumentRow {
  id: string;
  connection: string;
  provider: string;
  kind: DocumentKind;
  key: string;
  providerIds: Record<string, string>;
  partyCode: string | null;
  lastStatus: string | null;
  lastStatusAt: Date | null;
  paidAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DocumentChangeRow {
  id: string;
  at: Date;
  operationId: string | null;
  inboundId: string | null;
  change: DocumentChangeKind;
  summary: string;
}

export interface DocumentListFilter {
  /** Matches the key, the party code or an upstream number exactly. */
  q?: string;
  provider?: string;
  kind?: DocumentKind;
  /** Only documents this client's operations touched (undefined: every client's). */
  clientId?: string;
  limit: number;
  /** Keyset position: rows strictly older (by updatedAt to the millisecond, id) than this. */
  before?: { updatedAt: Date; id: string };
}

/** A remittance target meets the invoice of the same number. */
const familyOf = (kind: DocumentKind): string => (kind === 'remittance_target' ? 'invoice' : kind);

/**
 * The documents' write, as common table expressions from parameter `$p` on (16 parameters, see
 * `documentParams`), writing only when the CTE named `gate` has a row (or always, gate null).
 * Documents are upserted (one row per realm, family and key: a later write merges upstream ids,
 * keeps the newest status, sets paidAt once, and turns a remittance target into the invoice of
 * its number), then one change per write. Embedded in the created-invoice settle statement and
 * used alone by `record`: one statement, one round trip, in the caller's transaction.
 */
export function documentWriteCtes(p: number, gate: string | null): string {
  const $ = (n: number) => `$${p + n}`;
  const when = gate ? `WHERE EXISTS (SELECT 1 FROM ${gate})` : '';
  return `doc_in AS (
    SELECT * FROM unnest(${$(0)}::text[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[],
      ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::jsonb[], ${$(7)}::text[], ${$(8)}::text[],
      ${$(9)}::boolean[], ${$(10)}::jsonb[])
      WITH ORDINALITY AS t(realm, family, key, kind, provider, connection, provider_ids,
        party_code, last_status, paid, terms, ord)
  ), doc_up AS (
    INSERT INTO documents AS d (realm, family, key, kind, provider, connection, provider_ids,
      party_code, terms, last_status, last_status_at, paid_at)
    SELECT realm, family, key, kind, provider, connection, provider_ids, party_code,
      ARRAY(SELECT jsonb_array_elements_text(terms)), last_status,
      CASE WHEN last_status IS NULL THEN NULL ELSE now() END,
      CASE WHEN paid THEN now() END
    FROM doc_in ${when}
    ORDER BY ord
    ON CONFLICT (realm, family, key) DO UPDATE SET
      kind = CASE WHEN d.kind = 'remittance_target' THEN EXCLUDED.kind ELSE d.kind END,
      provider = CASE WHEN d.kind = 'remittance_target' THEN EXCLUDED.provider ELSE d.provider END,
      connection = CASE WHEN d.kind = 'remittance_target' THEN EXCLUDED.connection ELSE d.connection END,
      provider_ids = d.provider_ids || EXCLUDED.provider_ids,
      party_code = COALESCE(EXCLUDED.party_code, d.party_code),
      terms = ARRAY(SELECT DISTINCT unnest(d.terms || EXCLUDED.terms)),
      last_status = COALESCE(EXCLUDED.last_status, d.last_status),
      last_status_at = COALESCE(EXCLUDED.last_status_at, d.last_status_at),
      paid_at = COALESCE(d.paid_at, EXCLUDED.paid_at),
      updated_at = now()
    RETURNING d.id, d.realm, d.family, d.key
  ), doc_changes AS (
    INSERT INTO document_changes (document_id, operation_id, inbound_id, client_id, change, summary)
    SELECT u.id, ${$(14)}::uuid, ${$(15)}::text,
      (SELECT o.client_id FROM operations o WHERE o.id = ${$(14)}::uuid), c.change, c.summary
    FROM unnest(${$(11)}::int[], ${$(12)}::text[], ${$(13)}::text[])
      WITH ORDINALITY AS c(doc, change, summary, ord)
    JOIN doc_in i ON i.ord = c.doc
    JOIN doc_up u ON (u.realm, u.family, u.key) = (i.realm, i.family, i.key)
    ORDER BY c.ord
    RETURNING id
  )`;
}

/**
 * The 16 parameter values of `documentWriteCtes`: writes to one document are merged into one
 * upsert row (an upsert may not touch a row twice), each keeping its change.
 */
export function documentParams(
  writes: DocumentWrite[],
  operationId: string | null,
  inboundId: string | null = null,
): unknown[] {
  const docs = new Map<string, DocumentWrite & { terms: Set<string>; ord: number }>();
  const changes: { doc: number; change: string; summary: string }[] = [];
  for (const w of writes) {
    const id = `${w.realm}\u0000${familyOf(w.kind)}\u0000${w.key}`;
    let doc = docs.get(id);
    if (!doc) {
      doc = { ...w, providerIds: {}, terms: new Set([w.key]), ord: docs.size + 1 };
      docs.set(id, doc);
    } else {
      if (doc.kind === 'remittance_target') {
        Object.assign(doc, { kind: w.kind, provider: w.provider, connection: w.connection });
      }
      doc.status = w.status ?? doc.status;
      doc.paid = doc.paid || w.paid;
      doc.partyCode = w.partyCode ?? doc.partyCode;
    }
    Object.assign(doc.providerIds!, w.providerIds ?? {});
    for (const term of [w.partyCode, ...Object.values(w.providerIds ?? {})]) {
      if (term) doc.terms.add(term);
    }
    changes.push({ doc: doc.ord, change: w.change, summary: w.summary.slice(0, 500) });
  }
  const rows = [...docs.values()];
  return [
    rows.map((d) => d.realm),
    rows.map((d) => familyOf(d.kind)),
    rows.map((d) => d.key),
    rows.map((d) => d.kind),
    rows.map((d) => d.provider),
    rows.map((d) => d.connection),
    rows.map((d) => JSON.stringify(d.providerIds ?? {})),
    rows.map((d) => d.partyCode ?? null),
    rows.map((d) => d.status ?? null),
    rows.map((d) => d.paid === true),
    rows.map((d) => JSON.stringify([...d.terms])),
    changes.map((c) => c.doc),
    changes.map((c) => c.change),
    changes.map((c) => c.summary),
    operationId,
    inboundId,
  ];
}

const RECORD = statement(
  'documents_record',
  `WITH ${documentWriteCtes(1, null)} SELECT count(*)::int AS changes FROM doc_changes`,
);

const DOCUMENT_COLUMNS = `d.id, d.connection, d.provider, d.kind, d.key, d.provider_ids,
  d.party_code, d.last_status, d.last_status_at, d.paid_at, d.created_at, d.updated_at`;

const BY_ID = statement(
  'document_by_id',
  `SELECT ${DOCUMENT_COLUMNS} FROM documents d WHERE d.id = $1
     AND ($2::varchar IS NULL OR EXISTS (
       SELECT 1 FROM document_changes c WHERE c.document_id = d.id AND c.client_id = $2))`,
);

const TIMELINE = statement(
  'document_timeline',
  `SELECT c.id::text AS id, c.at, c.operation_id, c.inbound_id, c.change, c.summary
   FROM document_changes c
   WHERE c.document_id = $1 AND ($2::varchar IS NULL OR c.client_id = $2)
   ORDER BY c.at, c.id`,
);

/** At the millisecond a cursor carries (a JS Date), so no row is skipped between pages. */
const AT = "date_trunc('milliseconds', d.updated_at)";

const LIST = statement(
  'document_list',
  `SELECT ${DOCUMENT_COLUMNS} FROM documents d
   WHERE ($1::text IS NULL OR d.terms @> ARRAY[$1::text])
     AND ($2::varchar IS NULL OR d.provider = $2)
     AND ($3::varchar IS NULL OR d.kind = $3)
     AND ($4::varchar IS NULL OR EXISTS (
       SELECT 1 FROM document_changes c WHERE c.document_id = d.id AND c.client_id = $4))
     AND ($5::timestamptz IS NULL OR (${AT}, d.id) < ($5::timestamptz, $6::uuid))
   ORDER BY ${AT} DESC, d.id DESC
   LIMIT $7`,
);

type Raw = Record<string, unknown>;

function toDocument(r: Raw): DocumentRow {
  return {
    id: r.id as string,
    connection: r.connection as string,
    provider: r.provider as string,
    kind: r.kind as DocumentKind,
    key: r.key as string,
    providerIds: (r.provider_ids ?? {}) as Record<string, string>,
    partyCode: (r.party_code as string | null) ?? null,
    lastStatus: (r.last_status as string | null) ?? null,
    lastStatusAt: (r.last_status_at as Date | null) ?? null,
    paidAt: (r.paid_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/**
 * The documents and their changes (DESIGN.md section 13): written in the transaction that
 * settles an operation (`record` on the settle's session, or embedded in the created-invoice
 * statement), read by the documents routes.
 */
@Injectable()
export class DocumentsRepository {
  constructor(private readonly db: Db) {}

  /** Records `writes` of one operation on `session` (the settle's transaction). */
  async record(writes: DocumentWrite[], operationId: string, session: Session): Promise<void> {
    if (writes.length === 0) return;
    await this.db.run(RECORD, documentParams(writes, operationId), session);
  }

  /**
   * An inbound status change (an upstream telling the gateway a document's new status): a
   * `status_changed` change under the inbound message's id, on the caller's transaction.
   */
  async recordStatusChange(
    write: Omit<DocumentWrite, 'change'> & { status: string },
    inboundId: string,
    session: Session,
  ): Promise<void> {
    await this.db.run(
      RECORD,
      documentParams([{ ...write, change: 'status_changed' }], null, inboundId),
      session,
    );
  }

  async findById(id: string, clientId: string | undefined): Promise<DocumentRow | null> {
    const rows = await this.db.run(BY_ID, [id, clientId ?? null]);
    return rows[0] ? toDocument(rows[0]) : null;
  }

  /** Oldest first. */
  async timeline(id: string, clientId: string | undefined): Promise<DocumentChangeRow[]> {
    const rows = await this.db.run(TIMELINE, [id, clientId ?? null]);
    return rows.map((r) => ({
      id: r.id as string,
      at: r.at as Date,
      operationId: (r.operation_id as string | null) ?? null,
      inboundId: (r.inbound_id as string | null) ?? null,
      change: r.change as DocumentChangeKind,
      summary: r.summary as string,
    }));
  }

  /** Most recently changed first; `limit + 1` rows so the caller knows whether more follow. */
  async list(filter: DocumentListFilter): Promise<DocumentRow[]> {
    const rows = await this.db.run(LIST, [
      filter.q ?? null,
      filter.provider ?? null,
      filter.kind ?? null,
      filter.clientId ?? null,
      filter.before?.updatedAt ?? null,
      filter.before?.id ?? null,
      filter.limit + 1,
    ]);
    return rows.map(toDocument);
  }
}
