import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AuditVerifier } from '../audit/audit-verifier.service';
import { parseTimeOption, timeRange } from '../audit/time-range';
import type { Database } from '../database/database';
import { AuditLogRepository } from '../database/repositories/audit-log.repository';

export const AUDIT_USAGE = `  audit:verify [--from <iso>] [--to <iso>] [--heads <file>]
                                                        walk the audit hash chains (progress on
                                                        stderr, report on stdout; exit 1 on a break);
                                                        --heads: a saved audit:head --json to check
  audit:head [--json]                                   each chain's latest seq and hash, to anchor
                                                        elsewhere`;

export const AUDIT_COMMANDS = new Set(['audit:verify', 'audit:head']);

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The audit commands of the CLI; resolves to the exit code. */
export async function runAuditCommand(
  command: string,
  args: string[],
  io: Io,
  open: () => Promise<Database>,
): Promise<number> {
  let values: { from?: string; to?: string; heads?: string; json?: boolean };
  let expectHeads: { chainId: string; seq: number; hash: string }[] | undefined;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        heads: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
    parseTimeOption('from', values.from);
    parseTimeOption('to', values.to);
    if (values.from && values.to && Date.parse(values.from) >= Date.parse(values.to))
      throw new Error('--to must be later than --from');
    expectHeads = values.heads ? await readHeads(values.heads) : undefined;
  } catch (error) {
    io.err(`${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const db = await open();
  try {
    if (command === 'audit:head') return await printHeads(db, io, values.json === true);
    const started = Date.now();
    const result = await new AuditVerifier(db.dataSource).verify({
      ...timeRange(values.from, values.to),
      expectHeads,
      onProgress: (rows) =>
        io.err(
          `audit:verify: ${rows} rows checked (${Math.round((Date.now() - started) / 1000)} s)`,
        ),
    });
    io.out(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

async function printHeads(db: Database, io: Io, json: boolean): Promise<number> {
  const heads = await new AuditLogRepository(db.dataSource).heads();
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
