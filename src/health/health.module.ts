import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ProvidersModule } from '../providers/providers.module';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown-state';
import { UpstreamsHealthController } from './upstreams.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ProvidersModule],
  controllers: [HealthController, UpstreamsHealthController],
  providers: [ShutdownState],
})
export class HealthModule {}
