import { ConfigValidationError, DEV_BOOTSTRAP_API_KEY } from './config/app-config';
import { loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.dataDir).toBe('./.data');
    expect(config.database.url).toBeUndefined();
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.logLevel).toBe('info');
    expect(config.nodeEnv).toBe('development');
    expect(config.audit.retentionDays).toBe(400);
    expect(config.tracing).toEqual({ otlpEndpoint: undefined, serviceName: 'invoice-gateway' });
    expect(config.auth).toEqual({
      bootstrapApiKey: DEV_BOOTSTRAP_API_KEY,
      bootstrapIsDefault: true,
    });
  });

  it('reports one line per bad variable, naming it and what is expected', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      BODY_LIMIT_BYTES: '-5',
      NODE_ENV: 'staging',
    });
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT="eighty" is invalid: expected an integer from 0 to 65535$/),
        expect.stringMatching(/^LOG_LEVEL="loud" is invalid: expected one of fatal, error/),
        expect.stringMatching(
          /^DATABASE_URL is invalid: expected an absolute URL \(postgres or postgresql\)$/,
        ),
        expect.stringMatching(/^BODY_LIMIT_BYTES="-5" is invalid/),
        expect.stringMatching(
          /^NODE_ENV="staging" is invalid: expected one of development, production, test$/,
        ),
      ]),
    );
  });

  it('never echoes the DATABASE_URL value (it may hold a password)', () => {
    const problems = problemsOf({ DATABASE_URL: 'ftp://user:s3cret@host/db' });
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  const PROD = {
    NODE_ENV: 'production',
    MOCK_PROVIDERS: 'dms,gep-smart,gep-quantum,delivery-solutions',
  };

  it('has no bootstrap key in production unless one is set, and refuses weak ones', () => {
    expect(loadConfig(PROD).auth.bootstrapApiKey).toBeUndefined();
    expect(problemsOf({ ...PROD, GATEWAY_BOOTSTRAP_API_KEY: DEV_BOOTSTRAP_API_KEY })[0]).toMatch(
      /^GATEWAY_BOOTSTRAP_API_KEY is the well-known local default/,
    );
    expect(problemsOf({ ...PROD, GATEWAY_BOOTSTRAP_API_KEY: 'short' })[0]).toMatch(/too short/);
    const strong = 'x'.repeat(40);
    expect(loadConfig({ ...PROD, GATEWAY_BOOTSTRAP_API_KEY: strong }).auth).toEqual({
      bootstrapApiKey: strong,
      bootstrapIsDefault: false,
    });
  });

  it('reads the OTLP endpoint and service name, refusing an endpoint that is not an http(s) URL', () => {
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_SERVICE_NAME: 'gw-eu',
      }).tracing,
    ).toEqual({ otlpEndpoint: 'http://collector:4318', serviceName: 'gw-eu' });
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT is invalid: expected an absolute URL/),
    ]);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('refuses an unconfigured provider in production unless MOCK_PROVIDERS lists it', () => {
    const problems = problemsOf({ NODE_ENV: 'production', MOCK_PROVIDERS: 'dms,gep-smart' });
    expect(problems).toEqual([
      expect.stringMatching(/^gep-quantum is not configured \(GEP_QUANTUM_BASE_URL unset\)/),
      expect.stringMatching(
        /^delivery-solutions is not configured \(DELIVERY_SOLUTIONS_BASE_URL unset\)/,
      ),
    ]);
    expect(problemsOf({ MOCK_PROVIDERS: 'sap' })[0]).toMatch(/^MOCK_PROVIDERS lists "sap"/);
  });

  it('names the missing variables of a half-configured provider', () => {
    const problems = problemsOf({
      DMS_BASE_URL: 'https://dms.example.com',
      DMS_USERNAME: 'u',
      GEP_SMART_BASE_URL: 'https://gep.example.com',
      GEP_SMART_AUTH_KEY: 'k',
      GEP_QUANTUM_BASE_URL: 'https://q.example.com',
      GEP_QUANTUM_TOKEN_URL: 'https://q.example.com/SmartAuth2/Token',
      GEP_QUANTUM_AUTH_KEY: 'k',
      GEP_QUANTUM_SUBSCRIPTION_KEY: 's',
      DELIVERY_SOLUTIONS_BASE_URL: 'https://ds.example.com',
      DELIVERY_SOLUTIONS_CLIENT_ID: 'id',
      GEP_SMART_CLIENT_CERT: '/tmp/cert.pem',
    });
    expect(problems).toEqual([
      'dms has a base URL but no credentials: set DMS_API_KEY, or DMS_USERNAME and DMS_PASSWORD (missing DMS_PASSWORD)',
      'gep-smart has a base URL but is missing GEP_SMART_TOKEN_URL, GEP_SMART_SHARED_SECRET',
      'GEP_SMART_CLIENT_CERT and GEP_SMART_CLIENT_KEY go together: set both or neither',
      expect.stringMatching(
        /^delivery-solutions has a base URL but no complete credentials: .*\(missing DELIVERY_SOLUTIONS_TOKEN_URL, DELIVERY_SOLUTIONS_CLIENT_SECRET\)$/,
      ),
    ]);
  });

  it("reads GEP SMART's isPartnerInvNoForPayment: 1 by default, 0 or 1, anything else named", () => {
    expect(loadConfig({}).providers['gep-smart'].partnerInvNoForPayment).toBe(true);
    expect(
      loadConfig({ GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT: '0' }).providers['gep-smart']
        .partnerInvNoForPayment,
    ).toBe(false);
    expect(problemsOf({ GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT: 'yes' })).toEqual([
      'GEP_SMART_PARTNER_INV_NO_FOR_PAYMENT="yes" is invalid: expected one of 0, 1',
    ]);
  });

  it('reads per-provider timeout and retry overrides', () => {
    const config = loadConfig({
      DMS_TIMEOUT_MS: '1500',
      DMS_RETRY_MAX_ATTEMPTS: '5',
      GEP_QUANTUM_DEADLINE_MS: '9000',
    });
    expect(config.providers.dms.http).toEqual({
      connectTimeoutMs: undefined,
      timeoutMs: 1500,
      deadlineMs: undefined,
      maxAttempts: 5,
    });
    expect(config.providers['gep-quantum'].http.deadlineMs).toBe(9000);
    expect(problemsOf({ DMS_RETRY_MAX_ATTEMPTS: '0' })[0]).toMatch(
      /^DMS_RETRY_MAX_ATTEMPTS="0" is invalid/,
    );
  });

  it('reads REDIS_URL (redis: or rediss:) and a key prefix, and refuses others', () => {
    expect(loadConfig({}).api).toMatchObject({
      redisUrl: undefined,
      redisKeyPrefix: 'invoice-gateway:',
    });
    expect(
      loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: 'gw-a:' }).api,
    ).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379/0', redisKeyPrefix: 'gw-a:' });
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })).toEqual([
      'REDIS_URL is invalid: expected an absolute URL (redis or rediss)',
    ]);
    expect(problemsOf({ REDIS_KEY_PREFIX: 'a b' })).toEqual([
      expect.stringMatching(/^REDIS_KEY_PREFIX="a b" is invalid/),
    ]);
  });
});

describe('async delivery and callback settings', () => {
  it('has the documented defaults: no callbacks allowed', () => {
    const config = loadConfig({});
    expect(config.async).toEqual({
      workerEnabled: true,
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
    const config = loadConfig({
      ASYNC_CONCURRENCY: '8',
      ASYNC_LEASE_MS: '30000',
      ASYNC_MAX_AGE_HOURS: '2',
      ASYNC_WORKER_ENABLED: 'false',
      CALLBACK_ALLOWED_HOSTS: 'Hooks.Example.com, *.partner.example',
      CALLBACK_ALLOW_HTTP: 'true',
      CALLBACK_SECRET: 'short-but-fine-outside-production',
      CALLBACK_MAX_ATTEMPTS: '3',
    });
    expect(config.async.concurrency).toBe(8);
    expect(config.async.maxAgeMs).toBe(2 * 3_600_000);
    expect(config.async.workerEnabled).toBe(false);
    expect(config.callbacks.allowedHosts).toEqual(['hooks.example.com', '*.partner.example']);
    expect(config.callbacks.allowHttp).toBe(true);

    const problems = problemsOf({
      ASYNC_CONCURRENCY: '0',
      ASYNC_RETRY_BASE_MS: '5000',
      ASYNC_RETRY_MAX_DELAY_MS: '100',
      ASYNC_WORKER_ENABLED: 'sometimes',
      CALLBACK_ALLOWED_HOSTS: 'ok.example, bad host/path',
    });
    expect(problems.join('\n')).toMatch(/ASYNC_CONCURRENCY/);
    expect(problems.join('\n')).toMatch(/ASYNC_RETRY_MAX_DELAY_MS must not be below/);
    expect(problems).toContain(
      'ASYNC_WORKER_ENABLED="sometimes" is invalid: expected true or false',
    );
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
