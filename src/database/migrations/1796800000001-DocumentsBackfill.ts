import { MigrationInterface, QueryRunner } from 'typeorm';

/** The numbering a provider's documents belong to (src/operations/documents.ts, documentRealm). */
const realm = (provider: string) =>
  `(CASE WHEN ${provider} IN ('gep-smart', 'gep-quantum') THEN 'gep' ELSE ${provider} END)`;

/**
 * Documents from what the gateway already holds (docs/documents.md): the invoice and credit
 * note ledgers, succeeded invoice updates, and every item of succeeded status and remittance
 * batches (their command's items with the results stored on the operation). Each change keeps
 * its operation, its client and the time it settled; its summary says it was backfilled.
 * `down` empties both tables (what `up` derives it derives again; an inbound status change
 * recorded since would be lost, so revert only together with Documents1796800000000).
 */
export class DocumentsBackfill1796800000001 implements MigrationInterface {
  name = 'DocumentsBackfill1796800000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // invoices: one document each, created by the invoice.create operation of its reference
    await queryRunner.query(
      `INSERT INTO documents (connection, provider, realm, kind, family, key, provider_ids,
         party_code, terms, last_status, last_status_at, created_at, updated_at)
       SELECT i.provider, i.provider, ${realm('i.provider')}, 'invoice', 'invoice', i.reference,
         jsonb_strip_nulls(jsonb_build_object('providerInvoiceId', i.provider_invoice_id,
           'providerDocumentNumber', i.provider_document_number)),
         NULLIF(i.party ->> 'code', ''),
         ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[i.reference, NULLIF(i.party ->> 'code', ''),
           i.provider_invoice_id, i.provider_document_number]) t WHERE t IS NOT NULL),
         i.status, i.updated_at, i.created_at, i.updated_at
       FROM invoices i
       ON CONFLICT (realm, family, key) DO NOTHING`,
    );
    await queryRunner.query(
      `INSERT INTO document_changes (document_id, at, operation_id, client_id, change, summary)
       SELECT d.id, i.created_at, o.id, o.client_id, 'created',
         left(format('invoice created at %s%s, status %s (backfilled)', i.provider,
           ' as ' || COALESCE(i.provider_document_number, i.provider_invoice_id), i.status), 500)
       FROM invoices i
       JOIN documents d ON d.realm = ${realm('i.provider')} AND d.family = 'invoice'
         AND d.key = i.reference
       LEFT JOIN LATERAL (
         SELECT o.id, o.client_id FROM operations o
         WHERE o.kind = 'invoice.create' AND o.provider = i.provider
           AND o.reference = i.reference AND o.status = 'succeeded'
         ORDER BY o.created_at LIMIT 1
       ) o ON true`,
    );
    await queryRunner.query(
      `INSERT INTO document_changes (document_id, at, operation_id, client_id, change, summary)
       SELECT d.id, COALESCE(o.completed_at, o.updated_at), o.id, o.client_id, 'updated',
         left(format('invoice updated at %s (backfilled)', o.provider), 500)
       FROM operations o
       JOIN invoices i ON i.id::text = o.command ->> 'invoiceId'
       JOIN documents d ON d.realm = ${realm('i.provider')} AND d.family = 'invoice'
         AND d.key = i.reference
       WHERE o.kind = 'invoice.update' AND o.status = 'succeeded'`,
    );
    // credit notes: their own document, and a change on their invoice's
    await queryRunner.query(
      `INSERT INTO documents (connection, provider, realm, kind, family, key, provider_ids,
         party_code, terms, last_status, last_status_at, created_at, updated_at)
       SELECT c.provider, c.provider, ${realm('c.provider')}, 'credit_note', 'credit_note',
         c.reference,
         jsonb_strip_nulls(jsonb_build_object('providerCreditNoteId', c.provider_credit_note_id)),
         NULLIF(c.party ->> 'code', ''),
         ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[c.reference, NULLIF(c.party ->> 'code', ''),
           c.provider_credit_note_id]) t WHERE t IS NOT NULL),
         c.status, c.updated_at, c.created_at, c.updated_at
       FROM credit_notes c
       ON CONFLICT (realm, family, key) DO NOTHING`,
    );
    await queryRunner.query(
      `INSERT INTO document_changes (document_id, at, operation_id, client_id, change, summary)
       SELECT d.id, c.created_at, c.operation_id, o.client_id, 'credit_note_created',
         left(format('credit note %s created at %s%s for invoice %s, status %s (backfilled)',
           c.reference, c.provider, ' as ' || c.provider_credit_note_id, c.provider_invoice_id,
           c.status), 500)
       FROM credit_notes c
       LEFT JOIN operations o ON o.id = c.operation_id
       LEFT JOIN invoices i ON i.id = c.invoice_id
       JOIN documents d ON d.realm = ${realm('c.provider')} AND (
         (d.family = 'credit_note' AND d.key = c.reference)
         OR (d.family = 'invoice' AND d.key = i.reference))`,
    );
    // batch items: the command's items with the results the operation stored, in input order
    await queryRunner.query(
      `CREATE TEMPORARY TABLE document_backfill ON COMMIT DROP AS
       SELECT ${realm('o.provider')} AS realm,
         CASE o.kind WHEN 'credit-memo-status.post' THEN 'credit_memo' ELSE 'invoice' END AS family,
         CASE o.kind WHEN 'invoice-status.post' THEN 'invoice'
           WHEN 'credit-memo-status.post' THEN 'credit_memo' ELSE 'remittance_target' END AS kind,
         CASE WHEN o.kind = 'remittance.post'
           THEN COALESCE(NULLIF(item.value ->> 'documentNumber', ''),
             NULLIF(item.value ->> 'supplierInvoiceNumber', ''))
           ELSE NULLIF(item.value ->> 'documentNumber', '') END AS key,
         o.provider, o.id AS operation_id, o.client_id,
         COALESCE(o.completed_at, o.updated_at) AS at, item.ord,
         NULLIF(item.value ->> CASE WHEN o.kind = 'remittance.post' THEN 'clientSupplierCode'
           ELSE 'partnerCode' END, '') AS party_code,
         item.value ->> 'status' AS item_status,
         COALESCE(o.result -> 'results' -> (item.ord::int - 1) ->> 'status', 'not settled')
           AS outcome,
         item.value -> 'payment' AS payment,
         NULLIF(item.value ->> 'supplierInvoiceNumber', '') AS supplier_invoice_number,
         o.kind AS op_kind
       FROM operations o
       CROSS JOIN LATERAL jsonb_array_elements(o.command -> 'items') WITH ORDINALITY AS item(value, ord)
       WHERE o.kind IN ('invoice-status.post', 'credit-memo-status.post', 'remittance.post')
         AND o.status = 'succeeded' AND o.command IS NOT NULL`,
    );
    await queryRunner.query(`DELETE FROM document_backfill WHERE key IS NULL`);
    await queryRunner.query(
      `INSERT INTO documents AS d (connection, provider, realm, kind, family, key, provider_ids,
         party_code, terms, last_status, last_status_at, paid_at, created_at, updated_at)
       SELECT
         COALESCE(min(b.provider) FILTER (WHERE b.kind <> 'remittance_target'), min(b.provider)),
         COALESCE(min(b.provider) FILTER (WHERE b.kind <> 'remittance_target'), min(b.provider)),
         b.realm,
         COALESCE(min(b.kind) FILTER (WHERE b.kind <> 'remittance_target'), 'remittance_target'),
         b.family, b.key,
         COALESCE(jsonb_object_agg('supplierInvoiceNumber', b.supplier_invoice_number)
           FILTER (WHERE b.supplier_invoice_number IS NOT NULL), '{}'),
         (array_agg(b.party_code ORDER BY b.at DESC) FILTER (WHERE b.party_code IS NOT NULL))[1],
         ARRAY(SELECT DISTINCT t FROM unnest(array_agg(b.key) || array_agg(b.party_code)
           || array_agg(b.supplier_invoice_number)) t WHERE t IS NOT NULL),
         (array_agg(b.item_status ORDER BY b.at DESC) FILTER (
           WHERE b.kind <> 'remittance_target' AND b.outcome = 'accepted'))[1],
         max(b.at) FILTER (WHERE b.kind <> 'remittance_target' AND b.outcome = 'accepted'),
         min(b.at) FILTER (WHERE b.kind = 'remittance_target' AND b.outcome = 'accepted'),
         min(b.at), max(b.at)
       FROM document_backfill b
       GROUP BY b.realm, b.family, b.key
       ON CONFLICT (realm, family, key) DO UPDATE SET
         provider_ids = d.provider_ids || EXCLUDED.provider_ids,
         party_code = COALESCE(d.party_code, EXCLUDED.party_code),
         terms = ARRAY(SELECT DISTINCT unnest(d.terms || EXCLUDED.terms)),
         last_status = COALESCE(EXCLUDED.last_status, d.last_status),
         last_status_at = COALESCE(EXCLUDED.last_status_at, d.last_status_at),
         paid_at = COALESCE(d.paid_at, EXCLUDED.paid_at),
         updated_at = GREATEST(d.updated_at, EXCLUDED.updated_at)`,
    );
    await queryRunner.query(
      `INSERT INTO document_changes (document_id, at, operation_id, client_id, change, summary)
       SELECT d.id, b.at, b.operation_id, b.client_id,
         CASE WHEN b.kind = 'remittance_target' THEN 'remittance_posted' ELSE 'status_posted' END,
         left(CASE WHEN b.kind = 'remittance_target'
           THEN format('remittance %s (%s, %s%s, paid %s) posted to %s: %s (backfilled)',
             b.payment ->> 'remittanceId', b.item_status,
             COALESCE(b.payment ->> 'netAmount', b.payment ->> 'grossAmount', '?'),
             ' ' || (b.payment ->> 'currency'), b.payment ->> 'date', b.provider, b.outcome)
           ELSE format('status %s posted to %s: %s (backfilled)', b.item_status, b.provider,
             b.outcome) END, 500)
       FROM document_backfill b
       JOIN documents d ON (d.realm, d.family, d.key) = (b.realm, b.family, b.key)
       ORDER BY b.at, b.operation_id, b.ord`,
    );
    await queryRunner.query(`DROP TABLE document_backfill`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`TRUNCATE document_changes, documents`);
  }
}
