import { Global, Module } from '@nestjs/common';
import { DatabaseOutage } from './database-outage';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, DatabaseOutage],
  exports: [MetricsService, DatabaseOutage],
})
export class MetricsModule {}
