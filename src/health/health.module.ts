import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown-state';
import { UpstreamsHealthController } from './upstreams.controller';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, UpstreamsHealthController],
  providers: [ShutdownState],
  exports: [ShutdownState, TerminusModule],
})
export class HealthModule {}
