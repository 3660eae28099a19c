import { ProblemException } from '../problem/problem';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body';

function problemOf(text: string): ProblemException {
  try {
    parseJsonBody(text);
  } catch (error) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('parseJsonBody', () => {
  it('parses JSON and treats null object properties as absent, keeping nulls in arrays', () => {
    expect(parseJsonBody('{"a":1,"b":null,"c":{"d":null,"e":[null,2]}}')).toEqual({
      a: 1,
      c: { e: [null, 2] },
    });
    expect(parseJsonBody('')).toBeUndefined();
  });

  it('refuses malformed JSON', () => {
    const problem = problemOf('{"a":');
    expect(problem.code).toBe('validation_failed');
    expect(problem.init.errors?.[0].code).toBe('malformedJson');
  });

  it('names the path of a NUL character', () => {
    const problem = problemOf('{"updates":[{"status":"ok"},{"status":"a\\u0000b"}]}');
    expect(problem.init.errors?.[0]).toMatchObject({
      path: 'updates[1].status',
      code: 'controlCharacter',
    });
  });

  it('refuses prototype keys', () => {
    expect(problemOf('{"party":{"__proto__":{"x":1}}}').init.errors?.[0]).toMatchObject({
      path: 'party.__proto__',
      code: 'forbiddenKey',
    });
    expect(problemOf('{"constructor":{"prototype":{}}}').init.errors?.[0].path).toBe('constructor');
  });

  it('refuses bodies nested deeper than the limit', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(problemOf(deep).init.errors?.[0].code).toBe('tooDeep');
    const ok = '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1);
    expect(() => parseJsonBody(ok)).not.toThrow();
  });
});
