import { SignInLimiter } from './sign-in-limiter';

describe('SignInLimiter', () => {
  it('allows perMinute attempts per address, then answers the seconds to wait', () => {
    const limiter = new SignInLimiter(3);
    let now = 1_000_000;
    limiter.now = () => now;
    expect([1, 2, 3].map(() => limiter.take('10.0.0.1'))).toEqual([0, 0, 0]);
    expect(limiter.take('10.0.0.1')).toBe(60);
    // another address has its own window
    expect(limiter.take('10.0.0.2')).toBe(0);
    now += 45_500;
    expect(limiter.take('10.0.0.1')).toBe(15);
    now += 14_500;
    expect(limiter.take('10.0.0.1')).toBe(0);
  });
});
