import { ProblemException } from '../../common/http/problem-details';
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

  it('names the path of an unpaired surrogate, high or low, in a value or a key', () => {
    for (const text of ['x\\udfffy', 'x\\ud800', '\\ud83d', '\\udc00\\ud800']) {
      const problem = problemOf(`{"lines":[{"title":"${text}"}]}`);
      expect(problem.init.errors?.[0]).toMatchObject({
        path: 'lines[0].title',
        code: 'unpairedSurrogate',
      });
    }
    const key = problemOf('{"party":{"a\\ud800":1}}').init.errors?.[0];
    expect(key).toMatchObject({ path: 'party.aU+D800', code: 'forbiddenKey' });
    // a proper pair (an emoji) is text like any other
    expect(parseJsonBody('{"d":"\\ud83d\\ude00 ok"}')).toEqual({ d: '\u{1F600} ok' });
  });

  it('never puts a NUL or a lone surrogate into a message or a path', () => {
    const problem = problemOf('{"a\\u0000b":1}');
    expect(problem.init.errors?.[0].path).toBe('aU+0000b');
    expect(JSON.stringify(problem.init)).not.toMatch(/\\u0000|\\ud/i);
    expect(problem.message).not.toContain('\u0000');
  });

  it('refuses every key named like an Object.prototype member, at any depth', () => {
    for (const key of [
      'hasOwnProperty',
      'toString',
      'valueOf',
      '__defineGetter__',
      '__lookupSetter__',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      'constructor',
      '__proto__',
      'prototype',
    ]) {
      expect(problemOf(`{"${key}":1}`).init.errors?.[0]).toMatchObject({
        path: key,
        code: 'forbiddenKey',
      });
      expect(problemOf(`{"order":{"attributes":{"${key}":1}}}`).init.errors?.[0].path).toBe(
        `order.attributes.${key}`,
      );
    }
    // names that merely contain one are fine
    expect(parseJsonBody('{"toStringValue":1,"myconstructor":2}')).toEqual({
      toStringValue: 1,
      myconstructor: 2,
    });
  });
});
