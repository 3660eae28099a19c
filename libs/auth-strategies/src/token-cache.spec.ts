import { TokenCache, type TokenGrant } from './token-cache';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TokenCache', () => {
  it('shares one renewal among concurrent callers, also when it fails', async () => {
    let calls = 0;
    let pending = deferred<TokenGrant>();
    const cache = new TokenCache(() => {
      calls += 1;
      return pending.promise;
    });
    const waiting = Array.from({ length: 10 }, () => cache.get().catch((e: Error) => e.message));
    pending.reject(new Error('endpoint down'));
    expect(await Promise.all(waiting)).toEqual(Array(10).fill('endpoint down'));
    expect(calls).toBe(1);

    pending = deferred<TokenGrant>();
    const again = Promise.all([cache.get(), cache.get()]);
    pending.resolve({ token: 't', lifetimeMs: 600_000 });
    expect(await again).toEqual(['t', 't']);
    expect(calls).toBe(2);
  });

  it('uses margin = max(minMargin, ratio * lifetime) and lets a caller stop waiting', async () => {
    const now = 0;
    const cache = new TokenCache(async () => ({ token: `t${now}`, lifetimeMs: 3_600_000 }), {
      now: () => now,
      minMarginMs: 1_000,
      marginRatio: 0.25,
    });
    await cache.get();
    expect(cache.peek()).toEqual({
      token: 't0',
      obtainedAt: 0,
      expiresAt: 3_600_000,
      renewAt: 2_700_000,
    });

    const never = new TokenCache(() => new Promise<TokenGrant>(() => undefined));
    const controller = new AbortController();
    const waiting = never.get(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
  });
});
