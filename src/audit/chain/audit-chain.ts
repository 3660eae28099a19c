/**
 * The audit hash chain: canonical JSON, the row hash and the check of one row against the row
 * before it. Pure and dependency-free (node:crypto only) on purpose: the offline verifier
 * (verify-export.ts) runs this same file on an auditor's machine.
 */
import { createHash } from 'node:crypto';

/** Version of the hashed content; part of every hash, so a future layout cannot collide. */
export const CHAIN_VERSION = 1;

/** prevHash of the first row of the first chain (nothing before it). */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored content of one audit row, exactly as it reads back from the database. */
export interface ChainedContent {
  chainId: string;
  seq: number;
  prevHash: string;
  /** Only on seq 1: the row this chain follows (the newest chained row when it started). */
  followsChainId: string | null;
  followsSeq: number | null;
  /** UTC, microseconds: the full precision of timestamptz (see auditTimestamp). */
  at: string;
  requestId: string | null;
  /**
   * W3C trace id of the request or attempt. Hashed only when set (see OPTIONAL_FIELDS): rows
   * written before the column existed hash exactly as before.
   */
  traceId?: string | null;
  /**
   * The connection the call ran on (DESIGN.md section 11), when it has one. Hashed only when
   * set (see OPTIONAL_FIELDS), like traceId: no chain version change.
   */
  connection?: string | null;
  clientId: string | null;
  clientName: string | null;
  direction: string;
  provider: string | null;
  operation: string | null;
  method: string;
  path: string;
  status: number | null;
  durationMs: number | null;
  attempt: number | null;
  outcome: string;
  errorCode: string | null;
  operationId: string | null;
  reference: string | null;
  requestBody: unknown;
  responseBody: unknown;
}

/** A row with its hash, as the verifiers see it. */
export interface ChainedRow extends ChainedContent {
  hash: string;
}

/**
 * JSON with object keys sorted by UTF-16 code units and no whitespace. Numbers are written as
 * JavaScript writes them (shortest round-trip form), so a number keeps its text through a jsonb
 * column and back. Only JSON values are accepted: anything else is a programming error.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`not a JSON number: ${value}`);
      return JSON.stringify(value);
    case 'object': {
      // built by concatenation: no intermediate array per object or array (audit rows are hot)
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += canonicalJson(value[i]);
        }
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) out += ',';
        out += JSON.stringify(keys[i]) + ':' + canonicalJson(record[keys[i]]);
      }
      return out + '}';
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

/** Every hashed field, in one list: anything else on a row (its id, its hash) is not content. */
export const CONTENT_FIELDS = [
  'chainId',
  'seq',
  'prevHash',
  'followsChainId',
  'followsSeq',
  'at',
  'requestId',
  'traceId',
  'connection',
  'clientId',
  'clientName',
  'direction',
  'provider',
  'operation',
  'method',
  'path',
  'status',
  'durationMs',
  'attempt',
  'outcome',
  'errorCode',
  'operationId',
  'reference',
  'requestBody',
  'responseBody',
] as const satisfies readonly (keyof ChainedContent)[];

/**
 * Fields added after chain version 1: part of the hashed content when set, left out of it when
 * null. A row without one hashes exactly as version 1 did (older rows keep verifying), and a
 * value added, changed or removed afterwards changes the hash all the same.
 */
export const OPTIONAL_FIELDS: ReadonlySet<keyof ChainedContent> = new Set([
  'traceId',
  'connection',
]);

/** The hashed object's keys (the version and the content fields), in canonical order. */
const HASHED_FIELDS: readonly (keyof ChainedContent | 'v')[] = [
  ...CONTENT_FIELDS,
  'v' as const,
].sort();

/** SHA-256 (hex) over the canonical JSON of the row's content, prevHash included. */
export function rowHash(content: ChainedContent): string {
  // canonicalJson({ v, ...content fields }) written directly: the top-level keys are known
  let out = '{';
  for (const field of HASHED_FIELDS) {
    const value = field === 'v' ? CHAIN_VERSION : (content[field] ?? null);
    if (value === null && OPTIONAL_FIELDS.has(field as keyof ChainedContent)) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(field) + ':' + canonicalJson(value);
  }
  return createHash('sha256')
    .update(out + '}', 'utf8')
    .digest('hex');
}

/**
 * A Date as the chain stores and hashes it: ISO-8601 UTC with six fraction digits, the
 * precision of timestamptz. A JavaScript Date has milliseconds, so its last three digits are 0.
 */
export function auditTimestamp(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

export type BreakReason =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'seq_gap'
  | 'duplicate_seq'
  | 'out_of_order'
  | 'missing_start'
  | 'anchor_mismatch'
  | 'link_mismatch'
  | 'link_missing'
  | 'head_mismatch'
  | 'unchained_row';

export interface ChainBreak {
  chainId: string | null;
  seq: number | null;
  code: BreakReason;
  reason: string;
}

/** The last row seen of a chain: what the next row must follow. */
export interface ChainPosition {
  seq: number;
  hash: string;
}

export function chainBreak(
  chainId: string | null,
  seq: number | null,
  code: BreakReason,
  reason: string,
): ChainBreak {
  return { chainId, seq, code, reason: `${code}: ${reason}` };
}

/**
 * Checks a row against the previous row of its chain (undefined: the first row being checked,
 * whose start the caller has checked) and against its own hash. Returns the first problem.
 */
export function checkRow(
  previous: ChainPosition | undefined,
  row: ChainedRow,
): ChainBreak | undefined {
  if (previous) {
    if (row.seq === previous.seq) {
      return chainBreak(row.chainId, row.seq, 'duplicate_seq', `seq ${row.seq} appears twice`);
    }
    if (row.seq < previous.seq) {
      return chainBreak(
        row.chainId,
        row.seq,
        'out_of_order',
        `seq ${row.seq} comes after seq ${previous.seq}`,
      );
    }
    if (row.seq !== previous.seq + 1) {
      const missing =
        row.seq === previous.seq + 2
          ? `seq ${previous.seq + 1} is missing`
          : `seq ${previous.seq + 1} to ${row.seq - 1} are missing`;
      return chainBreak(row.chainId, row.seq, 'seq_gap', `${missing}: rows were deleted`);
    }
    if (row.prevHash !== previous.hash) {
      return chainBreak(
        row.chainId,
        row.seq,
        'prev_hash_mismatch',
        `prevHash does not name the hash of seq ${previous.seq}: a row was reordered, replaced or inserted`,
      );
    }
  }
  if (rowHash(row) !== row.hash) {
    return chainBreak(
      row.chainId,
      row.seq,
      'hash_mismatch',
      'the stored content does not match its hash: the row was changed after it was written',
    );
  }
  return undefined;
}
