import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { ShutdownModule } from './common/shutdown.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { TracingModule } from './tracing/tracing.module';

export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extra: ModuleImport[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.withConfig(config),
        TracingModule,
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
