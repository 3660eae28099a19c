import { ConfigValidationError, loadAppConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('async delivery and callback settings', () => {
  it('has the documented defaults: no callbacks allowed', () => {
    const config = loadAppConfig({});
    expect(config.async).toEqual({
      concurrency: 4,
      leaseMs: 60_000,
      retryBaseMs: 1000,
      retryMaxDelayMs: 300_000,
      maxAttempts: 12,
      maxAgeMs: 24 * 3_600_000,
    });
    expect(config.callbacks).toEqual({
      allowedHosts: [],
      allowHttp: false,
      secret: undefined,
      maxAttempts: 10,
    });
  });

  it('reads and validates every variable', () => {
    const config = loadAppConfig({
      ASYNC_CONCURRENCY: '8',
      ASYNC_LEASE_MS: '30000',
      ASYNC_MAX_AGE_HOURS: '2',
      CALLBACK_ALLOWED_HOSTS: 'Hooks.Example.com, *.partner.example',
      CALLBACK_ALLOW_HTTP: 'true',
      CALLBACK_SECRET: 'short-but-fine-outside-production',
      CALLBACK_MAX_ATTEMPTS: '3',
    });
    expect(config.async.concurrency).toBe(8);
    expect(config.async.maxAgeMs).toBe(2 * 3_600_000);
    expect(config.callbacks.allowedHosts).toEqual(['hooks.example.com', '*.partner.example']);
    expect(config.callbacks.allowHttp).toBe(true);

    const problems = problemsOf({
      ASYNC_CONCURRENCY: '0',
      ASYNC_RETRY_BASE_MS: '5000',
      ASYNC_RETRY_MAX_DELAY_MS: '100',
      CALLBACK_ALLOWED_HOSTS: 'ok.example, bad host/path',
    });
    expect(problems.join('\n')).toMatch(/ASYNC_CONCURRENCY/);
    expect(problems.join('\n')).toMatch(/ASYNC_RETRY_MAX_DELAY_MS must not be below/);
    expect(problems.join('\n')).toMatch(/CALLBACK_ALLOWED_HOSTS entry "bad host\/path"/);
    expect(problems.join('\n')).toMatch(/CALLBACK_SECRET is required/);
  });

  it('needs a 32-character CALLBACK_SECRET in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      MOCK_PROVIDERS: 'dms,gep-smart,gep-quantum,delivery-solutions',
      CALLBACK_ALLOWED_HOSTS: 'hooks.example.com',
      CALLBACK_SECRET: 'too-short',
    });
    expect(problems).toContain(
      'CALLBACK_SECRET is too short: expected at least 32 characters in production',
    );
  });

  it('needs a lease longer than every upstream deadline', () => {
    const problems = problemsOf({ ASYNC_LEASE_MS: '20000', DMS_DEADLINE_MS: '20000' });
    expect(problems).toEqual([
      'ASYNC_LEASE_MS (20000) must be longer than the dms deadline (20000 ms): a call still running would be taken over',
      'ASYNC_LEASE_MS (20000) must be longer than the gep-smart deadline (25000 ms): a call still running would be taken over',
      'ASYNC_LEASE_MS (20000) must be longer than the gep-quantum deadline (25000 ms): a call still running would be taken over',
      'ASYNC_LEASE_MS (20000) must be longer than the delivery-solutions deadline (25000 ms): a call still running would be taken over',
    ]);
    expect(
      problemsOf({
        ASYNC_LEASE_MS: '5000',
        DMS_DEADLINE_MS: '4000',
        GEP_SMART_DEADLINE_MS: '4000',
        GEP_QUANTUM_DEADLINE_MS: '4000',
        DELIVERY_SOLUTIONS_DEADLINE_MS: '4999',
      }),
    ).toEqual([]);
  });
});
