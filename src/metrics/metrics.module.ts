import { Global, Module } from '@nestjs/common';
import { DATABASE_OUTAGE, DELIVERY_METRICS } from '../common/delivery-metrics';
import { DatabaseOutage } from './database-outage';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    MetricsService,
    DatabaseOutage,
    { provide: DELIVERY_METRICS, useExisting: MetricsService },
    { provide: DATABASE_OUTAGE, useExisting: DatabaseOutage },
  ],
  exports: [MetricsService, DatabaseOutage, DELIVERY_METRICS, DATABASE_OUTAGE],
})
export class MetricsModule {}
