import type { FastifyInstance } from 'fastify';
import { ProblemException } from '../../common/http/problem-details';
import { validationProblem } from '../problem/validation';
import {
  forbiddenKeyError,
  isPrototypeKey,
  printable,
  unsafeCharacter,
  unsafeCharacterError,
} from './text-safety';

/** Deeper bodies are refused before validation walks them (class-transformer recurses). */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a JSON request body and normalises it for the gateway:
 * - malformed JSON, nesting deeper than MAX_JSON_DEPTH, NUL characters and unpaired UTF-16
 *   surrogates (Postgres text and jsonb refuse both) in any string or key, and keys named like
 *   Object.prototype members (see isPrototypeKey) are a 400 naming the path;
 * - an object property set to `null` counts as absent (so `"taxes": null` means no taxes);
 *   `null` inside an array is kept, and validation names it.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProblemException('validation_failed', {
      detail: 'The request body is not valid JSON',
      errors: [{ path: '', code: 'malformedJson', message: 'body must be valid JSON' }],
    });
  }
  return normalise(value, '', 0);
}

function normalise(value: unknown, path: string, depth: number): unknown {
  if (typeof value === 'string') {
    const unsafe = unsafeCharacter(value);
    if (unsafe) throw validationProblem([unsafeCharacterError(path, unsafe, path || 'body')]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_JSON_DEPTH) {
    throw validationProblem([
      {
        path,
        code: 'tooDeep',
        message: `${path || 'body'} is nested deeper than ${MAX_JSON_DEPTH} levels`,
      },
    ]);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => normalise(item, `${path}[${index}]`, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const innerPath = path ? `${path}.${printable(key)}` : printable(key);
    if (isPrototypeKey(key) || unsafeCharacter(key)) {
      throw validationProblem([forbiddenKeyError(innerPath)]);
    }
    if (inner === null) continue;
    out[key] = normalise(inner, innerPath, depth + 1);
  }
  return out;
}

/** Routes whose raw body is kept (`request.rawBody`) for a signature check. */
export const INBOUND_PREFIX = '/v1/inbound/';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as received, kept on INBOUND_PREFIX routes only. */
    rawBody?: string;
  }
}

/**
 * The gateway accepts JSON bodies only: every other content type is 415. Registered on the
 * Fastify instance before the routes are ready.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parser = (
    request: { url?: string; rawBody?: string },
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    // inbound upstream webhooks are signed over the exact bytes received
    if (request.url?.startsWith(INBOUND_PREFIX)) request.rawBody = body.toString();
    try {
      done(null, parseJsonBody(body.toString()));
    } catch (error) {
      done(error as ProblemException);
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, parser);
  fastify.addContentTypeParser(
    /^application\/[\w.+-]*\+json$/,
    { parseAs: 'string', bodyLimit },
    parser,
  );
}
