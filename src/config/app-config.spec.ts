import { ConfigValidationError, DEV_BOOTSTRAP_API_KEY, loadAppConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadAppConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.dataDir).toBe('./.data');
    expect(config.database.url).toBeUndefined();
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.logLevel).toBe('info');
    expect(config.nodeEnv).toBe('development');
    expect(config.audit.retentionDays).toBe(400);
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

  it('has no bootstrap key in production unless one is set, and refuses weak ones', () => {
    expect(loadAppConfig({ NODE_ENV: 'production' }).auth.bootstrapApiKey).toBeUndefined();
    expect(
      problemsOf({ NODE_ENV: 'production', GATEWAY_BOOTSTRAP_API_KEY: DEV_BOOTSTRAP_API_KEY })[0],
    ).toMatch(/^GATEWAY_BOOTSTRAP_API_KEY is the well-known local default/);
    expect(problemsOf({ NODE_ENV: 'production', GATEWAY_BOOTSTRAP_API_KEY: 'short' })[0]).toMatch(
      /too short/,
    );
    const strong = 'x'.repeat(40);
    expect(
      loadAppConfig({ NODE_ENV: 'production', GATEWAY_BOOTSTRAP_API_KEY: strong }).auth,
    ).toEqual({
      bootstrapApiKey: strong,
      bootstrapIsDefault: false,
    });
  });

  it('treats blank values as unset', () => {
    expect(loadAppConfig({ PORT: '  ', DATABASE_URL: '' }).port).toBe(3000);
  });
});
