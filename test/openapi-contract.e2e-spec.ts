import { Controller, Get, Header, Module } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import request from 'supertest';
import { Public } from '../src/common/http/auth.decorators';
import { InvoiceDto } from '../src/gateway/invoices/invoice.dto';
import { ApiProblems } from '../src/common/http/api-problems';
import {
  assertAnswersMatchDocument,
  contractCounts,
  settleRecordings,
  takeContractFailures,
} from './support/contract-recorder';
import { OpenApiContract } from './support/openapi-contract';
import { auth } from './support/api';
import { head, rawRequest } from './support/raw-http';
import { startTestApp, type TestApp } from './support/test-app';

const invoice = {
  id: '0b9e4a3c-1f6d-4c8e-9a51-2f3b7c6d8e90',
  provider: 'dms',
  connection: 'dms',
  reference: 'REQ-1',
  status: 'issued',
  providerInvoiceId: null,
  providerDocumentNumber: null,
  issuedAt: null,
  documentUrl: null,
  amount: 1,
  currency: null,
  party: null,
  mock: true,
  operationId: null,
  statusHistory: [],
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};

/** Routes whose answers break their own declarations, one way each. */
@Public()
@Controller('v1/contract-probe')
class LyingController {
  @Get('honest')
  @ApiOkResponse({ type: InvoiceDto })
  honest() {
    return invoice;
  }

  @Get('wrong-type')
  @ApiOkResponse({ type: InvoiceDto })
  wrongType() {
    return { ...invoice, amount: '1.00', createdAt: 'yesterday' };
  }

  @Get('undeclared-status')
  @ApiOkResponse({ type: InvoiceDto })
  @ApiProblems(404)
  undeclaredStatus(): never {
    throw new Error('a 500 this route does not declare');
  }

  @Get('wrong-content-type')
  @Header('content-type', 'text/plain')
  @ApiOkResponse({ type: InvoiceDto })
  wrongContentType() {
    return JSON.stringify(invoice);
  }
}
@Module({ controllers: [LyingController] })
class LyingModule {}

describe('OpenAPI contract check of e2e answers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { imports: [LyingModule] });
  });
  afterAll(() => t.close());

  it('passes an answer that matches its declaration (nulls where the schema says nullable)', async () => {
    const before = contractCounts().checked;
    await request(t.url).get('/v1/contract-probe/honest').expect(200);
    expect(takeContractFailures()).toEqual([]);
    expect(contractCounts().checked).toBe(before + 1);
  });

  it('records a body that does not match the schema, naming the fields', async () => {
    await request(t.url).get('/v1/contract-probe/wrong-type').expect(200);
    const failures = takeContractFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('GET /v1/contract-probe/wrong-type -> 200');
    expect(failures[0]).toContain('/amount must be number');
    expect(failures[0]).toContain('/createdAt must match format "date-time"');
  });

  it('records a status the route does not declare', async () => {
    await request(t.url).get('/v1/contract-probe/undeclared-status').expect(500);
    const failures = takeContractFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('status 500 is not declared');
  });

  it('records a content type the status does not declare', async () => {
    await request(t.url).get('/v1/contract-probe/wrong-content-type').expect(200);
    const failures = takeContractFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('content type "text/plain" is not declared');
  });

  it('checks the gateway routes too: a problem declared application/problem+json', async () => {
    await request(t.url).get('/v1/invoices/not-a-uuid').set(auth).expect(400);
    await request(t.url).get('/v1/no-such-route').expect(404);
    expect(takeContractFailures()).toEqual([]);
  });

  it('checks answers received through fetch (read from a clone: the test still reads its own)', async () => {
    const before = contractCounts().byTransport.fetch;
    const honest = await fetch(`${t.url}/v1/contract-probe/honest`);
    expect(((await honest.json()) as { id: string }).id).toBe(invoice.id);
    const wrong = await fetch(`${t.url}/v1/contract-probe/wrong-type`);
    expect(wrong.status).toBe(200);
    await settleRecordings();
    const failures = takeContractFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('[fetch] GET /v1/contract-probe/wrong-type -> 200');
    expect(failures[0]).toContain('/amount must be number');
    expect(contractCounts().byTransport.fetch).toBe(before + 2);
  });

  it('checks answers received over a raw socket, by the request line', async () => {
    const before = contractCounts().byTransport.raw;
    await rawRequest(t.url, head('GET', '/v1/contract-probe/wrong-type?x=1'));
    const failures = takeContractFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('[raw] GET /v1/contract-probe/wrong-type -> 200');
    // HTTP-level refusals are declared on every route: a bad % escape (400), a long parameter (414)
    const badEscape = await rawRequest(t.url, head('GET', '/health/upstreams/dms%0'));
    expect(badEscape.status).toBe(400);
    const long = await rawRequest(t.url, head('GET', `/health/upstreams/${'a'.repeat(101)}`));
    expect(long.status).toBe(414);
    const expectation = await rawRequest(t.url, head('GET', '/health/live', 'Expect: nothing'));
    expect(expectation.status).toBe(417);
    // bytes that are not HTTP match no route: their answer must be a documented problem
    const garbage = await rawRequest(t.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(takeContractFailures()).toEqual([]);
    expect(contractCounts().byTransport.raw).toBe(before + 5);
  });

  it('checks HEAD against the GET of its route, without a body', async () => {
    const ok = await rawRequest(t.url, head('HEAD', '/v1/contract-probe/honest'));
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('');
    await request(t.url).head('/v1/contract-probe/undeclared-status').expect(500);
    const failures = takeContractFailures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('HEAD /v1/contract-probe/undeclared-status -> 500: status 500');
  });

  it('declares the HTTP-level refusals on every operation, 414 only where a path has a parameter', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    const upstream = doc.paths['/health/upstreams/{provider}'].get.responses;
    expect(upstream['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
    expect(upstream['414']).toEqual({ $ref: '#/components/responses/UriTooLong' });
    const live = doc.paths['/health/live'].get.responses;
    expect(Object.keys(live)).toEqual(['200', '400', '408', '417', '431']);
    // a route declaring 400 already lists bad_request beside its own validation_failed
    const own = doc.paths['/v1/invoices/{id}'].get.responses['400'];
    expect(Object.keys(own.content['application/problem+json'].examples)).toEqual([
      'validation_failed',
      'bad_request',
    ]);
    expect(doc.components.responses.HeadersTooLarge.content).toHaveProperty(
      ['application/problem+json', 'schema', '$ref'],
      '#/components/schemas/ProblemDetails',
    );
  });

  it('fails the test through the afterEach hook (a thrown error names the answer)', async () => {
    // what contract-hooks.ts runs after each test, called here so this test can see it throw
    await request(t.url).get('/v1/contract-probe/wrong-type').expect(200);
    expect(assertAnswersMatchDocument).toThrow(/wrong-type -> 200: the body does not match/);
    expect(assertAnswersMatchDocument).not.toThrow();
  });

  it('serves a document with readable operation ids, an opaque bearer key and public probes', async () => {
    const doc = (await request(t.url).get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes['api-key']).toEqual({
      type: 'http',
      scheme: 'bearer',
      description: expect.any(String),
    });
    expect(doc.paths['/v1/invoices'].post.operationId).toBe('createInvoice');
    expect(
      doc.paths['/v1/invoices/{id}'].patch.responses['422'].content['application/problem+json']
        .examples.unsupported_operation.value.code,
    ).toBe('unsupported_operation');
    expect(doc.paths['/v1/invoices'].post.responses['429'].headers['Retry-After']).toBeDefined();
    expect(doc.paths['/health/live'].get.security).toEqual([]);
    expect(doc.paths['/v1/invoices'].post.security).toEqual([{ 'api-key': [] }]);
    expect(doc.tags.every((tag: { description?: string }) => tag.description)).toBe(true);
  });

  it('refuses a required header that is missing and a body on a route declared without one', () => {
    const contract = new OpenApiContract({
      openapi: '3.0.0',
      paths: {
        '/x/{id}': {
          get: {
            operationId: 'getX',
            responses: {
              '204': {
                description: 'none',
                headers: { 'X-Request-Id': { required: true, schema: { type: 'string' } } },
              },
            },
          },
        },
      },
      components: { schemas: {} },
    });
    const answer = { method: 'GET', path: '/x/1', status: 204, text: '' };
    expect(contract.check({ ...answer, headers: { 'x-request-id': 'r' } })).toEqual({
      checked: true,
    });
    expect(() => contract.check({ ...answer, headers: {} })).toThrow(
      'the declared required header X-Request-Id was not sent',
    );
    expect(() =>
      contract.check({ ...answer, headers: { 'x-request-id': 'r' }, text: 'x' }),
    ).toThrow('declared without a body');
    expect(() =>
      contract.check({ ...answer, path: '/y', status: 200, headers: { 'x-request-id': 'r' } }),
    ).toThrow('no operation in the document');
    const problem = { 'content-type': 'application/problem+json' };
    expect(() =>
      contract.check({ ...answer, method: 'HEAD', headers: { 'x-request-id': 'r' }, text: 'x' }),
    ).toThrow('a HEAD answer has a body');
    expect(() =>
      contract.check({ ...answer, method: 'POST', status: 405, headers: problem }),
    ).toThrow('a 405 answer without Allow');
    expect(() =>
      contract.checkProblem({ ...answer, status: 400, headers: { 'content-type': 'text/html' } }),
    ).toThrow('content type "text/html" where a problem (application/problem+json) is due');
  });

  it('reads nullable as OpenAPI 3.0.3 does: null only where the schema itself allows it', () => {
    const body = (party: unknown) => ({
      method: 'GET',
      path: '/x',
      status: 200,
      headers: { 'content-type': 'application/json' },
      text: JSON.stringify({ party, note: null }),
    });
    const contract = (party: Record<string, unknown>) =>
      new OpenApiContract({
        openapi: '3.0.0',
        paths: {
          '/x': {
            get: {
              responses: {
                '200': {
                  description: 'x',
                  content: {
                    'application/json': { schema: { $ref: '#/components/schemas/X' } },
                  },
                },
              },
            },
          },
        },
        components: {
          schemas: {
            Party: { type: 'object', properties: { name: { type: 'string' } } },
            X: {
              type: 'object',
              properties: { party, note: { type: 'string', nullable: true } },
            },
          },
        },
      });
    // what @nestjs/swagger emits for { type: PartyDto, nullable: true }: null breaks the allOf
    const allOf = contract({
      nullable: true,
      type: 'object',
      allOf: [{ $ref: '#/components/schemas/Party' }],
    });
    expect(() => allOf.check(body(null))).toThrow('/party must be object');
    expect(allOf.check(body({ name: 'a' }))).toEqual({ checked: true });
    // what nullableRef (src/gateway/openapi/nullable-ref.ts) emits
    const oneOf = contract({
      oneOf: [
        { $ref: '#/components/schemas/Party' },
        { type: 'object', nullable: true, enum: [null] },
      ],
    });
    expect(oneOf.check(body(null))).toEqual({ checked: true });
    expect(oneOf.check(body({ name: 'a' }))).toEqual({ checked: true });
    expect(() => oneOf.check(body('a'))).toThrow('/party must be object');
  });
});
