import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

/**
 * One token bucket per key in Redis, taken atomically by a Lua script, so every replica that
 * shares the Redis shares one budget. The script reads Redis's own clock (TIME), so replicas
 * with skewed clocks still agree. Returns 0 when a token was taken, else the whole seconds to
 * wait (at least 1). The key expires once a full bucket would have refilled.
 */
const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
  at = now
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
`;

type WithTakeToken = Redis & {
  takeToken(key: string, rate: number, burst: number): Promise<number>;
};

export interface RedisTokenBucketOptions {
  url: string;
  keyPrefix: string;
  rate: number;
  burst: number;
  /** Longest wait for Redis on one request before the caller falls back (ms). */
  commandTimeoutMs?: number;
}

/** How often "Redis unavailable" is logged while it stays unavailable. */
const WARN_EVERY_MS = 30_000;

export class RedisTokenBuckets {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: WithTakeToken;
  private lastWarnAt = 0;

  constructor(private readonly options: RedisTokenBucketOptions) {
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      // a request never waits for a reconnect: it falls back at once
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      commandTimeout: options.commandTimeoutMs ?? 250,
      retryStrategy: (times) => Math.min(times * 200, 5_000),
    }) as WithTakeToken;
    this.redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
    this.redis.on('error', (error: Error) => this.warn(error));
  }

  /**
   * Connects, waiting at most `waitMs` so the first requests already share the budget; never
   * fails: while Redis is unreachable ioredis keeps reconnecting in the background.
   */
  async connect(waitMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const connected = this.redis.connect().catch((error: Error) => this.warn(error));
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref();
    });
    await Promise.race([connected, waited]);
    clearTimeout(timer);
  }

  /**
   * Takes one token of `clientId`'s shared budget: 0 when allowed, else the seconds to wait;
   * undefined when Redis cannot answer now (the caller decides what then).
   */
  async take(clientId: string): Promise<number | undefined> {
    if (this.redis.status !== 'ready') return undefined;
    try {
      const wait = await this.redis.takeToken(
        `${this.options.keyPrefix}ratelimit:${clientId}`,
        this.options.rate,
        this.options.burst,
      );
      return Number(wait);
    } catch (error) {
      this.warn(error as Error);
      return undefined;
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn(
      { err: { message: error.message, code: (error as { code?: string }).code } },
      'Redis unavailable for the shared rate limit: each replica applies its own limit until it is back',
    );
  }
}
