import { type DynamicModule, Module } from '@nestjs/common';
import type { Tracing } from './tracing-bootstrap';
import { TRACING, TracingService } from './tracing.service';

@Module({})
export class TracingModule {
  /** `tracing`: what startTracing started before Nest (createApp does it). */
  static forRoot(tracing: Tracing): DynamicModule {
    return {
      module: TracingModule,
      global: true,
      providers: [{ provide: TRACING, useValue: tracing }, TracingService],
      exports: [TracingService],
    };
  }
}
