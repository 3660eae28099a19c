import { retryDelayMs, scheduledDelayMs } from './backoff';

const settings = { baseMs: 1000, maxMs: 300_000 };

describe('retry backoff (full jitter)', () => {
  it('draws uniformly below base * 2^(attempt-1), capped at the ceiling', () => {
    expect(retryDelayMs(1, settings, undefined, () => 0.999)).toBe(999);
    expect(retryDelayMs(3, settings, undefined, () => 0.5)).toBe(2000);
    expect(retryDelayMs(12, settings, undefined, () => 0.999)).toBe(299_700);
    expect(retryDelayMs(80, settings, undefined, () => 0.999)).toBe(299_700);
    expect(retryDelayMs(4, settings, undefined, () => 0)).toBe(0);
  });

  it('is never shorter than Retry-After, even above the ceiling', () => {
    expect(retryDelayMs(1, settings, 5000, () => 0.1)).toBe(5000);
    expect(retryDelayMs(20, settings, 600_000, () => 0.9)).toBe(600_000);
  });

  it('stays within [0, ceiling] over many draws', () => {
    for (let attempt = 1; attempt <= 15; attempt++) {
      const d = retryDelayMs(attempt, settings);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(300_000, 1000 * 2 ** (attempt - 1)));
    }
  });
});

describe('scheduledDelayMs', () => {
  const schedule = [5_000, 300_000, 1_800_000];

  it('follows the schedule per attempt, the last entry repeating', () => {
    const middle = () => 0.5;
    expect(scheduledDelayMs(1, schedule, middle)).toBe(5_000);
    expect(scheduledDelayMs(2, schedule, middle)).toBe(300_000);
    expect(scheduledDelayMs(3, schedule, middle)).toBe(1_800_000);
    expect(scheduledDelayMs(9, schedule, middle)).toBe(1_800_000);
  });

  it('spreads each delay by at most 20 % either way', () => {
    expect(scheduledDelayMs(1, schedule, () => 0)).toBe(4_000);
    expect(scheduledDelayMs(1, schedule, () => 0.999999)).toBe(6_000);
    expect(scheduledDelayMs(1, [], () => 0.5)).toBe(0);
  });
});
