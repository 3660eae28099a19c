import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { loadConfig, type GatewayConfig } from '../src/load-config';
import { AuditQueryService } from '../src/audit/audit-query.service';
import { AuditRetentionService } from '../src/audit/audit-retention.service';
import { AuditVerifier } from '../src/audit/audit-verifier.service';
import { AuditWriter, type AuditEntry } from '../src/audit/audit-writer.service';
import { GENESIS_HASH, rowHash, type ChainedContent } from '../src/audit/chain/audit-chain';
import { verifyExport } from '../src/audit/chain/verify-export';
import { runCli } from '../src/cli/cli';
import { Db } from '../src/database/db';
import { AuditLogRepository } from '../src/database/repositories/audit-log.repository';
import type { Session, Statement } from '../src/database/sql';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';

const DAY = 86_400_000;

function entry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    direction: i % 2 ? 'outbound' : 'inbound',
    method: 'POST',
    path: `/v1/invoices?i=${i}`,
    status: 201,
    durationMs: 12.6,
    outcome: 'success',
    requestId: `req-${i}`,
    reference: `REF-${i}`,
    provider: 'dms',
    requestBody: { zeta: i, alpha: { b: true, a: 'x' }, amount: 150000.5, n: [1.0, 0.1 + 0.2] },
    responseBody: { ok: true, message: `row ${i}` },
    ...overrides,
  };
}

/** Database tests of the audit chain: real Postgres, real migrations, tampering through SQL. */
describe('audit hash chain (database)', () => {
  let scratch: ScratchDatabase;
  let ds: DataSource;
  let config: GatewayConfig;
  let verifier: AuditVerifier;

  beforeAll(async () => {
    scratch = await createScratchDatabase('igw_audit_chain');
    ds = scratch.db.dataSource;
    config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: scratch.url });
    verifier = new AuditVerifier(AuditLogRepository.on(ds));
  }, 60_000);

  afterAll(async () => {
    await scratch?.drop();
  });

  beforeEach(async () => {
    await ds.query('TRUNCATE audit_logs, audit_chain_anchors');
  });

  async function writeChain(count: number, make = entry): Promise<AuditWriter> {
    const writer = new AuditWriter(AuditLogRepository.on(ds), config);
    for (let i = 0; i < count; i++) writer.record(make(i));
    await writer.flush();
    return writer;
  }

  async function firstBreak() {
    const result = await verifier.verify();
    expect(result.ok).toBe(false);
    return result.firstBreak!;
  }

  it('writes a gap-free chain across batches and pages, and it verifies', async () => {
    const writer = await writeChain(450, (i) =>
      entry(i, {
        at: new Date(Date.now() - (450 - i) * 1000),
        // what jsonb and text refuse or change, kept visible and verifiable
        responseBody: { nul: 'a\u0000b', lone: 'x\ud800', text: 'escaped \\u0000 text', i },
        errorCode: i === 3 ? 'bad\u0000code\udc00' : null,
        clientId: i === 4 ? '0B6A8F1E-6A3E-4A4B-9D36-1F6F3C1D2E10' : null,
      }),
    );
    const seqs: { seq: string; n: string; chains: string }[] = await ds.query(
      `SELECT max(seq)::text AS seq, count(*)::text AS n, count(DISTINCT chain_id)::text AS chains
       FROM audit_logs`,
    );
    expect(seqs[0]).toEqual({ seq: '450', n: '450', chains: '1' });
    const progress: number[] = [];
    const result = await verifier.verify({ onProgress: (rows) => progress.push(rows) });
    expect(result).toEqual({ ok: true, chains: 1, rows: 450, breaks: 0 });
    expect(progress[progress.length - 1]).toBe(450);

    const [first] = await ds.query(
      `SELECT chain_id, prev_hash, follows_chain_id, response_body, error_code FROM audit_logs WHERE seq = 1`,
    );
    expect(first).toMatchObject({
      chain_id: writer.chainId,
      prev_hash: GENESIS_HASH,
      follows_chain_id: null,
      response_body: { nul: 'a\\u0000b', lone: 'x\\ud800', text: 'escaped \\u0000 text', i: 0 },
    });
    const [fourth] = await ds.query(`SELECT error_code FROM audit_logs WHERE seq = 4`);
    expect(fourth.error_code).toBe('bad\\u0000code\\udc00');
  });

  it('detects a changed body', async () => {
    const writer = await writeChain(10);
    await ds.query(
      `UPDATE audit_logs SET response_body = jsonb_set(response_body, '{ok}', 'false') WHERE seq = 5`,
    );
    expect(await firstBreak()).toMatchObject({
      chainId: writer.chainId,
      seq: 5,
      code: 'hash_mismatch',
      reason: expect.stringContaining('changed after it was written'),
    });
  });

  it('detects a changed status and a timestamp moved by one microsecond', async () => {
    await writeChain(10);
    await ds.query(`UPDATE audit_logs SET status = 200 WHERE seq = 2`);
    await ds.query(`UPDATE audit_logs SET at = at + interval '1 microsecond' WHERE seq = 8`);
    const result = await verifier.verify();
    expect(result).toMatchObject({
      ok: false,
      breaks: 2,
      firstBreak: { seq: 2, code: 'hash_mismatch' },
    });
  });

  it('detects a deleted row', async () => {
    await writeChain(10);
    await ds.query(`DELETE FROM audit_logs WHERE seq = 7`);
    expect(await firstBreak()).toMatchObject({
      seq: 8,
      code: 'seq_gap',
      reason: expect.stringContaining('seq 7 is missing'),
    });
  });

  it('detects two rows that swapped places', async () => {
    await writeChain(10);
    await ds.query(`UPDATE audit_logs SET seq = -3 WHERE seq = 3`);
    await ds.query(`UPDATE audit_logs SET seq = 3 WHERE seq = 4`);
    await ds.query(`UPDATE audit_logs SET seq = 4 WHERE seq = -3`);
    expect(await firstBreak()).toMatchObject({
      seq: 3,
      code: 'prev_hash_mismatch',
      reason: expect.stringContaining('reordered'),
    });
  });

  it('detects a forged row inserted in the middle with a correctly computed hash', async () => {
    const writer = await writeChain(10);
    await ds.query(`UPDATE audit_logs SET seq = seq + 1000 WHERE seq >= 5`);
    await ds.query(`UPDATE audit_logs SET seq = seq - 999 WHERE seq > 1000`);
    const [prev] = await ds.query(`SELECT hash FROM audit_logs WHERE seq = 4`);
    const forged: ChainedContent = {
      chainId: writer.chainId,
      seq: 5,
      prevHash: prev.hash,
      followsChainId: null,
      followsSeq: null,
      at: '2026-12-01T09:00:00.000000Z',
      requestId: 'forged',
      clientId: null,
      clientName: null,
      direction: 'inbound',
      provider: 'dms',
      operation: null,
      method: 'POST',
      path: '/v1/invoices',
      status: 201,
      durationMs: 1,
      attempt: null,
      outcome: 'success',
      errorCode: null,
      operationId: null,
      reference: 'FORGED',
      requestBody: null,
      responseBody: null,
    };
    await ds.query(
      `INSERT INTO audit_logs (chain_id, seq, prev_hash, hash, at, request_id, direction, provider,
         method, path, status, duration_ms, outcome, reference)
       VALUES ($1, 5, $2, $3, $4, 'forged', 'inbound', 'dms', 'POST', '/v1/invoices', 201, 1, 'success', 'FORGED')`,
      [writer.chainId, prev.hash, rowHash(forged), forged.at],
    );
    const result = await verifier.verify();
    expect(result.rows).toBe(11);
    // the forged row itself hashes right; the row it pushed aside no longer follows
    expect(result.firstBreak).toMatchObject({ seq: 6, code: 'prev_hash_mismatch' });
  });

  it('detects a forged row appended with a copied hash, and a row without chain fields', async () => {
    await writeChain(3);
    await ds.query(
      `INSERT INTO audit_logs (chain_id, seq, prev_hash, hash, at, direction, method, path, outcome)
       SELECT chain_id, 4, hash, hash, at, direction, method, '/forged', outcome FROM audit_logs WHERE seq = 3`,
    );
    await ds.query(
      `INSERT INTO audit_logs (direction, method, path, outcome) VALUES ('inbound', 'GET', '/raw', 'success')`,
    );
    const result = await verifier.verify();
    expect(result).toMatchObject({
      ok: false,
      breaks: 2,
      firstBreak: { seq: 4, code: 'hash_mismatch' },
    });
    await ds.query(`DELETE FROM audit_logs WHERE seq = 4`);
    expect(await firstBreak()).toMatchObject({
      chainId: null,
      code: 'unchained_row',
      reason: expect.stringContaining('inserted outside the audit writer'),
    });
  });

  it('detects a deleted first row', async () => {
    await writeChain(5);
    await ds.query(`DELETE FROM audit_logs WHERE seq = 1`);
    expect(await firstBreak()).toMatchObject({ seq: 2, code: 'missing_start' });
  });

  it('keeps a bad row and its neighbours, and the chain gap-free, when an insert fails', async () => {
    // the database refuses one row's path outright and another row's body
    await ds.query(`ALTER TABLE audit_logs ADD CONSTRAINT test_no_boom CHECK (path <> '/boom')`);
    await ds.query(
      `ALTER TABLE audit_logs ADD CONSTRAINT test_no_poison CHECK (request_body IS NULL OR NOT request_body ? 'poison')`,
    );
    try {
      const writer = new AuditWriter(AuditLogRepository.on(ds), config);
      writer.record(entry(0));
      writer.record(entry(1, { path: '/boom' }));
      writer.record(entry(2, { requestBody: { poison: 1 } }));
      writer.record(entry(3));
      await writer.flush();
      writer.record(entry(4));
      await writer.flush();
      const rows: { seq: string; path: string; request_body: unknown }[] = await ds.query(
        `SELECT seq::text, path, request_body FROM audit_logs a ORDER BY a.seq`,
      );
      expect(rows.map((r) => [r.seq, r.path])).toEqual([
        ['1', '/v1/invoices?i=0'],
        ['2', '/v1/invoices?i=2'],
        ['3', '/v1/invoices?i=3'],
        ['4', '/v1/invoices?i=4'],
      ]);
      expect(rows[1].request_body).toEqual({
        auditError: 'the body could not be stored (23514)',
      });
      expect(await verifier.verify()).toMatchObject({ ok: true, rows: 4 });
    } finally {
      await ds.query(`ALTER TABLE audit_logs DROP CONSTRAINT test_no_boom`);
      await ds.query(`ALTER TABLE audit_logs DROP CONSTRAINT test_no_poison`);
    }
  });

  /** The real data source, with the database made unreachable or the answers lost at will. */
  function flaky(real: DataSource) {
    const state = { down: false, loseInsertAnswer: false };
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const proxy = new Proxy(new Db(real), {
      get(target, prop, receiver) {
        if (prop !== 'run') return Reflect.get(target, prop, receiver);
        return async (st: Statement, params: unknown[], session?: Session) => {
          if (state.down) throw refused();
          const result = await target.run(st, params, session);
          if (state.loseInsertAnswer && st.text.startsWith('INSERT INTO audit_logs')) {
            state.loseInsertAnswer = false;
            throw refused();
          }
          return result;
        };
      },
    });
    return { state, ds: proxy };
  }

  it('group-commits the rows of one AUDIT_FLUSH_MS window in one insert, without a flush', async () => {
    let inserts = 0;
    const counting = new Proxy(new Db(ds), {
      get(target, prop, receiver) {
        if (prop !== 'run') return Reflect.get(target, prop, receiver);
        return (st: Statement, params: unknown[], session?: Session) => {
          if (st.text.startsWith('INSERT INTO audit_logs')) inserts += 1;
          return target.run(st, params, session);
        };
      },
    });
    const writer = new AuditWriter(new AuditLogRepository(counting), {
      ...config,
      audit: { ...config.audit, flushMs: 150 },
    });
    for (let i = 0; i < 3; i++) {
      writer.record(entry(i));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const count = async () =>
      Number((await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM audit_logs'))[0].n);
    expect(await count()).toBe(0);
    const deadline = Date.now() + 5000;
    while ((await count()) < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await count()).toBe(3);
    expect(inserts).toBe(1);
    expect(await verifier.verify()).toMatchObject({ ok: true, rows: 3 });
  });

  it('keeps rows while the database is unreachable and writes them, in order, once it is back', async () => {
    const { state, ds: unreliable } = flaky(ds);
    const writer = new AuditWriter(new AuditLogRepository(unreliable), config);
    state.down = true;
    for (let i = 0; i < 3; i++) writer.record(entry(i));
    setTimeout(() => (state.down = false), 200);
    await writer.flush();
    const rows: { seq: string; request_id: string }[] = await ds.query(
      `SELECT seq::text, request_id FROM audit_logs a ORDER BY a.seq`,
    );
    expect(rows).toEqual([
      { seq: '1', request_id: 'req-0' },
      { seq: '2', request_id: 'req-1' },
      { seq: '3', request_id: 'req-2' },
    ]);
    expect(await verifier.verify()).toMatchObject({ ok: true, rows: 3 });
  });

  it('does not write a batch twice when the answer to its insert was lost', async () => {
    const { state, ds: unreliable } = flaky(ds);
    const writer = new AuditWriter(new AuditLogRepository(unreliable), config);
    writer.record(entry(0));
    await writer.flush();
    state.loseInsertAnswer = true;
    for (let i = 1; i < 4; i++) writer.record(entry(i));
    await writer.flush();
    writer.record(entry(4));
    await writer.flush();
    const [{ n, max }] = await ds.query(
      `SELECT count(*)::int AS n, max(seq)::int AS max FROM audit_logs`,
    );
    expect({ n, max }).toEqual({ n: 5, max: 5 });
    expect(await verifier.verify()).toMatchObject({ ok: true, rows: 5 });
  });

  it('gives up on unwritten rows at shutdown instead of hanging', async () => {
    const { state, ds: unreliable } = flaky(ds);
    const writer = new AuditWriter(new AuditLogRepository(unreliable), config);
    state.down = true;
    writer.record(entry(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writer.beforeApplicationShutdown();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_logs`);
    expect(n).toBe(0);
  });

  it('two writers write two chains; the second names the row it follows; both verify', async () => {
    const a = new AuditWriter(AuditLogRepository.on(ds), config);
    for (let i = 0; i < 5; i++) a.record(entry(i));
    await a.flush();
    const b = new AuditWriter(AuditLogRepository.on(ds), config);
    for (let i = 0; i < 20; i++) (i % 2 ? a : b).record(entry(100 + i));
    await Promise.all([a.flush(), b.flush()]);
    expect(a.chainId).not.toBe(b.chainId);
    expect(await verifier.verify()).toEqual({ ok: true, chains: 2, rows: 25, breaks: 0 });
    const [start] = await ds.query(
      `SELECT follows_chain_id, follows_seq::text, prev_hash FROM audit_logs WHERE chain_id = $1 AND seq = 1`,
      [b.chainId],
    );
    const [followed] = await ds.query(
      `SELECT seq::text, hash FROM audit_logs WHERE chain_id = $1 AND seq = $2`,
      [a.chainId, start.follows_seq],
    );
    expect(start.follows_chain_id).toBe(a.chainId);
    expect(start.prev_hash).toBe(followed.hash);

    // the followed row is gone: a tail cut off chain a shows in chain b
    await ds.query(`DELETE FROM audit_logs WHERE chain_id = $1 AND seq >= $2`, [
      a.chainId,
      start.follows_seq,
    ]);
    expect(await firstBreak()).toMatchObject({ chainId: b.chainId, seq: 1, code: 'link_missing' });
  });

  it('retention removes whole old prefixes, records the last removed hash, and the chains still verify', async () => {
    const now = Date.now();
    // chain a: 6 old rows then 4 recent; chain b: old rows only
    const a = await writeChain(10, (i) =>
      entry(i, { at: new Date(now - (i < 6 ? 500 : 1) * DAY) }),
    );
    const b = await writeChain(3, (i) => entry(i, { at: new Date(now - 450 * DAY) }));
    const retention = new AuditRetentionService(AuditLogRepository.on(ds), config, verifier);
    expect(config.audit.retentionDays).toBe(400);
    expect(await retention.purge(new Date(now))).toBe(9);

    const kept: { seq: string }[] = await ds.query(
      `SELECT seq::text FROM audit_logs a WHERE chain_id = $1 ORDER BY a.seq`,
      [a.chainId],
    );
    expect(kept.map((r) => r.seq)).toEqual(['7', '8', '9', '10']);
    const anchors: { chain_id: string; seq: string; removed_rows: string }[] = await ds.query(
      `SELECT chain_id, seq::text, removed_rows::text FROM audit_chain_anchors a ORDER BY a.seq DESC`,
    );
    expect(anchors).toEqual([
      { chain_id: a.chainId, seq: '6', removed_rows: '6' },
      { chain_id: b.chainId, seq: '3', removed_rows: '3' },
    ]);
    expect(await verifier.verify()).toEqual({ ok: true, chains: 1, rows: 4, breaks: 0 });

    // the live writer of chain b goes on after its removed rows
    b.record(entry(50));
    await b.flush();
    expect(await verifier.verify()).toMatchObject({ ok: true, chains: 2, rows: 5 });

    // a row deleted after the anchor is still a break
    await ds.query(`DELETE FROM audit_logs WHERE chain_id = $1 AND seq = 7`, [a.chainId]);
    expect(await firstBreak()).toMatchObject({
      chainId: a.chainId,
      seq: 8,
      code: 'missing_start',
      reason: expect.stringContaining('after the retention anchor'),
    });
  });

  it('is not fooled into a gap when retention removes a prefix while the walk is in it', async () => {
    const now = Date.now();
    await writeChain(600, (i) => entry(i, { at: new Date(now - (i < 400 ? 500 : 1) * DAY) }));
    const retention = new AuditRetentionService(AuditLogRepository.on(ds), config, verifier);
    // retention runs after the walk's first page (250 rows), before its second
    let pages = 0;
    const racing = new Proxy(new Db(ds), {
      get(target, prop, receiver) {
        if (prop !== 'run') return Reflect.get(target, prop, receiver);
        return async (st: Statement, params: unknown[], session?: Session) => {
          if (st.text.includes('(chain_id, seq) >') && ++pages === 1) {
            expect(await retention.purge(new Date(now))).toBe(400);
          }
          return target.run(st, params, session);
        };
      },
    });
    expect(await new AuditVerifier(new AuditLogRepository(racing)).verify()).toEqual({
      ok: true,
      chains: 1,
      rows: 450,
      breaks: 0,
    });
    expect(pages).toBe(1);
    // a forged anchor over rows still stored is no cover for deleting them
    await ds.query(`DELETE FROM audit_logs WHERE seq BETWEEN 450 AND 499`);
    await ds.query(
      `UPDATE audit_chain_anchors SET seq = 499, hash = (SELECT prev_hash FROM audit_logs WHERE seq = 500)`,
    );
    expect(await firstBreak()).toMatchObject({ seq: 401, code: 'anchor_mismatch' });
  });

  it('retention keeps the rows of a chain that does not verify', async () => {
    const now = Date.now();
    await writeChain(4, (i) => entry(i, { at: new Date(now - 500 * DAY) }));
    await ds.query(`UPDATE audit_logs SET status = 500 WHERE seq = 2`);
    const retention = new AuditRetentionService(AuditLogRepository.on(ds), config, verifier);
    expect(await retention.purge(new Date(now))).toBe(0);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_logs`);
    expect(n).toBe(4);
  });

  it('verifies a time range from the first row in range, taking its prevHash as given', async () => {
    const now = Date.now();
    const writer = await writeChain(10, (i) => entry(i, { at: new Date(now - (10 - i) * 60_000) }));
    const from = new Date(now - 5.5 * 60_000);
    const to = new Date(now - 1.5 * 60_000);
    expect(await verifier.verify({ from, to })).toEqual({
      ok: true,
      chains: 1,
      rows: 4,
      breaks: 0,
    });
    // rows before the range are not looked at: a change there does not show in the range
    await ds.query(`UPDATE audit_logs SET status = 500 WHERE seq = 2`);
    expect(await verifier.verify({ from, to })).toMatchObject({ ok: true });
    await ds.query(`UPDATE audit_logs SET status = 500 WHERE seq = 7`);
    expect(await verifier.verify({ from, to })).toMatchObject({
      ok: false,
      firstBreak: { chainId: writer.chainId, seq: 7, code: 'hash_mismatch' },
    });
  });

  it('exports NDJSON that verifies offline, and the offline check sees a changed line', async () => {
    await writeChain(30, (i) =>
      entry(i, {
        responseBody: { nul: 'a\u0000b', list: [3, 2, 1], i },
        reference: i < 10 ? 'FIRST' : 'REST',
      }),
    );
    const query = new AuditQueryService(AuditLogRepository.on(ds));
    const lines: string[] = [];
    for await (const line of createInterface({ input: await query.openExport({}) }))
      lines.push(line);
    expect(lines).toHaveLength(30);
    const report = await verifyExport(Readable.from(lines), { complete: true });
    expect(report).toEqual({ ok: true, rows: 30, chains: 1, links: 29, skipped: 0, breaks: 0 });

    const tampered = lines.map((line, i) =>
      i === 12 ? line.replace('"status":201', '"status":200') : line,
    );
    expect(await verifyExport(Readable.from(tampered))).toMatchObject({
      ok: false,
      firstBreak: { seq: 13, code: 'hash_mismatch', line: 13 },
    });
    const missing = lines.filter((_, i) => i !== 20);
    expect(await verifyExport(Readable.from(missing), { complete: true })).toMatchObject({
      ok: false,
      firstBreak: { seq: 22, code: 'seq_gap' },
    });

    // a filtered export: every row checks, the skipped seqs are counted
    const filtered = createInterface({
      input: await query.openExport({ reference: 'FIRST', direction: 'inbound' }),
    });
    const partial = await verifyExport(filtered);
    expect(partial).toMatchObject({ ok: true, rows: 5, links: 0, skipped: 4 });
  });

  it('audit:head and a saved head catch a chain rewritten consistently, which verify alone cannot', async () => {
    const writer = await writeChain(5);
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env: { DATABASE_URL: scratch.url },
    };
    expect(await runCli(['audit:head', '--json'], io)).toBe(0);
    const heads = JSON.parse(out.join('\n')) as { chainId: string; seq: number; hash: string }[];
    expect(heads).toEqual([
      {
        chainId: writer.chainId,
        seq: 5,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        at: expect.any(String),
      },
    ]);

    // a superuser rewrites row 3 and re-seals every later row
    await ds.query(`UPDATE audit_logs SET status = 500 WHERE seq = 3`);
    const repo = AuditLogRepository.on(ds);
    let prev = (await repo.position(writer.chainId, 2))!.hash;
    for (const row of await repo.segmentPage(writer.chainId, 2, 5, 10)) {
      const hash = rowHash({ ...row, prevHash: prev });
      await ds.query(
        `UPDATE audit_logs SET prev_hash = $1, hash = $2 WHERE chain_id = $3 AND seq = $4`,
        [prev, hash, writer.chainId, row.seq],
      );
      prev = hash;
    }
    out.length = 0;
    expect(await runCli(['audit:verify'], io)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: true, rows: 5 });
    expect(err.some((l) => l.includes('5 rows checked'))).toBe(true);

    const file = join(tmpdir(), `heads-${writer.chainId}.json`);
    await writeFile(file, JSON.stringify(heads));
    out.length = 0;
    expect(await runCli(['audit:verify', '--heads', file], io)).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      ok: false,
      firstBreak: { chainId: writer.chainId, seq: 5, code: 'head_mismatch' },
    });
    await rm(file);

    err.length = 0;
    expect(await runCli(['audit:verify', '--from', 'yesterday'], io)).toBe(2);
    expect(err.join('\n')).toContain('--from must be an ISO-8601 date-time');
  });

  it('the migration seals rows written before it into one chain that verifies', async () => {
    // undo migrations down to and including the chain's (later ones come back with it)
    const executed: { name: string }[] = await ds.query(
      `SELECT name FROM typeorm_migrations ORDER BY id DESC`,
    );
    const undo = executed.findIndex((m) => m.name === 'AuditHashChain1796116036836') + 1;
    expect(undo).toBeGreaterThan(0);
    for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'each' });
    try {
      await ds.query(
        `INSERT INTO audit_logs (direction, method, path, outcome, request_body)
         SELECT 'inbound', 'GET', '/legacy/' || g, 'success', jsonb_build_object('z', g, 'a', 1.50)
         FROM generate_series(1, 1500) g`,
      );
    } finally {
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied).toHaveLength(undo);
    }
    const result = await verifier.verify();
    expect(result).toEqual({ ok: true, chains: 1, rows: 1500, breaks: 0 });
  });
});
