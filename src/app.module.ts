import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import type { GatewayConfig } from './load-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { ShutdownModule } from './common/shutdown.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import type { Tracing } from './tracing/tracing-bootstrap';
import { TracingModule } from './tracing/tracing.module';

export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

@Module({})
export class AppModule {
  static forRoot(
    config: GatewayConfig,
    tracing: Tracing,
    extra: ModuleImport[] = [],
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.withConfig(config),
        TracingModule.forRoot(tracing),
        LoggingModule,
        ShutdownModule,
        DatabaseModule,
        MetricsModule,
        AuditModule,
        GatewayModule,
        HealthModule,
        ...extra,
      ],
    };
  }
}
