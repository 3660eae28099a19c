import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

const DELETE_BATCH = 5000;

/** Deletes audit rows older than AUDIT_RETENTION_DAYS, at start-up and then periodically. */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runSafely(), this.config.audit.retentionIntervalMs);
    this.timer.unref();
    void this.runSafely();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }

  /** Deletes in batches so a large backlog never holds a long lock. Returns rows deleted. */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.audit.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const result: unknown = await this.dataSource.query(
        `DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs WHERE at < $1 ORDER BY id LIMIT ${DELETE_BATCH})`,
        [cutoff],
      );
      const deleted = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
      total += deleted;
      if (deleted < DELETE_BATCH) return total;
    }
  }

  private async runSafely(): Promise<void> {
    if (this.running) return;
    this.running = this.purge();
    try {
      const deleted = await this.running;
      if (deleted > 0)
        this.logger.log(
          `Deleted ${deleted} audit rows older than ${this.config.audit.retentionDays} days`,
        );
    } catch (error) {
      this.logger.warn({ err: error }, 'Audit retention run failed');
    } finally {
      this.running = undefined;
    }
  }
}
