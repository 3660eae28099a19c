import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FieldError } from '../../common/http/problem-details';
import { validationProblem } from '../problem/validation';
import {
  forbiddenKeyError,
  isPrototypeKey,
  printable,
  unsafeCharacter,
  unsafeCharacterError,
} from './text-safety';

/**
 * The query string and path parameters of a request, checked before any route sees them: a NUL
 * character or an unpaired surrogate in a name or a value, and a query parameter named like an
 * Object.prototype member, are a 400 naming the parameter (the same rules as JSON bodies, see
 * json-body.ts). Headers need no check here: Node's parser refuses NUL and control characters
 * in them, and their values are Latin-1, so they cannot carry a surrogate.
 */
export function inputErrors(request: Pick<FastifyRequest, 'query' | 'params'>): FieldError[] {
  const errors: FieldError[] = [];
  const check = (source: unknown, what: 'query' | 'path', keysMatter: boolean) => {
    if (source === null || typeof source !== 'object') return;
    for (const [key, raw] of Object.entries(source as Record<string, unknown>)) {
      const name = printable(key);
      if (unsafeCharacter(key) || (keysMatter && isPrototypeKey(key))) {
        errors.push(forbiddenKeyError(name));
        continue;
      }
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value !== 'string') continue;
        const unsafe = unsafeCharacter(value);
        if (unsafe) {
          errors.push(unsafeCharacterError(name, unsafe, `${what} parameter ${name}`));
          break;
        }
      }
    }
  };
  check(request.params, 'path', false);
  check(request.query, 'query', true);
  return errors;
}

export function registerInputChecks(fastify: FastifyInstance): void {
  // Node's own answer to a missing Host is a bare 400 (requireHostHeader is off, see setup-app.ts)
  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      throw validationProblem([
        { path: 'Host', code: 'required', message: 'Host header is required in HTTP/1.1' },
      ]);
    }
  });
  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    const errors = inputErrors(request);
    if (errors.length) throw validationProblem(errors);
  });
}
