import { operationStats } from './operation-stats';

const base = {
  queue: [],
  oldestDueAgeSeconds: null,
  attention: { dead: 0, outcomeUncertain: 0 },
};

describe('operationStats', () => {
  it('has every bucket from the one holding since to the one holding until, zeros included', () => {
    const stats = operationStats({
      ...base,
      since: new Date('2026-01-05T10:30:00Z'),
      until: new Date('2026-01-05T13:05:00Z'),
      bucket: 'hour',
      counts: [
        {
          startMs: Date.parse('2026-01-05T10:00:00Z'),
          status: 'succeeded',
          provider: 'dms',
          count: 2,
        },
        { startMs: Date.parse('2026-01-05T12:00:00Z'), status: 'dead', provider: 'dms', count: 1 },
        {
          startMs: Date.parse('2026-01-05T12:00:00Z'),
          status: 'failed',
          provider: 'none',
          count: 3,
        },
      ],
    });
    expect(stats.buckets.map((b) => [b.start, b.total])).toEqual([
      ['2026-01-05T10:00:00.000Z', 2],
      ['2026-01-05T11:00:00.000Z', 0],
      ['2026-01-05T12:00:00.000Z', 4],
      ['2026-01-05T13:00:00.000Z', 0],
    ]);
    expect(stats.buckets[1].byStatus).toEqual({
      queued: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      dead: 0,
    });
    expect(stats.buckets[2].byProvider).toEqual({ dms: 1, none: 3 });
    expect(stats.totals).toEqual({
      total: 6,
      byStatus: { queued: 0, running: 0, succeeded: 2, failed: 3, dead: 1 },
      byProvider: { dms: 3, none: 3 },
    });
  });

  it('buckets by UTC day and sums the queue per provider', () => {
    const stats = operationStats({
      ...base,
      since: new Date('2026-01-03T23:00:00Z'),
      until: new Date('2026-01-05T01:00:00Z'),
      bucket: 'day',
      counts: [],
      queue: [
        { status: 'queued', provider: 'dms', count: 4 },
        { status: 'running', provider: 'dms', count: 1 },
        { status: 'queued', provider: 'gep-smart', count: 2 },
      ],
      oldestDueAgeSeconds: 12.5,
    });
    expect(stats.buckets.map((b) => b.start)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
    ]);
    expect(stats.queue).toEqual({
      queued: 6,
      running: 1,
      byProvider: [
        { provider: 'dms', queued: 4, running: 1 },
        { provider: 'gep-smart', queued: 2, running: 0 },
      ],
      oldestDueAgeSeconds: 12.5,
    });
  });
});
