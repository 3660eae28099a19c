import type { AppConfig } from '../../config/app-config';
import { RateLimiter } from './rate-limiter';

const config = (rate: number, burst: number) =>
  ({ api: { rateLimitPerSecond: rate, rateLimitBurst: burst } }) as AppConfig;

describe('RateLimiter', () => {
  it('allows a burst, then refuses with a wait, then refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter(config(2, 3));
    limiter.now = () => now;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    now += 500; // one token back at 2/s
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('keeps clients apart', () => {
    const limiter = new RateLimiter(config(1, 1));
    limiter.now = () => 0;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });
});
