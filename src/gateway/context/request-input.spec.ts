import { inputErrors } from './request-input';

describe('inputErrors', () => {
  it('passes ordinary query strings and path parameters', () => {
    expect(
      inputErrors({
        query: { reference: 'REQ-1', limit: '5', tag: ['a', 'b'] },
        params: { id: 'x' },
      }),
    ).toEqual([]);
    expect(inputErrors({ query: undefined, params: undefined })).toEqual([]);
  });

  it('names a query parameter with a NUL or an unpaired surrogate, in any repeated value', () => {
    expect(inputErrors({ query: { reference: 'a\u0000b' }, params: {} })).toEqual([
      {
        path: 'reference',
        code: 'controlCharacter',
        message: 'query parameter reference must not contain NUL characters (U+0000)',
      },
    ]);
    expect(inputErrors({ query: { provider: ['dms', 'x\udfff'] }, params: {} })).toMatchObject([
      { path: 'provider', code: 'unpairedSurrogate' },
    ]);
  });

  it('names a path parameter with a NUL', () => {
    expect(inputErrors({ query: {}, params: { provider: 'a\u0000' } })).toMatchObject([
      { path: 'provider', code: 'controlCharacter' },
    ]);
  });

  it('refuses query names that are unsafe or name Object.prototype members, printably', () => {
    const errors = inputErrors({
      query: { 'a\u0000b': '1', toString: '1', __proto__x: '1', valueOf: '2' },
      params: {},
    });
    expect(errors).toEqual([
      { path: 'aU+0000b', code: 'forbiddenKey', message: 'aU+0000b is not an accepted field name' },
      { path: 'toString', code: 'forbiddenKey', message: 'toString is not an accepted field name' },
      { path: 'valueOf', code: 'forbiddenKey', message: 'valueOf is not an accepted field name' },
    ]);
  });
});
