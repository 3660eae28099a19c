import { readFile } from 'node:fs/promises';
import { AuditVerifier } from '../audit/audit-verifier.service';
import { parseTimeOption, timeRange } from '../audit/time-range';
import type { Database } from '../database/database';
import type { CliIo, Command } from './command';
import { AuditLogRepository } from '../database/repositories/audit-log.repository';

/** `audit:verify`: walks the hash chains; exit 1 on a break. */
export function auditVerify(): Command {
  return {
    name: 'audit:verify',
    args: '[--from <iso>] [--to <iso>] [--heads <file>]',
    summary: 'walk the audit hash chains (exit 1 on a break)',
    help: [
      'Walks every audit hash chain (or the rows between --from and --to) and prints',
      '{ ok, chains, rows, firstBreak? } on stdout; progress goes to stderr.',
      '--heads <file>: a saved `audit:head --json` to compare the chains against (catches a',
      'whole chain rewritten consistently).',
    ],
    options: { from: { type: 'string' }, to: { type: 'string' }, heads: { type: 'string' } },
    async run({ io, values, db }) {
      const from = typeof values.from === 'string' ? values.from : undefined;
      const to = typeof values.to === 'string' ? values.to : undefined;
      let expectHeads: { chainId: string; seq: number; hash: string }[] | undefined;
      try {
        parseTimeOption('from', from);
        parseTimeOption('to', to);
        if (from && to && Date.parse(from) >= Date.parse(to)) {
          throw new Error('--to must be later than --from');
        }
        expectHeads = typeof values.heads === 'string' ? await readHeads(values.heads) : undefined;
      } catch (error) {
        io.err(`audit:verify: ${error instanceof Error ? error.message : String(error)}`);
        return 2;
      }
      const started = Date.now();
      const result = await new AuditVerifier(AuditLogRepository.on(db.dataSource)).verify({
        ...timeRange(from, to),
        expectHeads,
        onProgress: (rows) =>
          io.err(
            `audit:verify: ${rows} rows checked (${Math.round((Date.now() - started) / 1000)} s)`,
          ),
      });
      io.out(JSON.stringify(result, null, 2));
      return result.ok ? 0 : 1;
    },
  };
}

/** `audit:head`: each chain's latest seq and hash, to anchor elsewhere on a schedule. */
export function auditHead(): Command {
  return {
    name: 'audit:head',
    args: '[--json]',
    summary: "each chain's latest seq and hash, to anchor elsewhere",
    help: [
      "Prints each audit chain's latest seq and hash. Store the --json output somewhere the",
      'database cannot reach (on a schedule); `audit:verify --heads <file>` checks against it.',
    ],
    options: { json: { type: 'boolean' } },
    run: ({ io, values, db }) => printHeads(db, io, values.json === true),
  };
}

async function printHeads(db: Database, io: CliIo, json: boolean): Promise<number> {
  const heads = await AuditLogRepository.on(db.dataSource).heads();
  if (json) {
    io.out(JSON.stringify(heads, null, 2));
  } else {
    if (heads.length === 0) io.out('No audit chains.');
    for (const h of heads) io.out(`${h.chainId}  seq ${h.seq}  ${h.hash}  ${h.at}`);
  }
  return 0;
}

async function readHeads(file: string): Promise<{ chainId: string; seq: number; hash: string }[]> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  const valid =
    Array.isArray(parsed) &&
    parsed.every(
      (h: Record<string, unknown>) =>
        typeof h?.chainId === 'string' && typeof h.seq === 'number' && typeof h.hash === 'string',
    );
  if (!valid) throw new Error(`${file} is not the output of audit:head --json`);
  return parsed as { chainId: string; seq: number; hash: string }[];
}
