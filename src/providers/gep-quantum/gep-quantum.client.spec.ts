import { gepQuantumErrorParser } from './gep-quantum.client';

describe('gepQuantumErrorParser', () => {
  it("reads Quantum's own envelope", () => {
    expect(
      gepQuantumErrorParser(500, {
        returnValue: null,
        isSuccess: false,
        errorMessage: 'Exception Occurred',
        errorCode: null,
        correlationId: '0HN:1',
      }),
    ).toEqual({ code: undefined, message: 'Exception Occurred', correlationId: '0HN:1' });
    expect(gepQuantumErrorParser(200, { errorCode: 'E42', errorMessage: 'nope' })).toEqual({
      code: 'E42',
      message: 'nope',
    });
  });

  it('reads APIM bodies', () => {
    expect(
      gepQuantumErrorParser(429, {
        statusCode: 429,
        message: 'Rate limit is exceeded. Try again in 60 seconds.',
      }),
    ).toEqual({ code: undefined, message: 'Rate limit is exceeded. Try again in 60 seconds.' });
  });

  it('reads ASP.NET ProblemDetails without taking its type URL for a code', () => {
    expect(
      gepQuantumErrorParser(400, {
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
        title: 'One or more validation errors occurred.',
        status: 400,
        errors: {
          '$[0].grossAmount': ['The JSON value could not be converted to System.Decimal.'],
        },
      }),
    ).toEqual({
      code: undefined,
      message:
        'One or more validation errors occurred. The JSON value could not be converted to System.Decimal.',
    });
  });

  it('leaves other bodies to the default parser', () => {
    expect(gepQuantumErrorParser(502, 'Bad gateway')).toBeUndefined();
    expect(gepQuantumErrorParser(502, {})).toBeUndefined();
  });
});
