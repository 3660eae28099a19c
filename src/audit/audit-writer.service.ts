import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { redactUrl } from '@lib/redaction';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { AuditDirection } from '../database/entities/audit-log.entity';
import { AuditLogRepository, type ChainHead } from '../database/repositories/audit-log.repository';
import {
  GENESIS_HASH,
  auditTimestamp,
  rowHash,
  type ChainedContent,
  type ChainedRow,
  type ChainPosition,
} from './chain/audit-chain';
import { storableRedacted, storableString, storableText } from './storable';

export interface AuditEntry {
  at?: Date;
  requestId?: string | null;
  /** W3C trace id (32 lowercase hex digits); anything else is not stored. */
  traceId?: string | null;
  /** The connection the call ran on, when it has one (DESIGN.md section 11). */
  connection?: string | null;
  clientId?: string | null;
  clientName?: string | null;
  direction: AuditDirection;
  provider?: string | null;
  operation?: string | null;
  method: string;
  path: string;
  status?: number | null;
  durationMs?: number | null;
  attempt?: number | null;
  outcome: string;
  errorCode?: string | null;
  operationId?: string | null;
  reference?: string | null;
  requestBody?: unknown;
  responseBody?: unknown;
}

/** A row's content before it gets its place in the chain. */
type UnsealedRow = Omit<
  ChainedContent,
  'chainId' | 'seq' | 'prevHash' | 'followsChainId' | 'followsSeq'
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BATCH = 200;
const MAX_PATH = 4096;
/** Rows kept in memory while the database is unreachable; beyond this the oldest are dropped. */
const MAX_PENDING = 20_000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
const INT_MAX = 2_147_483_647;

/**
 * Append-only, hash-chained audit writer: the one path every audit row takes (inbound requests,
 * upstream attempts, token requests). Every entry is made storable and redacted here, whoever
 * wrote it. Rows are inserted as soon as possible; entries that arrive while an insert is
 * running are written together in the next one (group commit).
 *
 * The chain: this instance writes one chain (chainId, seq 1, 2, 3, ...). A batch gets its seqs
 * and hashes in order just before its insert, and the in-memory head moves only after the
 * insert committed, so a failed insert leaves no gap: its rows are sealed again from the
 * unchanged head. seq 1 names the newest chained row of the whole log when the chain started
 * (followsChainId/followsSeq; its prevHash is that row's hash): no lock, several replicas may
 * follow the same row.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  readonly chainId = randomUUID();
  private readonly logger = new Logger('AuditWriter');
  private readonly maxBodyBytes: number;
  private readonly flushMs: number;
  private pending: UnsealedRow[] = [];
  /**
   * Entries recorded and not yet made rows: redaction, storable copies and size checks are done
   * when the group-commit batch is taken, not on the request's path (the time is taken at once).
   */
  private fresh: { entry: AuditEntry; at: number }[] = [];
  private flushing: Promise<void> | undefined;
  /** The last committed row of this chain; undefined until the chain's start is known. */
  private position: ChainPosition | undefined;
  private follows: ChainHead | undefined;
  private closing = false;
  private dropped = 0;
  private wake: (() => void) | undefined;
  private endWindow: (() => void) | undefined;

  constructor(
    private readonly repo: AuditLogRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxBodyBytes = config.audit.maxBodyBytes;
    this.flushMs = config.audit.flushMs;
  }

  record(entry: AuditEntry): void {
    if (this.pending.length + this.fresh.length >= MAX_PENDING) {
      this.takeFresh();
      this.dropped += this.pending.splice(0, this.pending.length - MAX_PENDING + 1).length;
      // once per thousand, not once per request
      if (this.dropped % 1000 === 1)
        this.logger.error(
          { dropped: this.dropped },
          'Audit rows dropped: the database has been unreachable too long',
        );
    }
    this.fresh.push({ entry, at: Date.now() });
    if (this.pending.length + this.fresh.length >= MAX_BATCH) this.endWindow?.();
    this.flushing ??= this.drain();
  }

  /** Resolves when every entry recorded so far is stored (or, on shutdown, given up). */
  async flush(): Promise<void> {
    this.endWindow?.();
    while (this.flushing) await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.endWindow?.();
    this.wake?.();
    await this.flush();
  }

  private async drain(): Promise<void> {
    let failures = 0;
    try {
      // the group commit window: rows recorded meanwhile share the first insert
      if (this.flushMs > 0 && !this.closing) await this.window(this.flushMs);
      while (this.takeFresh() > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.write(batch);
          failures = 0;
        } catch (failure) {
          // the database is unreachable (not a bad row: those are handled in write)
          const { rows, error } =
            failure instanceof UnwrittenRows ? failure : { rows: batch, error: failure };
          failures += 1;
          if (this.closing) {
            this.logger.error(
              { err: error, rows: rows.length + this.pending.length + this.fresh.length },
              'Audit rows lost at shutdown: the database is unreachable',
            );
            this.pending = [];
            this.fresh = [];
            return;
          }
          this.pending.unshift(...rows);
          this.logger.warn(
            { err: error, pending: this.pending.length },
            'Audit write failed; retrying',
          );
          await this.pause(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1)));
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Makes the entries recorded so far rows (after any rows waiting); returns the rows waiting. */
  private takeFresh(): number {
    if (this.fresh.length > 0) {
      const fresh = this.fresh;
      this.fresh = [];
      for (const { entry, at } of fresh) this.pending.push(this.toRowSafely(entry, at));
    }
    return this.pending.length;
  }

  /** The group commit window; cut short by a full batch, flush() or shutdown. */
  private async window(ms: number): Promise<void> {
    const wait = sleep(ms);
    this.endWindow = wait.cut;
    await wait.done;
    this.endWindow = undefined;
  }

  /** A retry's back-off; cut short by shutdown. */
  private pause(ms: number): Promise<void> {
    const wait = sleep(ms);
    wait.timer.unref();
    this.wake = wait.cut;
    return wait.done;
  }

  /** Writes a batch; one bad row never costs the others. Throws only if the database is down. */
  private async write(batch: UnsealedRow[]): Promise<void> {
    await this.start();
    const sealed = this.seal(batch);
    try {
      await this.repo.insert(sealed);
      this.advance(sealed);
      return;
    } catch {
      if (await this.committedAnyway(sealed)) return;
    }
    for (let i = 0; i < batch.length; i++) {
      try {
        await this.writeOne(batch[i]);
      } catch (error) {
        throw new UnwrittenRows(batch.slice(i), error);
      }
    }
  }

  private async writeOne(row: UnsealedRow): Promise<void> {
    let candidate = row;
    for (let attempt = 1; ; attempt++) {
      const sealed = this.seal([candidate]);
      try {
        await this.repo.insert(sealed);
        this.advance(sealed);
        return;
      } catch (error) {
        if (await this.committedAnyway(sealed)) return;
        if (attempt === 2) {
          this.logger.error(
            { err: error, method: row.method, path: row.path, requestId: row.requestId },
            'Could not write an audit row',
          );
          return;
        }
        // keep the row, without the bodies the database refused
        candidate = { ...row, requestBody: unstoredBody(error), responseBody: unstoredBody(error) };
      }
    }
  }

  /** On first use: where this chain starts. */
  private async start(): Promise<void> {
    if (this.position) return;
    this.follows = await this.repo.latestChained();
    this.position = { seq: 0, hash: this.follows?.hash ?? GENESIS_HASH };
  }

  /**
   * After a failed insert: reads the chain's head back. An insert whose answer was lost may
   * have committed; then the head moves to it. Throws if the database is unreachable.
   */
  private async committedAnyway(sealed: ChainedRow[]): Promise<boolean> {
    const head = await this.repo.head(this.chainId);
    const last = sealed[sealed.length - 1];
    if (head && head.seq === last.seq && head.hash === last.hash) {
      this.advance(sealed);
      return true;
    }
    if (head && this.position && head.seq !== this.position.seq) this.position = head;
    return false;
  }

  /** The rows with their chain fields, following the committed head. */
  private seal(rows: UnsealedRow[]): ChainedRow[] {
    let { seq, hash: prevHash } = this.position!;
    return rows.map((row) => {
      seq += 1;
      const content: ChainedContent = {
        ...row,
        chainId: this.chainId,
        seq,
        prevHash,
        followsChainId: seq === 1 ? (this.follows?.chainId ?? null) : null,
        followsSeq: seq === 1 ? (this.follows?.seq ?? null) : null,
      };
      prevHash = rowHash(content);
      return { ...content, hash: prevHash };
    });
  }

  private advance(sealed: ChainedRow[]): void {
    const last = sealed[sealed.length - 1];
    this.position = { seq: last.seq, hash: last.hash };
  }

  private toRowSafely(entry: AuditEntry, recordedAt: number): UnsealedRow {
    try {
      return this.toRow(entry, recordedAt);
    } catch (error) {
      // never expected: keep what identifies the request rather than nothing
      this.logger.error({ err: error }, 'Audit entry could not be prepared in full');
      return {
        ...this.toRow({ ...entry, requestBody: undefined, responseBody: undefined }, recordedAt),
        requestBody: unstoredBody(error),
        responseBody: unstoredBody(error),
      };
    }
  }

  /** The row as it will be stored and read back: every string storable, every value in range. */
  private toRow(entry: AuditEntry, recordedAt: number): UnsealedRow {
    const at =
      entry.at instanceof Date && !Number.isNaN(entry.at.getTime())
        ? entry.at
        : new Date(recordedAt);
    return {
      at: auditTimestamp(at),
      requestId: text(entry.requestId, 128),
      traceId: traceId(entry.traceId),
      connection: text(entry.connection, 63),
      clientId: uuid(entry.clientId),
      clientName: text(entry.clientName, 100),
      direction: text(entry.direction, 8) ?? '',
      provider: text(entry.provider, 40),
      operation: text(entry.operation, 80),
      method: text(entry.method, 10) ?? '',
      path: storableText(redactUrl(storableString(text(entry.path, Infinity) ?? '')), MAX_PATH),
      status: int(entry.status),
      durationMs: int(entry.durationMs),
      attempt: int(entry.attempt),
      outcome: text(entry.outcome, 32) ?? '',
      errorCode: text(entry.errorCode, 100),
      operationId: uuid(entry.operationId),
      reference: text(entry.reference, 255),
      requestBody: this.body(entry.requestBody),
      responseBody: this.body(entry.responseBody),
    };
  }

  /** Redacted, storable, size-bounded copy of a body for a jsonb column. */
  private body(value: unknown): unknown {
    if (value === undefined || value === null || value === '') return null;
    let safe: unknown;
    try {
      safe = storableRedacted(value);
    } catch (error) {
      return unstoredBody(error);
    }
    if (safe === null) return null;
    const serialized = JSON.stringify(safe);
    if (serialized.length > this.maxBodyBytes) {
      return {
        truncated: true,
        bytes: serialized.length,
        preview: storableText(serialized, this.maxBodyBytes),
      };
    }
    return safe;
  }
}

/** A wait of `ms` that `cut` ends at once. */
function sleep(ms: number): { done: Promise<void>; cut: () => void; timer: NodeJS.Timeout } {
  let cut = (): void => undefined;
  let timer!: NodeJS.Timeout;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    cut = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, cut, timer };
}

/** The rows of a batch not yet written when the database became unreachable. */
class UnwrittenRows extends Error {
  constructor(
    readonly rows: UnsealedRow[],
    readonly error: unknown,
  ) {
    super('audit rows not written');
  }
}

function text(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  return storableText(typeof value === 'string' ? value : JSON.stringify(value), max);
}

function uuid(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}

function int(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const rounded = Math.round(value);
  return Math.abs(rounded) <= INT_MAX ? rounded : null;
}

/** What a row holds instead of a body that could not be stored. */
function unstoredBody(error: unknown): { auditError: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    auditError: `the body could not be stored${typeof code === 'string' ? ` (${storableText(code, 20)})` : ''}`,
  };
}

/** Outcome of an inbound request, from its status. */
export function inboundOutcome(status: number): string {
  if (status < 400) return 'success';
  if (status < 500) return 'rejected';
  if (status === 504) return 'timeout';
  if (status === 502 || status === 503) return 'unavailable';
  return 'error';
}

const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

function traceId(value: unknown): string | null {
  return typeof value === 'string' && TRACE_ID.test(value) ? value : null;
}
