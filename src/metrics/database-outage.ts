import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { databaseUnavailableReason } from '../problem/database-unavailable';
import type { OutageWatch } from '../common/delivery-metrics';
import { MetricsService } from './metrics.service';

/** Without a refusal for this long, the next one starts a new outage (and is logged again). */
export const OUTAGE_QUIET_MS = 30_000;

/**
 * The database being away, as the process sees it: every refusal (a request answered 503
 * `database_unavailable`, a worker poll that could not run) is counted in
 * `gateway_database_unavailable_total{reason}`, and one warn line is logged per outage instead
 * of a stack per request. The outage ends when the readiness check reaches the database again
 * (one info line with its length and count), or after OUTAGE_QUIET_MS without a refusal.
 */
@Injectable()
export class DatabaseOutage implements OutageWatch {
  private readonly logger = new Logger('Database');
  private readonly refusals: Counter<'reason'>;
  private since?: number;
  private lastAt = 0;
  private count = 0;

  constructor(metrics: MetricsService) {
    this.refusals = new Counter({
      name: 'gateway_database_unavailable_total',
      help: 'Requests answered 503 database_unavailable and background steps skipped because the database was unavailable, by reason (SQLSTATE, socket error code or driver message)',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  /**
   * Counts the error and logs the outage's first one, when it says the database is unavailable;
   * returns false (and does nothing) for any other error.
   */
  refused(error: unknown, where: string, now = Date.now()): boolean {
    const reason = databaseUnavailableReason(error);
    if (!reason) return false;
    this.refusals.inc({ reason });
    if (this.since === undefined || now - this.lastAt > OUTAGE_QUIET_MS) {
      this.since = now;
      this.count = 0;
      this.logger.warn(
        { reason, where },
        `The database is unavailable (${reason}): answering 503 database_unavailable until it is back`,
      );
    }
    this.lastAt = now;
    this.count += 1;
    return true;
  }

  /** The database answered: ends the outage in progress, if any. */
  available(now = Date.now()): void {
    if (this.since === undefined) return;
    this.logger.log(
      { outageMs: now - this.since, refused: this.count },
      `The database is available again after ${Math.round((now - this.since) / 100) / 10} s (${this.count} refused)`,
    );
    this.since = undefined;
  }
}
