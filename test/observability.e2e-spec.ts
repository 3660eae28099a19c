import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiOkResponse } from '@nestjs/swagger';
import { Auth } from '../src/common/http/auth.decorators';
import { ApiProblems } from '../src/common/http/api-problems';
import { auth, dmsInvoice } from './support/api';
import { type StdoutCapture, captureJsonStdout } from './support/log-capture';
import { TestApp, startTestApp } from './support/test-app';

const SECRET_PARAMETER = 'hunter2-bound-parameter-SECRET';

/** A route whose database query fails with the bound parameter echoed in pg's message. */
@Controller('v1/test-observability')
class FailingQueryController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('database-error')
  @Auth('invoices:write')
  @ApiOkResponse({ description: 'Never: the query always fails' })
  @ApiProblems(500)
  async databaseError(): Promise<unknown> {
    return this.dataSource.query('SELECT $1::integer AS n', [SECRET_PARAMETER]);
  }
}
@Module({ controllers: [FailingQueryController] })
class FailingQueryModule {}

interface LogLine {
  level: number;
  msg: string;
  req?: { requestId?: string; method?: string; url?: string };
  res?: { statusCode?: number };
  err?: Record<string, unknown>;
  [key: string]: unknown;
}

describe('logs and metrics (e2e, real HTTP)', () => {
  let t: TestApp;
  let lines: string[];
  let capture: StdoutCapture;

  beforeAll(async () => {
    capture = captureJsonStdout();
    lines = capture.lines;
    t = await startTestApp({ LOG_LEVEL: 'info' }, { imports: [FailingQueryModule] });
  });
  afterAll(async () => {
    await t.close();
    capture.restore();
  });

  const parsed = (): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);
  /** The request line of one request id (the access-log line pino-http writes at the end). */
  const requestLine = async (requestId: string): Promise<LogLine> => {
    for (let i = 0; i < 50; i++) {
      const found = parsed().filter(
        (l) => l.req?.requestId === requestId && l.res?.statusCode !== undefined,
      );
      if (found.length > 0) {
        expect(found).toHaveLength(1);
        return found[0];
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no request line for ${requestId}`);
  };

  describe('request log', () => {
    it('leaves probes, scrapes and the docs out', async () => {
      const ids: string[] = [];
      for (const path of ['/health/live', '/health/ready', '/metrics', '/docs-json', '/docs']) {
        const res = await request(t.url).get(path);
        expect(res.status).toBeLessThan(400);
        ids.push(String(res.headers['x-request-id']));
      }
      // a logged request after them: its line is there, theirs are not
      const api = await request(t.url).get('/v1/providers').set(auth).expect(200);
      await requestLine(String(api.headers['x-request-id']));
      const logged = parsed().filter((l) => ids.includes(String(l.req?.requestId)));
      expect(logged).toEqual([]);
      expect(parsed().some((l) => /\/(health|metrics|docs)/.test(String(l.req?.url)))).toBe(false);
    });

    it('logs a 2xx at info with the request id, client, status and operation id', async () => {
      const res = await request(t.url).post('/v1/invoices').set(auth).send(dmsInvoice());
      expect(res.status).toBe(201);
      const line = await requestLine(String(res.headers['x-request-id']));
      expect(line).toMatchObject({
        level: 30,
        msg: expect.stringMatching(/^POST \/v1\/invoices 201 \d+ms$/),
        req: { method: 'POST', url: '/v1/invoices' },
        res: { statusCode: 201 },
        clientId: 'bootstrap',
        clientName: 'bootstrap',
        operationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        provider: 'dms',
      });
      expect(line).not.toHaveProperty('problemCode');
      expect(line).not.toHaveProperty('err');
    });

    it('logs a 4xx at warn with its problem code and no error', async () => {
      const unauthenticated = await request(t.url).get('/v1/audit-logs?limit=1').expect(401);
      const line = await requestLine(String(unauthenticated.headers['x-request-id']));
      expect(line).toMatchObject({
        level: 40,
        msg: expect.stringMatching(/^GET \/v1\/audit-logs\?limit=1 401 \d+ms$/),
        problemCode: 'unauthorized',
      });
      expect(line).not.toHaveProperty('err');
      expect(line).not.toHaveProperty('clientId');

      const invalid = await request(t.url).get('/v1/invoices/not-a-uuid').set(auth).expect(400);
      expect(await requestLine(String(invalid.headers['x-request-id']))).toMatchObject({
        level: 40,
        problemCode: 'validation_failed',
        clientName: 'bootstrap',
      });
    });

    it("logs a 5xx at error without pino-http's invented error, and a database error without SQL or parameters", async () => {
      const res = await request(t.url)
        .get('/v1/test-observability/database-error')
        .set(auth)
        .expect(500);
      expect(res.body.code).toBe('internal_error');
      const requestId = String(res.headers['x-request-id']);
      const line = await requestLine(requestId);
      expect(line).toMatchObject({
        level: 50,
        msg: 'GET /v1/test-observability/database-error 500',
        problemCode: 'internal_error',
        res: { statusCode: 500 },
      });
      expect(line).not.toHaveProperty('err');

      // the filter's own line carries the real error, reduced to what is safe
      const unhandled = parsed().filter(
        (l) => l.msg === 'Unhandled error' && l.requestId === requestId,
      );
      expect(unhandled).toHaveLength(1);
      expect(unhandled[0]).toMatchObject({
        level: 50,
        err: { type: 'QueryFailedError', message: 'database query failed', code: '22P02' },
      });
      const mine = lines.filter((l) => l.includes(requestId));
      expect(mine.length).toBeGreaterThanOrEqual(2);
      for (const text of mine) {
        expect(text).not.toContain(SECRET_PARAMETER);
        expect(text).not.toMatch(/SELECT|::integer|\$1/);
      }
    });
  });

  describe('/metrics', () => {
    let text: string;
    beforeAll(async () => {
      text = (await request(t.url).get('/metrics').expect(200)).text;
    });
    const types = () =>
      [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }));

    it("exports Node's default metrics under their standard names", () => {
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'process_start_time_seconds',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'nodejs_gc_duration_seconds',
        'nodejs_version_info',
      ]) {
        expect(types().map((m) => m.name)).toContain(name);
      }
      expect(text).not.toMatch(/^gateway_process_/m);
    });

    it('exports a build-info gauge with the package and Node versions', () => {
      const { version } = JSON.parse(
        readFileSync(join(__dirname, '..', 'package.json'), 'utf8'),
      ) as { version: string };
      expect(text).toContain(
        `gateway_build_info{version="${version}",node_version="${process.versions.node}"} 1`,
      );
    });

    it('names counters *_total and no other metric so', () => {
      const all = types();
      expect(all.length).toBeGreaterThan(20);
      for (const { name, type } of all) {
        if (type === 'counter') expect(name).toMatch(/_total$/);
        else expect(name).not.toMatch(/_total$/);
      }
    });
  });
});
