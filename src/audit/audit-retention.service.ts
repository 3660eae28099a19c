import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { AuditLogRepository } from '../database/repositories/audit-log.repository';
import { AuditVerifier } from './audit-verifier.service';

const DELETE_BATCH = 5000;

/**
 * Deletes audit rows older than AUDIT_RETENTION_DAYS, at start-up and then periodically. A chain
 * loses only a whole prefix: its rows before the first row written since the cutoff. The prefix
 * is verified first (a chain that does not verify keeps its rows: retention never removes the
 * evidence of tampering), and its last removed row is recorded as the chain's anchor in
 * audit_chain_anchors, so the first kept row still verifies.
 */
@Injectable()
export class AuditRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly repo: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly verifier: AuditVerifier,
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
    for (const chainId of await this.repo.chainsWithRowsBefore(cutoff)) {
      total += await this.purgeChain(chainId, cutoff);
    }
    // rows inserted outside the writer carry no chain: they just go
    for (;;) {
      const deleted = await this.repo.deleteUnchainedBefore(cutoff, DELETE_BATCH);
      total += deleted;
      if (deleted < DELETE_BATCH) return total;
    }
  }

  private async purgeChain(chainId: string, cutoff: Date): Promise<number> {
    const keepFrom = await this.repo.firstSeqSince(chainId, cutoff);
    const last = keepFrom !== undefined ? keepFrom - 1 : (await this.repo.head(chainId))?.seq;
    if (last === undefined || last < 1) return 0;
    const { found, cuts } = await this.verifier.checkPrefix(chainId, last, DELETE_BATCH);
    if (found) {
      this.logger.error(
        { chainId, seq: found.seq, reason: found.reason },
        'Audit chain does not verify: retention keeps its rows',
      );
      return 0;
    }
    let deleted = 0;
    for (const cut of cuts) deleted += await this.repo.removePrefix(chainId, cut);
    return deleted;
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
