import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OperationsModule } from '../operations/operations.module';
import { ProvidersModule } from '../providers/providers.module';
import { HealthController } from './health.controller';
import { UpstreamsHealthController } from './upstreams.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ProvidersModule, OperationsModule],
  controllers: [HealthController, UpstreamsHealthController],
})
export class HealthModule {}
