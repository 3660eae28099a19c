import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runCli } from '../src/cli/cli';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { Auth } from '../src/common/http/auth.decorators';
import { ApiProblems } from '../src/common/http/api-problems';
import { ShutdownState } from '../src/common/shutdown-state';
import { AuditRetentionService } from '../src/audit/audit-retention.service';
import { AuditWriter } from '../src/audit/audit-writer.service';
import { TEST_BOOTSTRAP_KEY, TestApp, bearer, startTestApp } from './support/test-app';

class PartyDto {
  @IsString() @IsNotEmpty() code!: string;
}
class ProbeDto {
  @ValidateNested() @Type(() => PartyDto) party!: PartyDto;
  @IsInt() @Min(0) amount!: number;
  @IsString() password!: string;
}

/** Routes that exist only in this suite, to reach the error paths (documented like any route). */
@Controller('v1/test-probe')
class ProbeController {
  @Post()
  @Auth('invoices:write')
  @ApiCreatedResponse({
    description: 'The amount received',
    schema: {
      type: 'object',
      required: ['received'],
      properties: { received: { type: 'integer' } },
    },
  })
  @ApiProblems(400, 413, 415)
  echo(@Body() body: ProbeDto) {
    return { received: body.amount };
  }

  @Get('boom')
  @Auth('invoices:write')
  @ApiOkResponse({ description: 'Never: the route always fails' })
  @ApiProblems(500)
  boom(): never {
    throw new Error('database password hunter2-very-secret leaked?');
  }
}
@Module({ controllers: [ProbeController] })
class ProbeModule {}

const problemType = /^application\/problem\+json/;

async function createClient(name: string, scopes: string): Promise<string> {
  const lines: string[] = [];
  const code = await runCli(['clients:create', '--name', name, '--scopes', scopes], {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    env: { DATABASE_URL: process.env.DATABASE_URL },
  });
  expect(code).toBe(0);
  return lines[lines.length - 1];
}

describe('foundation (e2e, real HTTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('inbound auth', () => {
    it('answers 401 problem+json without a key, with an unknown key and a malformed header alike', async () => {
      const bodies: unknown[] = [];
      for (const headers of [{}, bearer('igw_unknown'), { authorization: 'Basic abc' }]) {
        const res = await request(t.url).get('/v1/audit-logs').set(headers).expect(401);
        expect(res.headers['content-type']).toMatch(problemType);
        expect(res.body.code).toBe('unauthorized');
        expect(res.body.requestId).toBe(res.headers['x-request-id']);
        const { requestId: _ignored, ...rest } = res.body;
        bodies.push(rest);
      }
      expect(bodies[1]).toEqual(bodies[0]);
      expect(bodies[2]).toEqual(bodies[0]);
    });

    it('lets the bootstrap key through every scope', async () => {
      await request(t.url)
        .get('/v1/audit-logs?limit=1')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(200);
    });

    it('accepts a CLI-created key for its scopes, refuses other scopes with 403, and 401 after revoke', async () => {
      const name = `e2e-${randomUUID().slice(0, 8)}`;
      const key = await createClient(name, 'audit:read');
      expect(key).toMatch(/^igw_/);
      await request(t.url).get('/v1/audit-logs?limit=1').set(bearer(key)).expect(200);
      const forbidden = await request(t.url)
        .post('/v1/test-probe')
        .set(bearer(key))
        .send({ party: { code: 'x' }, amount: 1, password: 'p' })
        .expect(403);
      expect(forbidden.body.code).toBe('forbidden');
      expect(forbidden.body.detail).toContain('invoices:write');

      const lines: string[] = [];
      const io = {
        out: (l: string) => lines.push(l),
        err: (l: string) => lines.push(l),
        env: { DATABASE_URL: process.env.DATABASE_URL },
      };
      expect(await runCli(['clients:list'], io)).toBe(0);
      const listed = lines.find((l) => l.includes(name));
      expect(listed).toContain('active');
      expect(lines.join('\n')).not.toContain(key);
      expect(await runCli(['clients:revoke', name], io)).toBe(0);
      const revoked = await request(t.url).get('/v1/audit-logs').set(bearer(key)).expect(401);
      expect(revoked.body.code).toBe('unauthorized');
      expect(await runCli(['clients:revoke', name], io)).toBe(1);
    });

    it('refuses unknown scopes in the CLI', async () => {
      const errors: string[] = [];
      await expect(
        runCli(
          [
            'clients:create',
            '--name',
            `bad-${randomUUID().slice(0, 6)}`,
            '--scopes',
            'invoices:read',
          ],
          {
            out: () => undefined,
            err: (l) => errors.push(l),
            env: { DATABASE_URL: process.env.DATABASE_URL },
          },
        ),
      ).rejects.toThrow(/unknown scope\(s\): invoices:read/);
    });

    it('needs no key for health, docs and metrics', async () => {
      await request(t.url).get('/health/live').expect(200, { status: 'ok' });
      await request(t.url).get('/health/ready').expect(200);
      await request(t.url).get('/docs').expect(200);
      const metrics = await request(t.url).get('/metrics').expect(200);
      expect(metrics.text).toContain('gateway_http_requests_total');
    });
  });

  describe('problem+json errors', () => {
    it('names every bad field with its path', async () => {
      const res = await request(t.url)
        .post('/v1/test-probe')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .send({ party: { code: '' }, amount: -1, password: 'x', extra: true })
        .expect(400);
      expect(res.headers['content-type']).toMatch(problemType);
      expect(res.body.code).toBe('validation_failed');
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['party.code', 'amount', 'extra']));
    });

    it('answers malformed JSON with 400 validation_failed', async () => {
      const res = await request(t.url)
        .post('/v1/test-probe')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .set('content-type', 'application/json')
        .send('{"party": ')
        .expect(400);
      expect(res.headers['content-type']).toMatch(problemType);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.detail).toBe('The request body is not valid JSON');
    });

    it('answers an unknown route with 404 not_found', async () => {
      const res = await request(t.url)
        .get('/v1/nothing-here')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(404);
      expect(res.headers['content-type']).toMatch(problemType);
      expect(res.body).toMatchObject({ code: 'not_found', status: 404, title: 'Not found' });
    });

    it('answers a wrong content type with 415', async () => {
      const res = await request(t.url)
        .post('/v1/test-probe')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .set('content-type', 'application/xml')
        .send('<a/>')
        .expect(415);
      expect(res.headers['content-type']).toMatch(problemType);
      expect(res.body.code).toBe('unsupported_media_type');
    });

    it('answers text and form bodies with 415, and NUL characters with 400 naming the field', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await request(t.url)
          .post('/v1/test-probe')
          .set(bearer(TEST_BOOTSTRAP_KEY))
          .set('content-type', type)
          .send('amount=1')
          .expect(415);
        expect(res.body.code).toBe('unsupported_media_type');
      }
      const nul = await request(t.url)
        .post('/v1/test-probe')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .send({ party: { code: 'a\u0000b' }, amount: 1, password: 'x' })
        .expect(400);
      expect(nul.body.errors[0]).toMatchObject({ path: 'party.code', code: 'controlCharacter' });
    });

    it('answers an unexpected error with 500 internal_error, no stack and no secret', async () => {
      const res = await request(t.url)
        .get('/v1/test-probe/boom')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(500);
      expect(res.headers['content-type']).toMatch(problemType);
      expect(res.body.code).toBe('internal_error');
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('at ');
      expect(res.text).not.toMatch(/\.ts:\d+/);
    });
  });

  describe('request id', () => {
    it('echoes a sane X-Request-Id and replaces an insane one', async () => {
      const mine = `req-${randomUUID()}`;
      const echoed = await request(t.url).get('/health/live').set('x-request-id', mine);
      expect(echoed.headers['x-request-id']).toBe(mine);
      const replaced = await request(t.url)
        .get('/health/live')
        .set('x-request-id', 'bad id with spaces<script>');
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('audit log', () => {
    it('writes one redacted row per inbound request, visible through GET /v1/audit-logs', async () => {
      const requestId = `audit-${randomUUID()}`;
      await request(t.url)
        .post('/v1/test-probe')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .set('x-request-id', requestId)
        .send({ party: { code: 'DLR001' }, amount: 5, password: 'hunter2-very-secret' })
        .expect(201);
      await t.flushAudit();
      const res = await request(t.url)
        .get(`/v1/audit-logs?requestId=${requestId}`)
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(200);
      expect(res.body.items).toHaveLength(1);
      const row = res.body.items[0];
      expect(row).toMatchObject({
        requestId,
        direction: 'inbound',
        method: 'POST',
        path: '/v1/test-probe',
        status: 201,
        outcome: 'success',
        clientName: 'bootstrap',
      });
      expect(row.requestBody).toEqual({
        party: { code: 'DLR001' },
        amount: 5,
        password: '[REDACTED]',
      });
      expect(row.responseBody).toEqual({ received: 5 });
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
    });

    it('records the problem code of failed requests and filters by outcome', async () => {
      const requestId = `audit-${randomUUID()}`;
      await request(t.url).get('/v1/audit-logs').set('x-request-id', requestId).expect(401);
      await t.flushAudit();
      const res = await request(t.url)
        .get(`/v1/audit-logs?requestId=${requestId}&outcome=rejected`)
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ status: 401, errorCode: 'unauthorized' });
    });

    it('stores bodies with NUL characters escaped, and one bad row never costs the others', async () => {
      const reference = `nul-${randomUUID()}`;
      const writer = t.app.get(AuditWriter);
      writer.record({
        direction: 'outbound',
        method: 'POST',
        path: '/x',
        outcome: 'success',
        reference,
        responseBody: { text: 'a\u0000b' },
      });
      writer.record({
        direction: 'outbound',
        method: 'GET',
        path: '/y',
        outcome: 'success',
        reference,
      });
      // too long for its column: stored cut to the column, never lost
      writer.record({
        direction: 'outbound',
        method: 'GET',
        path: '/z',
        outcome: 'x'.repeat(40),
        reference,
      });
      await writer.flush();
      const res = await request(t.url)
        .get(`/v1/audit-logs?reference=${reference}`)
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(200);
      expect(res.body.items.map((r: { path: string }) => r.path).sort()).toEqual([
        '/x',
        '/y',
        '/z',
      ]);
      const x = res.body.items.find((r: { path: string }) => r.path === '/x');
      expect(x.responseBody).toEqual({ text: 'a\\u0000b' });
      const z = res.body.items.find((r: { path: string }) => r.path === '/z');
      expect(z.outcome).toBe('x'.repeat(32));
    });

    it('does not keep the body of an unauthenticated request', async () => {
      const requestId = `anon-${randomUUID()}`;
      await request(t.url)
        .post('/v1/test-probe')
        .set('x-request-id', requestId)
        .send({ password: 'p', amount: 1 })
        .expect(401);
      await t.flushAudit();
      const res = await request(t.url)
        .get(`/v1/audit-logs?requestId=${requestId}`)
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(200);
      expect(res.body.items[0]).toMatchObject({ status: 401, requestBody: null });
    });

    it('pages with a cursor, newest first, without overlap', async () => {
      const reference = `page-${randomUUID()}`;
      const ds = t.app.get(DataSource);
      for (let i = 0; i < 5; i++) {
        await ds.query(
          `INSERT INTO audit_logs (direction, method, path, outcome, reference, status) VALUES ('inbound', 'GET', $1, 'success', $2, 200)`,
          [`/p/${i}`, reference],
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/v1/audit-logs?reference=${reference}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await request(t.url).get(query).set(bearer(TEST_BOOTSTRAP_KEY)).expect(200);
        seen.push(...res.body.items.map((r: { path: string }) => r.path));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(['/p/4', '/p/3', '/p/2', '/p/1', '/p/0']);
    });

    it('refuses week dates and cursors past the id range', async () => {
      const week = await request(t.url)
        .get('/v1/audit-logs?from=2009-W01-1')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(400);
      expect(week.body.errors[0].path).toBe('from');
      const cursor = Buffer.from('a:9999999999999999999').toString('base64url');
      const big = await request(t.url)
        .get(`/v1/audit-logs?cursor=${cursor}`)
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(400);
      expect(big.body.errors[0].path).toBe('cursor');
    });

    it('rejects bad filters with the field named', async () => {
      const res = await request(t.url)
        .get('/v1/audit-logs?from=yesterday&limit=9999&cursor=!!')
        .set(bearer(TEST_BOOTSTRAP_KEY))
        .expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['from', 'limit', 'cursor']),
      );
    });

    it('retention deletes rows older than AUDIT_RETENTION_DAYS and keeps newer ones', async () => {
      const reference = `retention-${randomUUID()}`;
      const ds = t.app.get(DataSource);
      const insert = (daysAgo: number) =>
        ds.query(
          `INSERT INTO audit_logs (at, direction, method, path, outcome, reference) VALUES (now() - ($1 || ' days')::interval, 'inbound', 'GET', '/old', 'success', $2)`,
          [String(daysAgo), reference],
        );
      await insert(401);
      await insert(399);
      const deleted = await t.app.get(AuditRetentionService).purge();
      expect(deleted).toBeGreaterThanOrEqual(1);
      const rows: { n: string }[] = await ds.query(
        'SELECT count(*)::text AS n FROM audit_logs WHERE reference = $1',
        [reference],
      );
      expect(rows[0].n).toBe('1');
    });
  });

  describe('readiness', () => {
    it('turns 503 once shutdown begins while liveness stays 200', async () => {
      const other = await startTestApp();
      try {
        await request(other.url).get('/health/ready').expect(200);
        other.app.get(ShutdownState).begin();
        const res = await request(other.url).get('/health/ready').expect(503);
        expect(res.body.status).toBe('error');
        await request(other.url).get('/health/live').expect(200);
      } finally {
        await other.close();
      }
    });
  });

  describe('body limit', () => {
    it('answers an oversized body with 413 payload_too_large', async () => {
      const small = await startTestApp({ BODY_LIMIT_BYTES: '2048' }, { imports: [ProbeModule] });
      try {
        const res = await request(small.url)
          .post('/v1/test-probe')
          .set(bearer(TEST_BOOTSTRAP_KEY))
          .send({ party: { code: 'x'.repeat(5000) }, amount: 1, password: 'x' })
          .expect(413);
        expect(res.headers['content-type']).toMatch(problemType);
        expect(res.body.code).toBe('payload_too_large');
      } finally {
        await small.close();
      }
    });
  });
});
