import { Injectable } from '@nestjs/common';
import {
  AuditLogRepository,
  type StoredAuditRow,
} from '../database/repositories/audit-log.repository';
import {
  GENESIS_HASH,
  chainBreak,
  checkRow,
  type ChainBreak,
  type ChainPosition,
} from './chain/audit-chain';

/** Rows per page: bodies are bounded (AUDIT_MAX_BODY_BYTES), so memory is too. */
const PAGE = 250;
const PROGRESS_EVERY = 10_000;

export interface VerifyOptions {
  /** Rows with from <= at < to; each chain's part in range is checked as one contiguous segment. */
  from?: Date;
  to?: Date;
  /** Heads anchored elsewhere (audit:head): each must still be in its chain with its hash. */
  expectHeads?: { chainId: string; seq: number; hash: string }[];
  /** Called with the number of rows checked so far, every few thousand rows. */
  onProgress?: (rows: number) => void;
}

export interface VerifyResult {
  ok: boolean;
  chains: number;
  rows: number;
  /** Number of breaks found (the walk goes on after one, from the row that broke). */
  breaks: number;
  firstBreak?: ChainBreak;
}

/**
 * Walks the hash chains in (chainId, seq) order with keyset pagination, so memory stays flat
 * over any number of rows. Each chain's first row is checked against what precedes it: seq 1
 * against the row it follows, a later seq against retention's anchor (or, in a time range,
 * against its own stored prevHash, taken as given).
 */
@Injectable()
export class AuditVerifier {
  constructor(private readonly repo: AuditLogRepository) {}

  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const ranged = options.from !== undefined || options.to !== undefined;
    const result: VerifyResult = { ok: true, chains: 0, rows: 0, breaks: 0 };
    const report = (found: ChainBreak | undefined) => {
      if (!found) return;
      result.breaks += 1;
      result.firstBreak ??= found;
    };
    let chainId: string | undefined;
    let previous: ChainPosition | undefined;
    const rows = ranged ? this.rangedRows(options.from, options.to) : this.allRows();
    for await (const row of rows) {
      if (row.chainId !== chainId) {
        chainId = row.chainId;
        result.chains += 1;
        const start = await this.checkStart(row, ranged);
        report(start.found);
        previous = start.previous;
      }
      let found = checkRow(previous, row);
      if (found?.code === 'seq_gap' && previous) {
        const anchor = await this.removedDuringWalk(row, previous);
        if (anchor) found = checkRow(anchor, row);
      }
      report(found);
      previous = { seq: row.seq, hash: row.hash };
      result.rows += 1;
      if (result.rows % PROGRESS_EVERY === 0) options.onProgress?.(result.rows);
    }
    for (const head of options.expectHeads ?? []) report(await this.checkHead(head));
    const unchained = await this.repo.unchained(options.from, options.to);
    if (unchained.count > 0) {
      report(
        chainBreak(
          null,
          null,
          'unchained_row',
          `${unchained.count} row(s) without chain fields (first id ${unchained.firstId}): inserted outside the audit writer`,
        ),
      );
    }
    options.onProgress?.(result.rows);
    result.ok = result.breaks === 0;
    await this.repo.recordVerification({ ...result, from: options.from, to: options.to });
    return result;
  }

  /**
   * Checks a chain from its first stored row up to seq `toSeq` (what retention is about to
   * remove: it never removes evidence of tampering). Returns the first break, or the positions
   * every `every` rows and at the end, where the removal may cut.
   */
  async checkPrefix(
    chainId: string,
    toSeq: number,
    every: number,
  ): Promise<{ found?: ChainBreak; cuts: ChainPosition[] }> {
    const cuts: ChainPosition[] = [];
    let previous: ChainPosition | undefined;
    let count = 0;
    let after = (await this.repo.anchor(chainId))?.seq ?? 0;
    for (;;) {
      const page = await this.repo.segmentPage(chainId, after, toSeq, PAGE);
      for (const row of page) {
        if (count === 0) {
          const start = await this.checkStart(row, false);
          if (start.found) return { found: start.found, cuts };
          previous = start.previous;
        }
        const found = checkRow(previous, row);
        if (found) return { found, cuts };
        previous = { seq: row.seq, hash: row.hash };
        count += 1;
        if (count % every === 0) cuts.push(previous);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].seq;
    }
    if (previous && cuts[cuts.length - 1] !== previous) cuts.push(previous);
    return { cuts };
  }

  /**
   * Retention may remove a prefix of a chain while the walk is in it: the rows already seen are
   * gone now and the anchor names the row just before this one. Anything else stays a gap.
   */
  private async removedDuringWalk(
    row: StoredAuditRow,
    previous: ChainPosition,
  ): Promise<ChainPosition | undefined> {
    const anchor = await this.repo.anchor(row.chainId);
    if (!anchor || anchor.seq !== row.seq - 1 || anchor.hash !== row.prevHash) return undefined;
    return (await this.repo.position(row.chainId, previous.seq)) ? undefined : anchor;
  }

  private async *allRows(): AsyncGenerator<StoredAuditRow> {
    let after: { chainId: string; seq: number } | undefined;
    for (;;) {
      const page = await this.repo.chainedPage(after, PAGE);
      yield* page;
      if (page.length < PAGE) return;
      const last = page[page.length - 1];
      after = { chainId: last.chainId, seq: last.seq };
    }
  }

  /** Per chain, every row from its first to its last seq in range (a row in between whose
   *  time lies outside the range still belongs to the segment). */
  private async *rangedRows(from?: Date, to?: Date): AsyncGenerator<StoredAuditRow> {
    for (const segment of await this.repo.segmentsInRange(from, to)) {
      let after = segment.firstSeq - 1;
      for (;;) {
        const page = await this.repo.segmentPage(segment.chainId, after, segment.lastSeq, PAGE);
        yield* page;
        if (page.length < PAGE) break;
        after = page[page.length - 1].seq;
      }
    }
  }

  /** What the first row of a chain (or of its segment) follows, and whether it does. */
  private async checkStart(
    row: StoredAuditRow,
    ranged: boolean,
  ): Promise<{ found?: ChainBreak; previous?: ChainPosition }> {
    if (row.seq === 1) return { found: await this.checkLink(row) };
    const anchor = await this.repo.anchor(row.chainId);
    if (anchor && anchor.seq === row.seq - 1) {
      const found =
        row.prevHash === anchor.hash
          ? undefined
          : chainBreak(
              row.chainId,
              row.seq,
              'anchor_mismatch',
              `prevHash does not name the hash retention recorded for seq ${anchor.seq}`,
            );
      return { found, previous: anchor };
    }
    // a segment of a time range: its first row's prevHash is taken as given
    if (ranged && (!anchor || anchor.seq < row.seq - 1)) return {};
    if (anchor && anchor.seq >= row.seq) {
      return {
        found: chainBreak(
          row.chainId,
          row.seq,
          'anchor_mismatch',
          `seq ${row.seq} is stored but retention recorded seq 1 to ${anchor.seq} as removed`,
        ),
      };
    }
    const first = anchor ? anchor.seq + 1 : 1;
    return {
      found: chainBreak(
        row.chainId,
        row.seq,
        'missing_start',
        `the chain starts at seq ${row.seq}: seq ${first} to ${row.seq - 1} are missing${anchor ? ' after the retention anchor' : ' and no retention anchor records their removal'}`,
      ),
    };
  }

  /** seq 1 names the row its chain follows (or nothing, with the genesis hash). */
  private async checkLink(row: StoredAuditRow): Promise<ChainBreak | undefined> {
    const mismatch = (why: string) => chainBreak(row.chainId, row.seq, 'link_mismatch', why);
    if (row.followsChainId === null && row.followsSeq === null) {
      return row.prevHash === GENESIS_HASH
        ? undefined
        : mismatch('a chain that follows no row must start from the genesis hash');
    }
    if (row.followsChainId === null || row.followsSeq === null)
      return mismatch('followsChainId and followsSeq must be set together');
    const followed = await this.repo.position(row.followsChainId, row.followsSeq);
    const named = `${row.followsChainId} seq ${row.followsSeq}`;
    if (followed) {
      return followed.hash === row.prevHash
        ? undefined
        : mismatch(`prevHash does not name the hash of the row it follows (${named})`);
    }
    const anchor = await this.repo.anchor(row.followsChainId);
    if (anchor && anchor.seq >= row.followsSeq) {
      // removed by retention: only the last removed row's hash is kept
      return anchor.seq > row.followsSeq || anchor.hash === row.prevHash
        ? undefined
        : mismatch(`prevHash does not name the hash retention recorded for ${named}`);
    }
    return chainBreak(
      row.chainId,
      row.seq,
      'link_missing',
      `the row this chain follows (${named}) is missing and no retention anchor records its removal`,
    );
  }

  private async checkHead(head: {
    chainId: string;
    seq: number;
    hash: string;
  }): Promise<ChainBreak | undefined> {
    const stored = await this.repo.position(head.chainId, head.seq);
    if (stored) {
      return stored.hash === head.hash
        ? undefined
        : chainBreak(
            head.chainId,
            head.seq,
            'head_mismatch',
            'the anchored head has another hash now: the chain was rewritten',
          );
    }
    const anchor = await this.repo.anchor(head.chainId);
    if (anchor && anchor.seq >= head.seq) {
      return anchor.seq > head.seq || anchor.hash === head.hash
        ? undefined
        : chainBreak(
            head.chainId,
            head.seq,
            'head_mismatch',
            'retention recorded another hash for the anchored head: the chain was rewritten',
          );
    }
    return chainBreak(
      head.chainId,
      head.seq,
      'head_mismatch',
      'the anchored head is missing: the chain was truncated or rewritten',
    );
  }
}
