/**
 * Offline verification of an NDJSON export (GET /v1/audit-logs/export), with nothing but Node:
 *
 *   node dist/src/audit/chain/verify-export.js audit.ndjson [--complete]
 *   curl ... /v1/audit-logs/export | node dist/src/audit/chain/verify-export.js -
 *
 * This file and audit-chain.js (its only import besides node: modules) can be copied anywhere.
 * Every row's hash is recomputed from its content; consecutive rows of a chain must link
 * (prevHash = the previous row's hash). A filtered export skips rows, so a seq missing from
 * the export is counted, not a break, unless --complete says the export holds whole chains.
 * Prints a JSON report; exits 0 when it verifies, 1 when it does not, 2 on bad usage.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  chainBreak,
  checkRow,
  type ChainBreak,
  type ChainedRow,
  type ChainPosition,
} from './audit-chain';

export interface ExportReport {
  ok: boolean;
  rows: number;
  chains: number;
  /** Pairs of consecutive rows whose link was checked. */
  links: number;
  /** seqs between two exported rows of a chain that the export does not hold. */
  skipped: number;
  breaks: number;
  firstBreak?: ChainBreak & { line: number };
}

export async function verifyExport(
  lines: AsyncIterable<string>,
  options: { complete?: boolean } = {},
): Promise<ExportReport> {
  const report: ExportReport = { ok: true, rows: 0, chains: 0, links: 0, skipped: 0, breaks: 0 };
  const last = new Map<string, ChainPosition>();
  let lineNo = 0;
  const fail = (found: ChainBreak) => {
    report.breaks += 1;
    report.firstBreak ??= { ...found, line: lineNo };
  };
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let row: ChainedRow;
    try {
      row = JSON.parse(line) as ChainedRow;
    } catch {
      fail(chainBreak(null, null, 'hash_mismatch', `line ${lineNo} is not JSON`));
      continue;
    }
    report.rows += 1;
    if (!row.chainId || typeof row.seq !== 'number' || !row.hash) {
      fail(chainBreak(null, null, 'unchained_row', `line ${lineNo} has no chain fields`));
      continue;
    }
    const previous = last.get(row.chainId);
    if (!previous) report.chains += 1;
    let found: ChainBreak | undefined;
    if (previous && row.seq > previous.seq + 1 && !options.complete) {
      report.skipped += row.seq - previous.seq - 1;
      found = checkRow(undefined, row);
    } else {
      if (previous && row.seq === previous.seq + 1) report.links += 1;
      found = checkRow(previous, row);
    }
    if (found) fail(found);
    last.set(row.chainId, { seq: row.seq, hash: row.hash });
  }
  report.ok = report.breaks === 0;
  return report;
}

async function main(argv: string[]): Promise<number> {
  const complete = argv.includes('--complete');
  const files = argv.filter((a) => a !== '--complete');
  if (files.length !== 1 || files[0].startsWith('--')) {
    process.stderr.write('Usage: node verify-export.js <export.ndjson | -> [--complete]\n');
    return 2;
  }
  const input: Readable = files[0] === '-' ? process.stdin : createReadStream(files[0]);
  const report = await verifyExport(createInterface({ input, crlfDelay: Infinity }), { complete });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `verify-export: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(2);
    },
  );
}
