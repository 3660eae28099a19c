import { Global, Module } from '@nestjs/common';
import { DELIVERY_METRICS } from '../operations/delivery-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, { provide: DELIVERY_METRICS, useExisting: MetricsService }],
  exports: [MetricsService, DELIVERY_METRICS],
})
export class MetricsModule {}
