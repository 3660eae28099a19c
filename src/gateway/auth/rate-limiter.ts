import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { RedisTokenBuckets } from './redis-token-bucket';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_BUCKETS = 10_000;

/**
 * Token bucket per API client: `rate` requests per second sustained, up to `burst` at once.
 *
 * With REDIS_URL set the bucket lives in Redis and every replica takes from the same one
 * (redis-token-bucket.ts). Without it, or while Redis cannot answer (down, or slower than its
 * command timeout), the bucket is this process's own: the limit still applies, per replica,
 * and no request fails or waits because of Redis. That is the chosen failure mode: neither
 * fail-closed (refusing every call while Redis is down would turn a cache outage into a
 * gateway outage) nor unlimited.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly shared?: RedisTokenBuckets;
  /** The clock of the in-process buckets (tests replace it). */
  now: () => number = Date.now;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.rate = config.api.rateLimitPerSecond;
    this.burst = config.api.rateLimitBurst;
    if (config.api.redisUrl) {
      this.shared = new RedisTokenBuckets({
        url: config.api.redisUrl,
        keyPrefix: config.api.redisKeyPrefix,
        rate: this.rate,
        burst: this.burst,
      });
    }
  }

  async onModuleInit(): Promise<void> {
    await this.shared?.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shared?.close();
  }

  /** Takes one token; resolves 0 when allowed, else the seconds to wait. */
  async take(clientId: string): Promise<number> {
    const shared = await this.shared?.take(clientId);
    return shared ?? this.takeLocal(clientId);
  }

  private takeLocal(clientId: string): number {
    const now = this.now();
    let bucket = this.buckets.get(clientId);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(clientId, bucket);
    } else {
      bucket.tokens = Math.min(
        this.burst,
        bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.rate,
      );
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }
}
