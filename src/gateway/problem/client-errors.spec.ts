import type { FastifyError } from 'fastify';
import { clientProblem, frameworkProblem, requestLine } from './client-errors';

const fastifyError = (code: string) => Object.assign(new Error(code), { code }) as FastifyError;

describe('client errors as problems', () => {
  it("maps Fastify's router errors", () => {
    expect(frameworkProblem(fastifyError('FST_ERR_BAD_URL'))).toMatchObject({
      status: 400,
      code: 'validation_failed',
      init: { errors: [{ path: 'path', code: 'badUrl' }] },
    });
    expect(frameworkProblem(fastifyError('FST_ERR_MAX_PARAM_LENGTH'))).toMatchObject({
      status: 414,
      code: 'uri_too_long',
    });
    expect(frameworkProblem(fastifyError('FST_ERR_ASYNC_CONSTRAINT'))).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
  });

  it("maps Node's parser errors, naming llhttp's reason", () => {
    const invalid = Object.assign(new Error('Parse Error'), {
      code: 'HPE_INVALID_HEADER_TOKEN',
      reason: 'Invalid header token',
    });
    expect(clientProblem(invalid)).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'The request is not valid HTTP/1.1: Invalid header token',
      init: { errors: [{ path: 'request', code: 'HPE_INVALID_HEADER_TOKEN' }] },
    });
    expect(clientProblem(Object.assign(new Error(), { code: 'HPE_HEADER_OVERFLOW' })).status).toBe(
      431,
    );
    expect(
      clientProblem(Object.assign(new Error(), { code: 'ERR_HTTP_REQUEST_TIMEOUT' })).status,
    ).toBe(408);
    expect(clientProblem(new Error('no code')).code).toBe('bad_request');
  });

  it('reads the method and target of an unparsable request when its first line is sane', () => {
    expect(requestLine(Buffer.from('GET /v1/invoices?x=1 HTTP/1.1\r\nX-A: a\0b\r\n'))).toEqual({
      method: 'GET',
      url: '/v1/invoices?x=1',
    });
    expect(requestLine(Buffer.from('\x01\x02 garbage\r\n'))).toEqual({});
    expect(requestLine(undefined)).toEqual({});
    expect(requestLine({ type: 'Buffer', data: [] })).toEqual({});
  });
});
