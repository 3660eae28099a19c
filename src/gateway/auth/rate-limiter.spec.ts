import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { RateLimiter } from './rate-limiter';

const config = (rate: number, burst: number, redisUrl?: string, redisKeyPrefix = 'x:') =>
  ({
    api: { rateLimitPerSecond: rate, rateLimitBurst: burst, redisUrl, redisKeyPrefix },
  }) as AppConfig;

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a wait, then refills at the rate', async () => {
    let now = 0;
    const limiter = new RateLimiter(config(2, 3));
    limiter.now = () => now;
    expect([await limiter.take('a'), await limiter.take('a'), await limiter.take('a')]).toEqual([
      0, 0, 0,
    ]);
    expect(await limiter.take('a')).toBe(1);
    now += 500; // one token back at 2/s
    expect(await limiter.take('a')).toBe(0);
    expect(await limiter.take('a')).toBeGreaterThan(0);
  });

  it('keeps clients apart', async () => {
    const limiter = new RateLimiter(config(1, 1));
    limiter.now = () => 0;
    expect(await limiter.take('a')).toBe(0);
    expect(await limiter.take('a')).toBe(1);
    expect(await limiter.take('b')).toBe(0);
  });
});

/** Against the Redis of this machine (REDIS_URL, default 127.0.0.1:6379), a fresh prefix per run. */
/** Skipped only where no Redis answers and not in CI (see test/global-setup.ts). */
const describeWithRedis = process.env.TEST_REDIS_URL ? describe : describe.skip;

describeWithRedis('RateLimiter with Redis', () => {
  const url = process.env.TEST_REDIS_URL ?? '';
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  const limiters: RateLimiter[] = [];

  async function started(cfg: AppConfig): Promise<RateLimiter> {
    const limiter = new RateLimiter(cfg);
    limiters.push(limiter);
    await limiter.onModuleInit();
    return limiter;
  }
  async function ready(limiter: RateLimiter): Promise<void> {
    // connect() runs in the background: wait until a take is answered by Redis
    const shared = (limiter as unknown as { shared: { take(id: string): Promise<unknown> } })
      .shared;
    for (let i = 0; i < 50; i++) {
      if ((await shared.take(`probe-${randomUUID()}`)) !== undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`Redis at ${url} did not answer`);
  }

  afterAll(async () => {
    for (const limiter of limiters) await limiter.onApplicationShutdown();
  });

  it('two limiters (two replicas) share one budget per client', async () => {
    const a = await started(config(1, 4, url, prefix));
    const b = await started(config(1, 4, url, prefix));
    await Promise.all([ready(a), ready(b)]);
    const client = randomUUID();
    const takes = await Promise.all([a, b, a, b, a, b].map((l) => l.take(client)));
    expect(takes.filter((wait) => wait === 0)).toHaveLength(4);
    expect(takes.filter((wait) => wait >= 1)).toHaveLength(2);
    // another client has its own budget
    expect(await b.take(randomUUID())).toBe(0);
    // a third replica with another prefix (another deployment) does not share it
    const other = await started(config(1, 4, url, `${prefix}other:`));
    await ready(other);
    expect(await other.take(client)).toBe(0);
  });

  it('refills from the Redis clock at the rate', async () => {
    const a = await started(config(10, 1, url, prefix));
    await ready(a);
    const client = randomUUID();
    expect(await a.take(client)).toBe(0);
    expect(await a.take(client)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150)); // one token at 10/s
    expect(await a.take(client)).toBe(0);
  });

  it('falls back to the in-process bucket, without failing or waiting, when Redis is down', async () => {
    const down = await started(config(1, 2, 'redis://127.0.0.1:1', prefix));
    down.now = () => 0;
    const started_ = Date.now();
    expect([await down.take('c'), await down.take('c'), await down.take('c')]).toEqual([0, 0, 1]);
    expect(Date.now() - started_).toBeLessThan(500);
  });
});
